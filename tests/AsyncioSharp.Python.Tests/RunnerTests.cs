using System.Diagnostics;
using Xunit;

namespace AsyncioSharp.Python.Tests;

/// <summary>The <c>asynciosharp</c> command's contract: it behaves like <c>python3</c> with the same arguments.</summary>
public class RunnerTests
{
    private static (int Code, string Out, string Err) Run(params string[] args) => RunWith(null, args);

    private static (int Code, string Out, string Err) RunWith(Action<Process>? whileRunning, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "AsyncioSharp.Runner.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var firstLine = "";
        if (whileRunning is not null)
        {
            // The program prints a line once it is ready for what the test does to it.
            firstLine = process.StandardOutput.ReadLine() + "\n";
            whileRunning(process);
        }
        var stdout = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(60_000), "runner did not exit");
        return (process.ExitCode, firstLine + stdout, stderr.Result);
    }

    private static string Script(string code)
    {
        var path = Path.Combine(Path.GetTempPath(), $"asynciosharp-{Guid.NewGuid():N}.py");
        File.WriteAllText(path, code);
        return path;
    }

    [Fact]
    public void script_gets_argv_main_name_and_our_loop()
    {
        var path = Script("""
            import asyncio, sys
            async def main():
                return type(asyncio.get_running_loop()).__module__
            print(sys.argv[1:], __name__, asyncio.run(main()))
            """);
        var (code, stdout, _) = Run(path, "a", "b c");
        Assert.Equal(0, code);
        Assert.Equal("['a', 'b c'] __main__ asynciosharp._loop", stdout.Trim());
    }

    [Fact]
    public void sys_exit_code_is_the_exit_code()
    {
        Assert.Equal(5, Run("-c", "import sys; sys.exit(5)").Code);
        var (code, _, stderr) = Run("-c", "import sys; sys.exit('bye')");
        Assert.Equal(1, code);
        Assert.Equal("bye", stderr.Trim());
    }

    [Fact]
    public void uncaught_exception_prints_traceback_and_exits_1()
    {
        var (code, _, stderr) = Run("-c", "import asyncio\nasync def f(): 1/0\nasyncio.run(f())");
        Assert.Equal(1, code);
        Assert.StartsWith("Traceback (most recent call last):", stderr);
        Assert.DoesNotContain("_main.py", stderr);
        Assert.EndsWith("ZeroDivisionError: division by zero", stderr.Trim());
    }

    [Fact]
    public void dash_m_runs_a_module_as_main()
    {
        var (code, stdout, _) = Run("-m", "json.tool", "--help");
        Assert.Equal(0, code);
        Assert.Contains("usage:", stdout);
    }

    [Fact]
    public void missing_python_is_one_line_and_exit_2()
    {
        var (code, stdout, stderr) = Run("--python", "/nonexistent/python3", "-c", "pass");
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Equal("asynciosharp: cannot run /nonexistent/python3: No such file or directory", stderr.Trim());
        Assert.Single(stderr.Trim().Split('\n'));
    }

    [Fact]
    public void interpreter_without_shared_libpython_is_exit_2()
    {
        var (code, _, stderr) = Run("--python", "/bin/true", "-c", "pass");
        Assert.Equal(2, code);
        Assert.Single(stderr.Trim().Split('\n'));
    }

    [Fact]
    public void sigint_raises_keyboard_interrupt_in_the_program()
    {
        var path = Script("""
            import asyncio, sys
            async def main():
                print('ready', flush=True)
                await asyncio.sleep(30)
            try:
                asyncio.run(main())
            except KeyboardInterrupt:
                print('interrupted', flush=True)
                sys.exit(7)
            """);
        var (code, stdout, _) = RunWith(process =>
        {
            using var kill = Process.Start("kill", new[] { "-INT", process.Id.ToString() });
            kill.WaitForExit();
        }, path);
        Assert.Equal(7, code);
        Assert.Equal("ready\ninterrupted", stdout.Trim());
    }
}
