using System;
using System.Collections.Generic;
using System.IO;
using Python.Runtime;

namespace AsyncioSharp.Python;

/// <summary>
/// Embeds CPython (through Python.NET) so Python asyncio code runs on the .NET loop. The interpreter is the one named
/// by <c>--python</c>, else the environment variable ASYNCIOSHARP_PYTHON, else <c>python3</c> on PATH; the embedded
/// interpreter gets that interpreter's standard library, <c>sys.path</c> and <c>sys.executable</c>.
/// </summary>
public static class PythonHost
{
    private static readonly object Gate = new();

    /// <summary>The interpreter in use, once <see cref="Start"/> has run.</summary>
    public static InterpreterInfo? Interpreter { get; private set; }

    /// <summary>The folder holding the <c>asynciosharp</c> Python package.</summary>
    public static string PackageDirectory => Path.Combine(AppContext.BaseDirectory, "python");

    /// <summary>The interpreter to use: <paramref name="python"/>, else ASYNCIOSHARP_PYTHON, else <c>python3</c>.</summary>
    public static string ResolvePython(string? python) =>
        !string.IsNullOrEmpty(python) ? python
        : Environment.GetEnvironmentVariable("ASYNCIOSHARP_PYTHON") is { Length: > 0 } fromEnv ? fromEnv
        : "python3";

    /// <summary>
    /// Loads and initializes CPython once. With <paramref name="keepGil"/> the calling thread keeps the GIL (the
    /// runner's main thread runs the program); otherwise the GIL is released and callers take it with <c>Py.GIL()</c>.
    /// <paramref name="installSignalHandlers"/> lets CPython handle SIGINT (KeyboardInterrupt), as <c>python3</c> does.
    /// Throws <see cref="PythonHostError"/> when no usable libpython is found.
    /// </summary>
    public static InterpreterInfo Start(string? python = null, bool keepGil = false, bool installSignalHandlers = false)
    {
        lock (Gate)
        {
            if (Interpreter is { } running)
            {
                return running;
            }
            var info = InterpreterInfo.Query(ResolvePython(python));
            try
            {
                Runtime.PythonDLL = info.Library;
                PythonEngine.PythonHome = info.BasePrefix;
                PythonEngine.ProgramName = info.Executable;
                PythonEngine.Initialize(Array.Empty<string>(), setSysArgv: false, initSigs: installSignalHandlers);
            }
            catch (Exception e) when (e is not PythonHostError)
            {
                throw new PythonHostError($"cannot load {info.Library}: {e.GetBaseException().Message}");
            }
            ConfigureSys(info);
            if (installSignalHandlers)
            {
                // The .NET runtime owns SIGINT at this point; give it to Python, as python3 has it at startup, unless it
                // was ignored when the process started (a background job), where python3 leaves it ignored too.
                PythonEngine.Exec("import signal\nif signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:\n"
                                  + "    signal.signal(signal.SIGINT, signal.default_int_handler)");
            }
            Interpreter = info;
            if (!keepGil)
            {
                // Never taken back on this thread: from now on every caller takes the GIL with Py.GIL().
                PythonEngine.BeginAllowThreads();
            }
            return info;
        }
    }

    private static void ConfigureSys(InterpreterInfo info)
    {
        using var sys = Py.Import("sys");
        using var path = new PyList();
        foreach (var entry in info.Path)
        {
            using var item = new PyString(entry);
            path.Append(item);
        }
        using var package = new PyString(PackageDirectory);
        path.Append(package);
        sys.SetAttr("path", path);
        using var executable = new PyString(info.Executable);
        sys.SetAttr("executable", executable);
        using var prefix = new PyString(info.Prefix);
        sys.SetAttr("prefix", prefix);
        using var execPrefix = new PyString(info.ExecPrefix);
        sys.SetAttr("exec_prefix", execPrefix);
    }

    /// <summary>
    /// Finalizes the interpreter; call on the thread that holds the GIL (the runner's main thread), before the process
    /// exits, so nothing tries to finalize it later from a thread without the GIL.
    /// </summary>
    public static void Stop()
    {
        lock (Gate)
        {
            if (Interpreter is null)
            {
                return;
            }
            PythonEngine.Shutdown();
            Interpreter = null;
        }
    }

    /// <summary>
    /// Runs a program as <c>python3</c> would, with our loop as asyncio's default: <paramref name="kind"/> is "file"
    /// (a script path), "module" (<c>-m</c>) or "code" (<c>-c</c>). Returns the exit code (SystemExit's, 1 after a
    /// traceback). Call on the thread that started the host with <c>keepGil</c>.
    /// </summary>
    public static int RunMain(string kind, string target, IReadOnlyList<string> args)
    {
        using var main = Py.Import("asynciosharp._main");
        using var pyArgs = new PyList();
        foreach (var arg in args)
        {
            using var item = new PyString(arg);
            pyArgs.Append(item);
        }
        using var pyKind = new PyString(kind);
        using var pyTarget = new PyString(target);
        using var code = main.InvokeMethod("main", pyKind, pyTarget, pyArgs);
        return code.As<int>();
    }

    /// <summary>
    /// Creates a Python <c>asynciosharp.EventLoop</c> over the .NET <paramref name="loop"/>, so C# can hand Python the
    /// loop it runs. The caller holds the GIL.
    /// </summary>
    public static PyObject CreateEventLoop(SelectorEventLoop loop)
    {
        using var package = Py.Import("asynciosharp");
        using var facade = new LoopFacade(loop).ToPython();
        return package.InvokeMethod("EventLoop", facade);
    }
}
