using System.Net.Sockets;
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

/// <summary>
/// CPython's <c>test_unix_events.UnixWritePipeTransportTests</c> on a real pipe: a full pipe stands in for
/// os.write returning less than asked or raising BlockingIOError; the loop says which fds it polls.
/// </summary>
public class UnixWritePipeTransportTests : LoopTestCase
{
    // More than a Linux pipe holds (64 KiB), so a write of it is partial.
    private static readonly byte[] Big = Enumerable.Range(0, 200_000).Select(i => (byte)i).ToArray();

    private readonly RecordingProtocol _protocol = new();
    private int _rfd;
    private readonly int _wfd;
    private readonly FileStream _pipe;

    public UnixWritePipeTransportTests()
    {
        (_rfd, _wfd) = Os.Pipe();
        _pipe = Os.Open(_wfd, FileAccess.Write);
    }

    private UnixWritePipeTransport WritePipeTransport(Future? waiter = null) => new(Loop, _pipe, _protocol, waiter);

    public override void Dispose()
    {
        _pipe.Dispose();
        CloseReadEnd();
        base.Dispose();
    }

    private void CloseReadEnd()
    {
        if (_rfd >= 0)
        {
            Os.Close(_rfd);
            _rfd = -1;
        }
    }

    private List<byte> ReadAll(int expected)
    {
        var data = new List<byte>();
        RunUntil(() =>
        {
            if (data.Count < expected)
            {
                data.AddRange(Os.Read(_rfd, 65536));
            }
            return data.Count >= expected;
        });
        return data;
    }

    private void CloseAndRun(BaseTransport tr)
    {
        tr.Close();
        RunUntil(() => _protocol.Lost.Count > 0);
    }

    [Fact]
    public void test_ctor()
    {
        var waiter = Loop.CreateFuture();
        var tr = WritePipeTransport(waiter);
        Loop.RunUntilComplete(waiter);

        Assert.Same(tr, Assert.Single(_protocol.Made));
        Assert.True(Loop.IsPolling(_wfd, write: false));
        Assert.Null(waiter.Result());
        CloseAndRun(tr);
    }

    [Fact]
    public void test_can_write_eof()
    {
        var tr = WritePipeTransport();
        Assert.True(tr.CanWriteEof());
        CloseAndRun(tr);
    }

    [Fact]
    public void test_write()
    {
        var tr = WritePipeTransport();
        tr.Write("data"u8);
        Assert.False(Loop.IsPolling(_wfd, write: true));
        Assert.Equal(0, tr.GetWriteBufferSize());
        Assert.Equal("data"u8.ToArray(), Os.Read(_rfd, 100));
        CloseAndRun(tr);
    }

    [Fact]
    public void test_write_no_data()
    {
        var tr = WritePipeTransport();
        tr.Write(""u8);
        Assert.False(Loop.IsPolling(_wfd, write: true));
        Assert.Equal(0, tr.GetWriteBufferSize());
        CloseAndRun(tr);
    }

    [Fact]
    public void test_write_partial()
    {
        var tr = WritePipeTransport();
        tr.Write(Big);
        Assert.True(Loop.IsPolling(_wfd, write: true));
        Assert.InRange(tr.GetWriteBufferSize(), 1, Big.Length - 1);
        Assert.Equal(Big, ReadAll(Big.Length));
        Assert.False(Loop.IsPolling(_wfd, write: true));
        CloseAndRun(tr);
    }

    [Fact]
    public void test_write_buffer()
    {
        var tr = WritePipeTransport();
        tr.Write(Big);
        var pending = tr.GetWriteBufferSize();
        tr.Write("data"u8);
        Assert.True(Loop.IsPolling(_wfd, write: true));
        Assert.Equal(pending + 4, tr.GetWriteBufferSize());
        Assert.Equal(Big.Concat("data"u8.ToArray()), ReadAll(Big.Length + 4));
        CloseAndRun(tr);
    }

    [Fact]
    public void test_write_again()
    {
        var tr = WritePipeTransport();
        tr.Write(Big);
        // The pipe is full: the next write would block, so everything is buffered.
        var before = tr.GetWriteBufferSize();
        tr.Write("data"u8);
        Assert.True(Loop.IsPolling(_wfd, write: true));
        Assert.Equal(before + 4, tr.GetWriteBufferSize());
        tr.Abort();
        RunBriefly();
    }

    [Fact]
    public void test_write_err()
    {
        // Writing the read end of a pipe fails (EBADF): an OSError, so only the protocol hears of it.
        var log = new StringWriter();
        var oldLog = Log.Writer;
        Log.Writer = log;
        try
        {
            var badPipe = Os.Open(Os.Dup(_rfd), FileAccess.Write);
            var tr = new UnixWritePipeTransport(Loop, badPipe, _protocol);
            tr.Write("data"u8);
            Assert.False(Loop.IsPolling(_rfd, write: true));
            Assert.Equal(0, tr.GetWriteBufferSize());
            Assert.True(tr.IsClosing());
            for (var i = 0; i < 5; i++)
            {
                tr.Write("data"u8);
            }
            Assert.Contains("pipe closed by peer or os.write(pipe, data) raised exception.", log.ToString());
            RunUntil(() => _protocol.Lost.Count > 0);
            Assert.IsAssignableFrom<OSError>(Assert.Single(_protocol.Lost));
        }
        finally
        {
            Log.Writer = oldLog;
        }
    }

    [Fact]
    public void test_write_close()
    {
        var tr = WritePipeTransport();
        RunBriefly();
        // The pipe is closed by the peer.
        CloseReadEnd();
        RunUntil(() => _protocol.Lost.Count > 0);
        tr.Write("data"u8);
        tr.Write("data"u8);
        Assert.True(tr.IsClosing());
        Assert.Null(Assert.Single(_protocol.Lost));
    }

    [Fact]
    public void test__read_ready()
    {
        var tr = WritePipeTransport();
        RunBriefly();
        CloseReadEnd();
        RunUntil(() => tr.IsClosing());
        Assert.False(Loop.IsPolling(_wfd, write: false));
        Assert.False(Loop.IsPolling(_wfd, write: true));
        RunUntil(() => _protocol.Lost.Count > 0);
        Assert.Null(Assert.Single(_protocol.Lost));
    }

    [Fact]
    public void test__write_ready_err()
    {
        var tr = WritePipeTransport();
        RunBriefly();
        tr.Write(Big);
        // The reader goes away with bytes still buffered: the loss is reported as a BrokenPipeError.
        CloseReadEnd();
        RunUntil(() => _protocol.Lost.Count > 0);
        Assert.False(Loop.IsPolling(_wfd, write: true));
        Assert.False(Loop.IsPolling(_wfd, write: false));
        Assert.Equal(0, tr.GetWriteBufferSize());
        Assert.True(tr.IsClosing());
        Assert.IsType<BrokenPipeError>(Assert.Single(_protocol.Lost));
    }

    [Fact]
    public void test__write_ready_closing()
    {
        var tr = WritePipeTransport();
        tr.Write(Big);
        tr.Close();
        Assert.Empty(_protocol.Lost);
        Assert.Equal(Big, ReadAll(Big.Length));
        RunUntil(() => _protocol.Lost.Count > 0);
        Assert.False(Loop.IsPolling(_wfd, write: true));
        Assert.False(Loop.IsPolling(_wfd, write: false));
        Assert.Null(Assert.Single(_protocol.Lost));
        Assert.False(_pipe.CanWrite);
    }

    [Fact]
    public void test_abort()
    {
        var tr = WritePipeTransport();
        RunBriefly();
        tr.Write(Big);
        tr.Abort();
        Assert.False(Loop.IsPolling(_wfd, write: false));
        Assert.False(Loop.IsPolling(_wfd, write: true));
        Assert.Equal(0, tr.GetWriteBufferSize());
        Assert.True(tr.IsClosing());
        RunBriefly();
        Assert.Null(Assert.Single(_protocol.Lost));
    }

    [Fact]
    public void test__call_connection_lost()
    {
        var tr = WritePipeTransport();
        CloseAndRun(tr);
        Assert.Null(Assert.Single(_protocol.Lost));
        Assert.False(_pipe.CanWrite);
    }

    [Fact]
    public void test_close()
    {
        var tr = WritePipeTransport();
        tr.Close();
        Assert.True(tr.IsClosing());
        // Closing the transport twice must not fail.
        tr.Close();
        RunBriefly();
        Assert.Single(_protocol.Lost);
    }

    [Fact]
    public void test_write_eof()
    {
        var tr = WritePipeTransport();
        RunBriefly();
        tr.WriteEof();
        Assert.True(tr.IsClosing());
        Assert.False(Loop.IsPolling(_wfd, write: false));
        RunBriefly();
        Assert.Null(Assert.Single(_protocol.Lost));
    }

    [Fact]
    public void test_write_eof_pending()
    {
        var tr = WritePipeTransport();
        tr.Write(Big);
        tr.WriteEof();
        Assert.True(tr.IsClosing());
        RunBriefly();
        Assert.Empty(_protocol.Lost);
        tr.Abort();
        RunBriefly();
    }
}

/// <summary>CPython's <c>test_unix_events.SelectorEventLoopSignalTests</c>, with real signals instead of a mocked signal module.</summary>
public class SelectorEventLoopSignalTests : LoopTestCase
{
    private const int SIGHUP = 1, SIGINT = 2, SIGCHLD = 17, NSIG = 65;

    [Fact]
    public void test_check_signal()
    {
        // A non-int signal (Python's TypeError) does not compile in C#.
        Assert.Throws<ValueError>(() => Loop.AddSignalHandler(NSIG + 1, () => { }));
        Assert.Throws<ValueError>(() => Loop.RemoveSignalHandler(NSIG + 1));
    }

    [Fact]
    public void test_add_signal_handler()
    {
        var caught = 0;
        Loop.AddSignalHandler(SIGHUP, () => caught++);
        Os.Kill(Environment.ProcessId, SIGHUP);
        RunUntil(() => caught > 0);
        Assert.Equal(1, caught);
        Assert.True(Loop.RemoveSignalHandler(SIGHUP));
    }

    [Fact]
    public void test_remove_signal_handler()
    {
        Loop.AddSignalHandler(SIGHUP, () => { });
        Assert.True(Loop.RemoveSignalHandler(SIGHUP));
        Assert.False(Loop.RemoveSignalHandler(SIGHUP));
    }

    [Fact]
    public void test_remove_signal_handler_2()
    {
        Loop.AddSignalHandler(SIGINT, () => { });
        Assert.True(Loop.RemoveSignalHandler(SIGINT));
    }

    [Fact]
    public void test_close()
    {
        var called = 0;
        Loop.AddSignalHandler(SIGHUP, () => called++);
        Loop.AddSignalHandler(SIGCHLD, () => called++);
        Loop.Close();
        // close() removed both handlers.
        Assert.False(Loop.RemoveSignalHandler(SIGHUP));
        Assert.False(Loop.RemoveSignalHandler(SIGCHLD));
        Assert.Equal(0, called);
    }
}

/// <summary>
/// CPython's <c>test_unix_events.SelectorEventLoopUnixSockSendfileTests</c>: the sendfile(2) path. Real failures
/// stand in for CPython's mocked os.sendfile: a full socket buffer (BlockingIOError) and an unconnected socket.
/// </summary>
public class SelectorEventLoopUnixSockSendfileTests : LoopTestCase
{
    private static readonly byte[] DATA = Enumerable.Repeat("12345abcde"u8.ToArray(), 16 * 1024).SelectMany(b => b).ToArray();

    private readonly string _path = Path.Combine(Path.GetTempPath(), "asx-sendfile-" + Guid.NewGuid().ToString("N"));
    private readonly FileStream _file;

    public SelectorEventLoopUnixSockSendfileTests()
    {
        File.WriteAllBytes(_path, DATA);
        _file = new FileStream(_path, FileMode.Open, FileAccess.Read);
    }

    public override void Dispose()
    {
        _file.Dispose();
        File.Delete(_path);
        base.Dispose();
    }

    private int Fileno => (int)_file.SafeFileHandle.DangerousGetHandle();

    private SendfileTestPeer Prepare() => new(Loop, 1024);

    [Fact]
    public void test_sock_sendfile_not_a_file()
    {
        using var peer = Prepare();
        var closed = new FileStream(_path, FileMode.Open, FileAccess.Read);
        closed.Dispose();
        var exc = Assert.Throws<SendfileNotAvailableError>(() => Loop.RunUntilComplete(Loop.SockSendfileNative(peer.Sock, closed, 0, null)));
        Assert.Equal("not a regular file", exc.Message);
        Assert.Equal(0, _file.Position);
    }

    [Fact]
    public void test_sock_sendfile_iobuffer()
    {
        using var peer = Prepare();
        var exc = Assert.Throws<SendfileNotAvailableError>(() =>
            Loop.RunUntilComplete(Loop.SockSendfileNative(peer.Sock, new MemoryStream(), 0, null)));
        Assert.Equal("not a regular file", exc.Message);
        Assert.Equal(0, _file.Position);
    }

    [Fact]
    public void test_sock_sendfile_cancel1()
    {
        using var peer = Prepare();
        var fut = Loop.CreateFuture<long>();
        Loop.SockSendfileNativeImpl(fut, null, peer.Sock, _file, Fileno, 0, null, DATA.Length, 0);
        fut.Cancel();
        Assert.Throws<CancelledError>(() => Loop.RunUntilComplete(fut));
        Assert.False(Loop.IsPolling((int)peer.Sock.Handle, write: true));
    }

    [Fact]
    public void test_sock_sendfile_cancel2()
    {
        using var peer = Prepare();
        var fut = Loop.CreateFuture<long>();
        Loop.SockSendfileNativeImpl(fut, null, peer.Sock, _file, Fileno, 0, null, DATA.Length, 0);
        fut.Cancel();
        Loop.SockSendfileNativeImpl(fut, (int)peer.Sock.Handle, peer.Sock, _file, Fileno, 0, null, DATA.Length, 0);
        Assert.False(Loop.IsPolling((int)peer.Sock.Handle, write: true));
        Assert.Throws<CancelledError>(() => Loop.RunUntilComplete(fut));
    }

    [Fact]
    public void test_sock_sendfile_blocking_error()
    {
        using var peer = Prepare();
        // Fill the send buffer so sendfile(2) would block.
        var filler = new byte[65536];
        while (SelectorEventLoop.TrySend(peer.Sock, filler, out _))
        {
        }
        var fut = Loop.CreateFuture<long>();
        Loop.SockSendfileNativeImpl(fut, null, peer.Sock, _file, Fileno, 0, null, DATA.Length, 0);
        Assert.True(Loop.IsPolling((int)peer.Sock.Handle, write: true));
        Assert.False(fut.Done());
        fut.Cancel();
        RunBriefly();
        Assert.False(Loop.IsPolling((int)peer.Sock.Handle, write: true));
    }

    [Fact]
    public void test_sock_sendfile_os_error_first_call()
    {
        using var sock = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        sock.Blocking = false;
        var fut = Loop.CreateFuture<long>();
        // sendfile(2) to an unconnected socket fails at the first call.
        Loop.SockSendfileNativeImpl(fut, null, sock, _file, Fileno, 0, null, DATA.Length, 0);
        Assert.False(Loop.IsPolling((int)sock.Handle, write: true));
        Assert.IsType<SendfileNotAvailableError>(fut.Exception());
        Assert.Equal(0, _file.Position);
    }

    [Fact]
    public void test_sock_sendfile_os_error_next_call()
    {
        using var sock = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        sock.Blocking = false;
        var fut = Loop.CreateFuture<long>();
        // A later call failing (the connection went away) reports the error itself, normalized to ConnectionError.
        Loop.SockSendfileNativeImpl(fut, (int)sock.Handle, sock, _file, Fileno, 1000, null, DATA.Length, 1000);
        Assert.False(Loop.IsPolling((int)sock.Handle, write: true));
        var exc = Assert.IsAssignableFrom<OSError>(fut.Exception());
        Assert.IsNotType<SendfileNotAvailableError>(exc);
        Assert.Equal(1000, _file.Position);
    }
}

/// <summary>CPython's <c>test_unix_events.SelectorEventLoopUnixSocketTests</c>: create_unix_server/create_unix_connection arguments.</summary>
public class SelectorEventLoopUnixSocketTests : LoopTestCase
{
    private static BaseProtocol NoProtocol() => new Protocol();

    private static string TempPath() => TestHttpServer.UnixSocketPath();

    /// <summary>Creates a unix server on path and closes it.</summary>
    private void ServeAndClose(string path)
    {
        var srv = Loop.RunUntilComplete(Loop.CreateUnixServer(NoProtocol, path));
        srv.Close();
        Loop.RunUntilComplete(srv.WaitClosed());
    }

    [Fact]
    public void test_create_unix_server_existing_path_sock()
    {
        var path = TempPath();
        try
        {
            using (var sock = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
            {
                sock.Bind(new UnixDomainSocketEndPoint(path));
                sock.Listen(1);
            }
            ServeAndClose(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void test_create_unix_server_pathlib()
    {
        // A pathlib.Path is a string in C#.
        var path = TempPath();
        try
        {
            ServeAndClose(path);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void test_create_unix_connection_pathlib()
    {
        var path = TempPath();
        Assert.Throws<FileNotFoundError>(() => Loop.RunUntilComplete(Loop.CreateUnixConnection(NoProtocol, path)));
    }

    [Fact]
    public void test_create_unix_server_existing_path_nonsock()
    {
        var file = Path.GetTempFileName();
        try
        {
            var exc = Assert.ThrowsAny<OSError>(() => Loop.RunUntilComplete(Loop.CreateUnixServer(NoProtocol, file)));
            Assert.Matches("Address.*is already in use", exc.Message);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void test_create_unix_server_ssl_bool()
    {
        var exc = Assert.Throws<TypeError>(() => Loop.RunUntilComplete(Loop.CreateUnixServer(NoProtocol, path: "spam", ssl: true)));
        Assert.Contains("ssl argument must be an SSLContext", exc.Message);
    }

    [Fact]
    public void test_create_unix_server_nopath_nosock()
    {
        var exc = Assert.Throws<ValueError>(() => Loop.RunUntilComplete(Loop.CreateUnixServer(NoProtocol, path: null)));
        Assert.Contains("path was not specified, and no sock", exc.Message);
    }

    [Fact]
    public void test_create_unix_server_path_inetsock()
    {
        using var sock = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var exc = Assert.Throws<ValueError>(() => Loop.RunUntilComplete(Loop.CreateUnixServer(NoProtocol, path: null, sock: sock)));
        Assert.Matches("A UNIX Domain Stream.*was expected", exc.Message);
    }

    [Fact]
    public void test_create_unix_server_path_dgram()
    {
        using var sock = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        var exc = Assert.Throws<ValueError>(() => Loop.RunUntilComplete(Loop.CreateUnixServer(NoProtocol, path: null, sock: sock)));
        Assert.Matches("A UNIX Domain Stream.*was expected", exc.Message);
    }

    [Fact]
    public void test_create_unix_server_path_stream_bittype()
    {
        // .NET has no SOCK_NONBLOCK type bit; a socket made non-blocking before is the same case.
        var fn = TempPath();
        try
        {
            var sock = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified) { Blocking = false };
            sock.Bind(new UnixDomainSocketEndPoint(fn));
            var srv = Loop.RunUntilComplete(Loop.CreateUnixServer(NoProtocol, path: null, sock: sock));
            srv.Close();
            Loop.RunUntilComplete(srv.WaitClosed());
        }
        finally
        {
            File.Delete(fn);
        }
    }

    [Fact]
    public void test_create_unix_server_ssl_timeout_with_plain_sock()
    {
        var exc = Assert.Throws<ValueError>(() =>
            Loop.RunUntilComplete(Loop.CreateUnixServer(NoProtocol, path: "spam", sslHandshakeTimeout: 1)));
        Assert.Contains("ssl_handshake_timeout is only meaningful with ssl", exc.Message);
    }

    [Fact]
    public void test_create_unix_connection_path_inetsock()
    {
        using var sock = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var exc = Assert.Throws<ValueError>(() => Loop.RunUntilComplete(Loop.CreateUnixConnection(NoProtocol, sock: sock)));
        Assert.Matches("A UNIX Domain Stream.*was expected", exc.Message);
    }

    [Fact]
    public void test_create_unix_server_bind_error()
    {
        // Binding where it is not allowed fails; the socket made for it is closed (no fd leaks, checked by the base).
        var exc = Assert.ThrowsAny<OSError>(() => Loop.RunUntilComplete(Loop.CreateUnixServer(NoProtocol, path: "/proc/asx-test")));
        Assert.NotNull(exc.Errno);
    }

    [Fact]
    public void test_create_unix_connection_path_sock()
    {
        using var sock = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        var exc = Assert.Throws<ValueError>(() => Loop.RunUntilComplete(Loop.CreateUnixConnection(NoProtocol, "/dev/null", sock: sock)));
        Assert.Contains("path and sock can not be", exc.Message);
    }

    [Fact]
    public void test_create_unix_connection_nopath_nosock()
    {
        var exc = Assert.Throws<ValueError>(() => Loop.RunUntilComplete(Loop.CreateUnixConnection(NoProtocol, null)));
        Assert.Contains("no path and sock were specified", exc.Message);
    }

    [Fact]
    public void test_create_unix_connection_nossl_serverhost()
    {
        var exc = Assert.Throws<ValueError>(() =>
            Loop.RunUntilComplete(Loop.CreateUnixConnection(NoProtocol, "/dev/null", serverHostname: "spam")));
        Assert.Contains("server_hostname is only meaningful", exc.Message);
    }

    [Fact]
    public void test_create_unix_connection_ssl_noserverhost()
    {
        var exc = Assert.Throws<ValueError>(() => Loop.RunUntilComplete(Loop.CreateUnixConnection(NoProtocol, "/dev/null", ssl: true)));
        Assert.Contains("you have to pass server_hostname when using ssl", exc.Message);
    }

    [Fact]
    public void test_create_unix_connection_ssl_timeout_with_plain_sock()
    {
        var exc = Assert.Throws<ValueError>(() =>
            Loop.RunUntilComplete(Loop.CreateUnixConnection(NoProtocol, path: "spam", sslHandshakeTimeout: 1)));
        Assert.Contains("ssl_handshake_timeout is only meaningful with ssl", exc.Message);
    }
}

/// <summary>CPython's <c>test_unix_events.TestFunctional</c>.</summary>
public partial class TestFunctional : LoopTestCase
{
    [Fact]
    public void test_add_reader_or_writer_transport_fd()
    {
        var path = TestHttpServer.UnixSocketPath();
        Socket rsock, wsock;
        using (var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            listener.Bind(new UnixDomainSocketEndPoint(path));
            listener.Listen(1);
            rsock = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            rsock.Connect(new UnixDomainSocketEndPoint(path));
            wsock = listener.Accept();
            File.Delete(path);
        }

        async Coroutine Runner()
        {
            var (tr, _) = await Loop.CreateConnection(() => new Protocol(), sock: rsock);
            try
            {
                static void AssertRaises(Action action)
                {
                    var exc = Assert.Throws<RuntimeError>(action);
                    Assert.Matches("File descriptor .* is used by transport", exc.Message);
                }
                Action cb = () => { };
                AssertRaises(() => Loop.AddReader(rsock, cb));
                AssertRaises(() => Loop.AddReader((int)rsock.Handle, cb));
                AssertRaises(() => Loop.RemoveReader(rsock));
                AssertRaises(() => Loop.RemoveReader((int)rsock.Handle));
                AssertRaises(() => Loop.AddWriter(rsock, cb));
                AssertRaises(() => Loop.AddWriter((int)rsock.Handle, cb));
                AssertRaises(() => Loop.RemoveWriter(rsock));
                AssertRaises(() => Loop.RemoveWriter((int)rsock.Handle));
            }
            finally
            {
                tr.Close();
            }
        }

        try
        {
            Loop.RunUntilComplete(Runner());
            RunBriefly();
        }
        finally
        {
            rsock.Close();
            wsock.Close();
        }
    }
}
