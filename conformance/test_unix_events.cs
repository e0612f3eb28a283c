using AsyncioSharp;
using Xunit;

namespace AsyncioSharp.Conformance;

/// <summary>
/// A protocol that records its calls, standing in for CPython's <c>test_utils.make_test_protocol</c> mock.
/// </summary>
public sealed class RecordingProtocol : Protocol
{
    public List<BaseTransport> Made { get; } = new();
    public List<byte[]> Received { get; } = new();
    public int Eofs { get; private set; }
    public List<Exception?> Lost { get; } = new();

    public override void ConnectionMade(BaseTransport transport) => Made.Add(transport);

    public override void DataReceived(ReadOnlySpan<byte> data) => Received.Add(data.ToArray());

    public override bool EofReceived()
    {
        Eofs++;
        return false;
    }

    public override void ConnectionLost(Exception? exc) => Lost.Add(exc);
}

/// <summary>
/// CPython's <c>test_unix_events.UnixReadPipeTransportTests</c> on a real pipe: where CPython patches os.read and
/// inspects the mock loop's readers, these write to the pipe and ask the loop which fds it polls.
/// </summary>
public class UnixReadPipeTransportTests : LoopTestCase
{
    private readonly RecordingProtocol _protocol = new();
    private readonly int _rfd;
    private int _wfd;
    private readonly FileStream _pipe;

    public UnixReadPipeTransportTests()
    {
        (_rfd, _wfd) = Os.Pipe();
        _pipe = Os.Open(_rfd, FileAccess.Read);
    }

    private UnixReadPipeTransport ReadPipeTransport(Future? waiter = null) => new(Loop, _pipe, _protocol, waiter);

    public override void Dispose()
    {
        _pipe.Dispose();
        if (_wfd >= 0)
        {
            Os.Close(_wfd);
        }
        base.Dispose();
    }

    [Fact]
    public void test_ctor()
    {
        var waiter = Loop.CreateFuture();
        var tr = ReadPipeTransport(waiter);
        Loop.RunUntilComplete(waiter);

        Assert.Same(tr, Assert.Single(_protocol.Made));
        Assert.True(Loop.IsPolling(_rfd, write: false));
        Assert.Null(waiter.Result());
        tr.Close();
        RunBriefly();
    }

    [Fact]
    public void test__read_ready()
    {
        var tr = ReadPipeTransport();
        RunBriefly();
        Os.Write(_wfd, "data"u8.ToArray());
        RunUntil(() => _protocol.Received.Count > 0);
        Assert.Equal("data"u8.ToArray(), Assert.Single(_protocol.Received));
        tr.Close();
        RunBriefly();
    }

    [Fact]
    public void test__read_ready_eof()
    {
        ReadPipeTransport();
        RunBriefly();
        // Close the write end: the reader sees EOF.
        Os.Close(_wfd);
        _wfd = -1;
        RunUntil(() => _protocol.Lost.Count > 0);
        Assert.False(Loop.IsPolling(_rfd, write: false));
        Assert.Equal(1, _protocol.Eofs);
        Assert.Null(Assert.Single(_protocol.Lost));
    }

    [Fact]
    public void test__read_ready_blocked()
    {
        var tr = ReadPipeTransport();
        RunBriefly();
        // Nothing written: the reader waits, data_received is not called.
        RunBriefly();
        Assert.Empty(_protocol.Received);
        tr.Close();
        RunBriefly();
    }

    [Fact]
    public void test__read_ready_error()
    {
        // A TCP peer that resets the connection makes the read fail (ECONNRESET): a fatal read error, reported
        // to the exception handler, closing the transport.
        CustomExceptionHandler = true;
        var contexts = new List<IReadOnlyDictionary<string, object?>>();
        Loop.SetExceptionHandler((_, context) => contexts.Add(context));
        using var listener = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        listener.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        listener.Listen();
        var client = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        client.Connect(listener.LocalEndPoint!);
        var peer = listener.Accept();
        var tr = new UnixReadPipeTransport(Loop, new System.Net.Sockets.NetworkStream(client, ownsSocket: true), _protocol);
        RunBriefly();
        peer.LingerState = new System.Net.Sockets.LingerOption(true, 0);
        peer.Close();
        RunUntil(() => _protocol.Lost.Count > 0);

        var context = Assert.Single(contexts);
        Assert.Equal("Fatal read error on pipe transport", context["message"]);
        var exc = Assert.IsType<ConnectionResetError>(context["exception"]);
        Assert.Same(exc, Assert.Single(_protocol.Lost));
        Assert.True(tr.IsClosing());
    }

    [Fact]
    public void test_pause_reading()
    {
        var tr = ReadPipeTransport();
        RunBriefly();
        tr.PauseReading();
        Assert.False(Loop.IsPolling(_rfd, write: false));
        tr.Close();
        RunBriefly();
    }

    [Fact]
    public void test_resume_reading()
    {
        var tr = ReadPipeTransport();
        RunBriefly();
        tr.PauseReading();
        tr.ResumeReading();
        Assert.True(Loop.IsPolling(_rfd, write: false));
        tr.Close();
        RunBriefly();
    }

    [Fact]
    public void test_close()
    {
        var tr = ReadPipeTransport();
        RunBriefly();
        tr.Close();
        Assert.True(tr.IsClosing());
        Assert.False(Loop.IsPolling(_rfd, write: false));
        RunBriefly();
        Assert.Null(Assert.Single(_protocol.Lost));
    }

    [Fact]
    public void test_close_already_closing()
    {
        var tr = ReadPipeTransport();
        tr.Close();
        tr.Close();
        RunBriefly();
        Assert.Single(_protocol.Lost);
    }

    [Fact]
    public void test__call_connection_lost()
    {
        var tr = ReadPipeTransport();
        RunBriefly();
        tr.Close();
        RunBriefly();
        Assert.Null(Assert.Single(_protocol.Lost));
        // The pipe was closed.
        Assert.False(_pipe.CanRead);
        Assert.Contains("closed", tr.ToString());
    }

    [Fact]
    public void test_pause_reading_on_closed_pipe()
    {
        var tr = ReadPipeTransport();
        tr.Close();
        RunBriefly();
        tr.PauseReading();
    }

    [Fact]
    public void test_pause_reading_on_paused_pipe()
    {
        var tr = ReadPipeTransport();
        tr.PauseReading();
        // The second call should do nothing.
        tr.PauseReading();
        tr.Close();
        RunBriefly();
    }

    [Fact]
    public void test_resume_reading_on_closed_pipe()
    {
        var tr = ReadPipeTransport();
        tr.Close();
        RunBriefly();
        tr.ResumeReading();
        Assert.False(Loop.IsPolling(_rfd, write: false));
    }

    [Fact]
    public void test_resume_reading_on_paused_pipe()
    {
        var tr = ReadPipeTransport();
        // The pipe is not paused: resuming should do nothing.
        tr.ResumeReading();
        tr.Close();
        RunBriefly();
    }
}
