using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace AsyncioSharp.Python;

/// <summary>What embedding needs to know about a CPython interpreter, asked once from that interpreter itself.</summary>
public sealed class InterpreterInfo
{
    private const string QueryScript =
        "import sys, sysconfig, json\n" +
        "v = sysconfig.get_config_var\n" +
        "print(json.dumps({'executable': sys.executable, 'prefix': sys.prefix, 'exec_prefix': sys.exec_prefix," +
        " 'base_prefix': sys.base_prefix, 'path': sys.path[1:], 'libdir': v('LIBDIR') or '', 'ldlibrary': v('LDLIBRARY') or ''," +
        " 'instsoname': v('INSTSONAME') or '', 'version': '%d.%d' % sys.version_info[:2]}))\n";

    private InterpreterInfo(JsonElement json)
    {
        Executable = json.GetProperty("executable").GetString()!;
        Prefix = json.GetProperty("prefix").GetString()!;
        ExecPrefix = json.GetProperty("exec_prefix").GetString()!;
        BasePrefix = json.GetProperty("base_prefix").GetString()!;
        Path = json.GetProperty("path").EnumerateArray().Select(e => e.GetString()!).ToList();
        Version = json.GetProperty("version").GetString()!;
        var libdir = json.GetProperty("libdir").GetString()!;
        var candidates = new[] { json.GetProperty("ldlibrary").GetString()!, json.GetProperty("instsoname").GetString()! }
            .Where(name => name.Contains(".so") || name.EndsWith(".dylib", StringComparison.Ordinal))
            .Select(name => System.IO.Path.Combine(libdir, name));
        Library = candidates.FirstOrDefault(File.Exists) ?? throw new PythonHostError(
            $"{Executable} has no shared libpython (LDLIBRARY={json.GetProperty("ldlibrary").GetString()} in {libdir}); " +
            "use a Python built with --enable-shared");
    }

    /// <summary>The interpreter's <c>sys.executable</c>; the embedded interpreter keeps it.</summary>
    public string Executable { get; }

    /// <summary>The shared libpython the host loads.</summary>
    public string Library { get; }

    /// <summary><c>sys.prefix</c>.</summary>
    public string Prefix { get; }

    /// <summary><c>sys.exec_prefix</c>.</summary>
    public string ExecPrefix { get; }

    /// <summary><c>sys.base_prefix</c>: the home of the standard library (differs from the prefix in a venv).</summary>
    public string BasePrefix { get; }

    /// <summary><c>sys.path</c> without the script directory entry.</summary>
    public IReadOnlyList<string> Path { get; }

    /// <summary>"major.minor".</summary>
    public string Version { get; }

    /// <summary>Runs <paramref name="python"/> (a path or a name looked up on PATH) once and reads its configuration.</summary>
    public static InterpreterInfo Query(string python)
    {
        var start = new ProcessStartInfo(python, new[] { "-c", QueryScript })
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new PythonHostError($"cannot start {python}");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new PythonHostError($"cannot run {python}: {new System.ComponentModel.Win32Exception(e.NativeErrorCode).Message}");
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEnd();
            var stderr = process.StandardError.ReadToEnd();
            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                var reason = stderr.Trim().Split('\n').LastOrDefault() ?? "";
                throw new PythonHostError($"{python} failed (exit code {process.ExitCode}): {reason}");
            }
            try
            {
                using var doc = JsonDocument.Parse(stdout);
                return new InterpreterInfo(doc.RootElement);
            }
            catch (JsonException)
            {
                throw new PythonHostError($"{python} is not a usable CPython 3 interpreter");
            }
        }
    }
}
