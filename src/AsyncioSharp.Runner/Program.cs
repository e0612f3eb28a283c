using System;
using System.Collections.Generic;
using AsyncioSharp.Python;

namespace AsyncioSharp.Runner;

/// <summary>
/// The <c>asynciosharp</c> command: runs a Python asyncio program as <c>python3</c> would, on the .NET loop.
/// <c>asynciosharp [--python PATH] (script.py | -m module | -c code) [args...]</c>.
/// </summary>
public static class Program
{
    private const string Usage = "usage: asynciosharp [--python PATH] (script.py | -m module | -c code) [args...]";

    /// <summary>Entry point: the exit code is the program's (2 for a usage error or no usable Python).</summary>
    public static int Main(string[] args)
    {
        string? python = null;
        var i = 0;
        while (i < args.Length && args[i] == "--python")
        {
            if (i + 1 >= args.Length)
            {
                return Fail(Usage);
            }
            python = args[i + 1];
            i += 2;
        }
        if (i >= args.Length)
        {
            return Fail(Usage);
        }
        string kind;
        string target;
        if (args[i] is "-m" or "-c")
        {
            if (i + 1 >= args.Length)
            {
                return Fail($"asynciosharp: argument expected for the {args[i]} option");
            }
            kind = args[i] == "-m" ? "module" : "code";
            target = args[i + 1];
            i += 2;
        }
        else
        {
            kind = "file";
            target = args[i];
            i += 1;
        }
        var rest = new List<string>(args[i..]);
        try
        {
            PythonHost.Start(python, keepGil: true, installSignalHandlers: true);
        }
        catch (PythonHostError e)
        {
            return Fail($"asynciosharp: {e.Message}");
        }
        if (kind == "file" && !System.IO.File.Exists(target))
        {
            return Fail($"asynciosharp: can't open file '{target}': [Errno 2] No such file or directory");
        }
        var code = PythonHost.RunMain(kind, target, rest);
        PythonHost.Stop();
        return code;
    }

    private static int Fail(string message)
    {
        Console.Error.WriteLine(message);
        return 2;
    }
}
