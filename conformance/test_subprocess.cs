using AsyncioSharp;
using Xunit;

namespace AsyncioSharp.Conformance;

/// <summary>CPython's <c>SubprocessMixin</c>, on the selector loop (pidfd child watching).</summary>
public class SubprocessMixin : AsyncLoopTestCase
{
    private const string Python = "python3";
    private static readonly string[] PROGRAM_BLOCKED = ["-c", "import time; time.sleep(3600)"];
    private static readonly string[] PROGRAM_CAT = ["-c", "import sys; data = sys.stdin.buffer.read(); sys.stdout.buffer.write(data)"];
    private const string LenOfStdin = "import sys; data = sys.stdin.read(); print(len(data))";

    private static byte[] B(string s) => System.Text.Encoding.ASCII.GetBytes(s);

    [Fact]
    public void test_stdin_stdout() => RunAsync(async () =>
    {
        var proc = await Asyncio.CreateSubprocessExec(Python, PROGRAM_CAT, stdin: Subprocess.PIPE, stdout: Subprocess.PIPE);
        proc.Stdin!.Write(B("some data"));
        await proc.Stdin.Drain();
        proc.Stdin.Close();
        var data = await proc.Stdout!.Read();
        var exitcode = await proc.Wait();
        Assert.Equal(0, exitcode);
        Assert.Equal(B("some data"), data);
    });

    [Fact]
    public void test_communicate() => RunAsync(async () =>
    {
        var proc = await Asyncio.CreateSubprocessExec(Python, PROGRAM_CAT, stdin: Subprocess.PIPE, stdout: Subprocess.PIPE);
        var (stdout, _) = await proc.Communicate(B("some data"));
        Assert.Equal(0, proc.Returncode);
        Assert.Equal(B("some data"), stdout);
    });

    [Fact]
    public void test_shell() => RunAsync(async () =>
    {
        var proc = await Asyncio.CreateSubprocessShell("exit 7");
        Assert.Equal(7, await proc.Wait());
    });

    [Fact]
    public void test_start_new_session() => RunAsync(async () =>
    {
        var proc = await Asyncio.CreateSubprocessShell("exit 8", startNewSession: true);
        Assert.Equal(8, await proc.Wait());
    });

    [Fact]
    public void test_kill() => RunAsync(async () =>
    {
        var proc = await Asyncio.CreateSubprocessExec(Python, PROGRAM_BLOCKED);
        proc.Kill();
        Assert.Equal(-9, await proc.Wait());
    });

    [Fact]
    public void test_kill_issue43884() => RunAsync(async () =>
    {
        var proc = await Asyncio.CreateSubprocessShell("sleep 1; sleep 1", stdout: Subprocess.PIPE);
        await Asyncio.Sleep(0.1);
        proc.Kill();
        Assert.Equal(-9, await proc.Wait());
    });

    [Fact]
    public void test_terminate() => RunAsync(async () =>
    {
        var proc = await Asyncio.CreateSubprocessExec(Python, PROGRAM_BLOCKED);
        proc.Terminate();
        Assert.Equal(-15, await proc.Wait());
    });

    [Fact]
    public void test_send_signal() => RunAsync(async () =>
    {
        const int SIGHUP = 1;
        var proc = await Asyncio.CreateSubprocessExec(Python,
            ["-c", "import time; print('sleeping', flush=True); time.sleep(3600)"], stdout: Subprocess.PIPE);
        Assert.Equal(B("sleeping\n"), await proc.Stdout!.Readline());
        proc.SendSignal(SIGHUP);
        Assert.Equal(-SIGHUP, await proc.Wait());
    });

    [Fact]
    public void test_communicate_ignore_broken_pipe() => RunAsync(async () =>
    {
        var proc = await Asyncio.CreateSubprocessExec(Python, ["-c", "pass"], stdin: Subprocess.PIPE);
        CustomExceptionHandler = true;
        await proc.Communicate(new byte[4 * 1024 * 1024]);
        await proc.Wait();
    });

    [Fact]
    public void test_stdin_broken_pipe() => RunAsync(async () =>
    {
        var proc = await Asyncio.CreateSubprocessExec(Python, ["-c", "import sys; sys.stdin.buffer.read(1)"], stdin: Subprocess.PIPE);
        await AssertRaisesAsync<ConnectionError>(async () =>
        {
            proc.Stdin!.Write(new byte[4 * 1024 * 1024]);
            await proc.Stdin.Drain();
            await proc.Wait();
            proc.Stdin.Write(new byte[1]);
            await proc.Stdin.Drain();
        });
        await proc.Wait();
    });

    [Fact]
    public void test_pause_reading() => RunAsync(async () =>
    {
        const int limit = 10;
        const int size = limit * 2 + 1;
        var proc = await Asyncio.CreateSubprocessExec(Python,
            ["-c", $"import sys; sys.stdout.write('x' * {size}); sys.stdout.flush()"],
            stdin: Subprocess.PIPE, stdout: Subprocess.PIPE, limit: limit);
        var (stdout, _) = await proc.Communicate();
        Assert.Equal(new string('x', size), System.Text.Encoding.ASCII.GetString(stdout!));
    });

    [Fact]
    public void test_stdin_not_inheritable() => RunAsync(async () =>
    {
        var proc = await Asyncio.CreateSubprocessExec(Python, ["-c", LenOfStdin],
            stdin: Subprocess.PIPE, stdout: Subprocess.PIPE, stderr: Subprocess.PIPE);
        var (stdout, _) = await proc.Communicate(B("abc"));
        Assert.Equal("3", System.Text.Encoding.ASCII.GetString(stdout!).TrimEnd());
        Assert.Equal(0, await proc.Wait());
    });

    [Fact]
    public void test_empty_input() => RunAsync(async () =>
    {
        var proc = await Asyncio.CreateSubprocessExec(Python, ["-c", LenOfStdin],
            stdin: Subprocess.PIPE, stdout: Subprocess.PIPE, stderr: Subprocess.PIPE);
        var (stdout, _) = await proc.Communicate([]);
        Assert.Equal("0", System.Text.Encoding.ASCII.GetString(stdout!).TrimEnd());
        Assert.Equal(0, await proc.Wait());
    });

    [Fact]
    public void test_devnull_input() => RunAsync(async () =>
    {
        var proc = await Asyncio.CreateSubprocessExec(Python, ["-c", LenOfStdin],
            stdin: Subprocess.DEVNULL, stdout: Subprocess.PIPE, stderr: Subprocess.PIPE);
        var (stdout, _) = await proc.Communicate();
        Assert.Equal("0", System.Text.Encoding.ASCII.GetString(stdout!).TrimEnd());
        Assert.Equal(0, await proc.Wait());
    });

    [Fact]
    public void test_devnull_output() => RunAsync(async () =>
    {
        var proc = await Asyncio.CreateSubprocessExec(Python, ["-c", LenOfStdin],
            stdin: Subprocess.PIPE, stdout: Subprocess.DEVNULL, stderr: Subprocess.PIPE);
        var (stdout, _) = await proc.Communicate(B("abc"));
        Assert.Null(stdout);
        Assert.Equal(0, await proc.Wait());
    });

    [Fact]
    public void test_devnull_error() => RunAsync(async () =>
    {
        var proc = await Asyncio.CreateSubprocessExec(Python, ["-c", LenOfStdin],
            stdin: Subprocess.PIPE, stdout: Subprocess.PIPE, stderr: Subprocess.DEVNULL);
        var (_, stderr) = await proc.Communicate(B("abc"));
        Assert.Null(stderr);
        Assert.Equal(0, await proc.Wait());
    });

    [Fact]
    public void test_devstdin_input() => RunAsync(async () =>
    {
        var proc = await Asyncio.CreateSubprocessExec(Python,
            ["-c", "file = open('/dev/stdin'); data = file.read(); print(len(data))"],
            stdin: Subprocess.PIPE, stdout: Subprocess.PIPE, stderr: Subprocess.PIPE);
        var (stdout, _) = await proc.Communicate(B("abc"));
        Assert.Equal("3", System.Text.Encoding.ASCII.GetString(stdout!).TrimEnd());
        Assert.Equal(0, await proc.Wait());
    });

    [Fact]
    public void test_cancel_process_wait() => RunAsync(async () =>
    {
        var proc = await Asyncio.CreateSubprocessExec(Python, PROGRAM_BLOCKED);
        var task = Loop.CreateTask(proc.Wait());
        Loop.CallSoon(() => task.Cancel());
        try
        {
            await task;
        }
        catch (CancelledError)
        {
        }
        task.Cancel();
        proc.Kill();
        await proc.Wait();
    });

    [Fact]
    public void test_close_kill_running() => RunAsync(async () =>
    {
        var (transport, _) = await Loop.SubprocessExec(() => new SubprocessProtocol(), Python, PROGRAM_BLOCKED);
        Assert.Null(transport.GetReturncode());
        transport.Close();
        var returncode = await ((BaseSubprocessTransport)transport).Wait();
        Assert.Equal(-9, returncode);
    });

    [Fact]
    public void test_cancel_make_subprocess_transport_exec() => RunAsync(async () =>
    {
        var task = Loop.CreateTask(Asyncio.CreateSubprocessExec(Python, PROGRAM_BLOCKED));
        Loop.CallSoon(() => task.Cancel());
        try
        {
            await task;
        }
        catch (CancelledError)
        {
        }
    });

    [Fact]
    public void test_cancel_post_init() => RunAsync(async () =>
    {
        var task = Loop.CreateTask(Loop.SubprocessExec(() => new SubprocessProtocol(), Python, PROGRAM_BLOCKED));
        Loop.CallSoon(() => task.Cancel());
        try
        {
            await task;
        }
        catch (CancelledError)
        {
        }
        await Asyncio.Sleep(0.1);
    });

    [Fact]
    public void test_create_subprocess_exec_with_path() => RunAsync(async () =>
    {
        var p = await Asyncio.CreateSubprocessExec(Python, ["-c", "pass"]);
        Assert.Equal(0, await p.Wait());
        p = await Asyncio.CreateSubprocessExec(Python, ["-c", "pass", "."], cwd: Path.GetTempPath());
        Assert.Equal(0, await p.Wait());
    });

    [Fact]
    public void test_popen_error() => RunAsync(async () =>
    {
        var exc = await AssertRaisesAsync<FileNotFoundError>(async () =>
            await Asyncio.CreateSubprocessExec("/nonexistent/program-asyncio-sharp"));
        Assert.Equal(2, exc.Errno);
    });

    [Fact]
    public void test_popen_error_with_stdin_pipe() => RunAsync(async () =>
    {
        await AssertRaisesAsync<FileNotFoundError>(async () =>
            await Asyncio.CreateSubprocessExec("/nonexistent/program-asyncio-sharp", stdin: Subprocess.PIPE));
    });

    [Fact]
    public void test_read_stdout_after_process_exit() => RunAsync(async () =>
    {
        var process = await Asyncio.CreateSubprocessExec(Python,
            ["-c", "import sys\nfor _ in range(64):\n    sys.stdout.write('x' * 4096)\nsys.stdout.flush()\nsys.exit(1)"],
            stdout: Subprocess.PIPE);
        while (true)
        {
            var data = await process.Stdout!.Read(65536);
            if (data.Length == 0)
            {
                break;
            }
            await Asyncio.Sleep(0.05);
        }
        Assert.Equal(1, await process.Wait());
    });

    [Fact]
    public void test_subprocess_communicate_stdout() => RunAsync(async () =>
    {
        async Coroutine<string> GetCommandStdout(string cmd, params string[] args)
        {
            var proc = await Asyncio.CreateSubprocessExec(cmd, args, stdout: Subprocess.PIPE);
            var (stdout, _) = await proc.Communicate();
            return System.Text.Encoding.UTF8.GetString(stdout!).Trim();
        }
        Assert.Equal("hello", await GetCommandStdout(Python, "-c", "print('hello')"));
    });
}
