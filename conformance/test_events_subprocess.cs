using AsyncioSharp;
using Xunit;

namespace AsyncioSharp.Conformance;

/// <summary>CPython's <c>MySubprocessProtocol</c> (test_events.py).</summary>
internal sealed class MySubprocessProtocol : SubprocessProtocol
{
    public string State = "INITIAL";
    public SubprocessTransport? Transport;
    public readonly Future Connected;
    public readonly Future Completed;
    public readonly Dictionary<int, Future> Disconnects = new();
    public readonly Dictionary<int, byte[]> Data = new() { [1] = [], [2] = [] };
    public int? Returncode;
    public readonly Dictionary<int, Event> GotData = new() { [1] = new Event(), [2] = new Event() };

    public MySubprocessProtocol(AbstractEventLoop loop)
    {
        Connected = loop.CreateFuture();
        Completed = loop.CreateFuture();
        for (var fd = 0; fd < 3; fd++)
        {
            Disconnects[fd] = loop.CreateFuture();
        }
    }

    private void AssertState(string expected) => Assert.Equal(expected, State);

    public override void ConnectionMade(BaseTransport transport)
    {
        Transport = (SubprocessTransport)transport;
        AssertState("INITIAL");
        State = "CONNECTED";
        Connected.SetResult(null);
    }

    public override void ConnectionLost(Exception? exc)
    {
        AssertState("CONNECTED");
        State = "CLOSED";
        Completed.SetResult(null);
    }

    public override void PipeDataReceived(int fd, ReadOnlySpan<byte> data)
    {
        AssertState("CONNECTED");
        Data[fd] = [.. Data[fd], .. data];
        GotData[fd].Set();
    }

    public override void PipeConnectionLost(int fd, Exception? exc)
    {
        AssertState("CONNECTED");
        if (exc is not null)
        {
            Disconnects[fd].SetException(exc);
        }
        else
        {
            Disconnects[fd].SetResult(null);
        }
    }

    public override void ProcessExited()
    {
        AssertState("CONNECTED");
        Returncode = Transport!.GetReturncode();
    }
}

/// <summary>CPython's <c>SubprocessTestsMixin</c> (test_events.py), on the selector loop.</summary>
public class SubprocessTestsMixin : LoopTestCase
{
    private const string Python = "python3";
    private const string Echo = "import os\nwhile True:\n    buf = os.read(0, 1024)\n    if not buf:\n        break\n    os.write(1, buf)";
    private const string Echo2 = "import os\nbuf = os.read(0, 1024)\nos.write(1, b'OUT:'+buf)\nos.write(2, b'ERR:'+buf)";
    private const string Echo3 = "import os\nwhile True:\n    buf = os.read(0, 1024)\n    if not buf:\n        break\n    try:\n        os.write(1, b'OUT:'+buf)\n    except OSError as ex:\n        os.write(2, b'ERR:' + ex.__class__.__name__.encode('ascii'))";

    private static byte[] B(string s) => System.Text.Encoding.ASCII.GetBytes(s);

    private (SubprocessTransport Transp, MySubprocessProtocol Proto) Exec(string code, int? stderr = Subprocess.PIPE)
    {
        var (transp, proto) = Loop.RunUntilComplete(Loop.SubprocessExec(() => new MySubprocessProtocol(Loop), Python,
            ["-c", code], stderr: stderr));
        return (transp, (MySubprocessProtocol)proto);
    }

    private (SubprocessTransport Transp, MySubprocessProtocol Proto) Shell(string cmd, int? stdin = Subprocess.PIPE,
        int? stdout = Subprocess.PIPE, int? stderr = Subprocess.PIPE)
    {
        var (transp, proto) = Loop.RunUntilComplete(Loop.SubprocessShell(() => new MySubprocessProtocol(Loop), cmd,
            stdin, stdout, stderr));
        return (transp, (MySubprocessProtocol)proto);
    }

    private static WriteTransport Stdin(SubprocessTransport transp) => (WriteTransport)transp.GetPipeTransport(0)!;

    [Fact]
    public void test_subprocess_exec()
    {
        var (transp, proto) = Exec(Echo);
        Loop.RunUntilComplete(proto.Connected);
        Assert.Equal("CONNECTED", proto.State);
        Stdin(transp).Write(B("Python The Winner"));
        Loop.RunUntilComplete(proto.GotData[1].Wait());
        transp.Close();
        Loop.RunUntilComplete(proto.Completed);
        Assert.Equal(-9, proto.Returncode);
        Assert.Equal(B("Python The Winner"), proto.Data[1]);
    }

    [Fact]
    public void test_subprocess_interactive()
    {
        var (transp, proto) = Exec(Echo);
        Loop.RunUntilComplete(proto.Connected);
        Assert.Equal("CONNECTED", proto.State);
        var stdin = Stdin(transp);
        stdin.Write(B("Python "));
        Loop.RunUntilComplete(proto.GotData[1].Wait());
        proto.GotData[1].Clear();
        Assert.Equal(B("Python "), proto.Data[1]);
        stdin.Write(B("The Winner"));
        Loop.RunUntilComplete(proto.GotData[1].Wait());
        Assert.Equal(B("Python The Winner"), proto.Data[1]);
        transp.Close();
        Loop.RunUntilComplete(proto.Completed);
        Assert.Equal(-9, proto.Returncode);
    }

    [Fact]
    public void test_subprocess_shell()
    {
        var (transp, proto) = Shell("echo Python");
        Loop.RunUntilComplete(proto.Connected);
        transp.GetPipeTransport(0)!.Close();
        Loop.RunUntilComplete(proto.Completed);
        Assert.Equal(0, proto.Returncode);
        Assert.All(proto.Disconnects.Values, f => Assert.True(f.Done()));
        Assert.Equal("Python", System.Text.Encoding.ASCII.GetString(proto.Data[1]).TrimEnd('\r', '\n'));
        Assert.Empty(proto.Data[2]);
        transp.Close();
    }

    [Fact]
    public void test_subprocess_exitcode()
    {
        var (transp, proto) = Shell("exit 7", null, null, null);
        Loop.RunUntilComplete(proto.Completed);
        Assert.Equal(7, proto.Returncode);
        transp.Close();
    }

    [Fact]
    public void test_subprocess_close_after_finish()
    {
        var (transp, proto) = Shell("exit 7", null, null, null);
        Assert.Null(transp.GetPipeTransport(0));
        Assert.Null(transp.GetPipeTransport(1));
        Assert.Null(transp.GetPipeTransport(2));
        Loop.RunUntilComplete(proto.Completed);
        Assert.Equal(7, proto.Returncode);
        transp.Close();
    }

    [Fact]
    public void test_subprocess_wait_no_same_group()
    {
        var (transp, proto) = Loop.RunUntilComplete(Loop.SubprocessShell(() => new MySubprocessProtocol(Loop), "exit 7",
            null, null, null, startNewSession: true));
        var p = (MySubprocessProtocol)proto;
        Loop.RunUntilComplete(p.Completed);
        Assert.Equal(7, p.Returncode);
        transp.Close();
    }

    [Fact]
    public void test_subprocess_kill()
    {
        var (transp, proto) = Exec(Echo);
        Loop.RunUntilComplete(proto.Connected);
        transp.Kill();
        Loop.RunUntilComplete(proto.Completed);
        Assert.Equal(-9, proto.Returncode);
        transp.Close();
    }

    [Fact]
    public void test_subprocess_terminate()
    {
        var (transp, proto) = Exec(Echo);
        Loop.RunUntilComplete(proto.Connected);
        transp.Terminate();
        Loop.RunUntilComplete(proto.Completed);
        Assert.Equal(-15, proto.Returncode);
        transp.Close();
    }

    [Fact]
    public void test_subprocess_send_signal()
    {
        const int SIGHUP = 1;
        var (transp, proto) = Exec(Echo);
        Loop.RunUntilComplete(proto.Connected);
        transp.SendSignal(SIGHUP);
        Loop.RunUntilComplete(proto.Completed);
        Assert.Equal(-SIGHUP, proto.Returncode);
        transp.Close();
    }

    [Fact]
    public void test_subprocess_stderr()
    {
        var (transp, proto) = Exec(Echo2);
        Loop.RunUntilComplete(proto.Connected);
        Stdin(transp).Write(B("test"));
        Loop.RunUntilComplete(proto.Completed);
        transp.Close();
        Assert.Equal(B("OUT:test"), proto.Data[1]);
        Assert.StartsWith("ERR:test", System.Text.Encoding.ASCII.GetString(proto.Data[2]));
        Assert.Equal(0, proto.Returncode);
    }

    [Fact]
    public void test_subprocess_stderr_redirect_to_stdout()
    {
        var (transp, proto) = Exec(Echo2, stderr: Subprocess.STDOUT);
        Loop.RunUntilComplete(proto.Connected);
        var stdin = Stdin(transp);
        Assert.NotNull(transp.GetPipeTransport(1));
        Assert.Null(transp.GetPipeTransport(2));
        stdin.Write(B("test"));
        Loop.RunUntilComplete(proto.Completed);
        Assert.StartsWith("OUT:testERR:test", System.Text.Encoding.ASCII.GetString(proto.Data[1]));
        Assert.Empty(proto.Data[2]);
        transp.Close();
        Assert.Equal(0, proto.Returncode);
    }

    [Fact]
    public void test_subprocess_close_client_stream()
    {
        var (transp, proto) = Exec(Echo3);
        Loop.RunUntilComplete(proto.Connected);
        var stdin = Stdin(transp);
        var stdout = transp.GetPipeTransport(1)!;
        stdin.Write(B("test"));
        Loop.RunUntilComplete(proto.GotData[1].Wait());
        Assert.Equal(B("OUT:test"), proto.Data[1]);
        stdout.Close();
        Loop.RunUntilComplete(proto.Disconnects[1]);
        stdin.Write(B("xxx"));
        Loop.RunUntilComplete(proto.GotData[2].Wait());
        Assert.Equal(B("ERR:BrokenPipeError"), proto.Data[2]);
        transp.Close();
        Loop.RunUntilComplete(proto.Completed);
        Assert.Equal(-9, proto.Returncode);
    }
}
