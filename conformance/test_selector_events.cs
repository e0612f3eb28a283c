using System.Net;
using System.Net.Sockets;
using AsyncioSharp;
using Xunit;

namespace AsyncioSharp.Conformance;

/// <summary>Records the protocol callbacks; each can be made to raise or, for eof_received, to return true.</summary>
public class RecordingProto : Protocol
{
    public readonly List<string> Calls = new();
    public readonly List<byte> Data = new();
    public Exception? LostWith;
    public Exception? RaiseInDataReceived;
    public Exception? RaiseInEofReceived;
    public bool KeepOpen;
    public Action<BaseTransport>? OnConnectionMade;

    public override void ConnectionMade(BaseTransport transport)
    {
        Calls.Add("connection_made");
        OnConnectionMade?.Invoke(transport);
    }

    public override void DataReceived(ReadOnlySpan<byte> data)
    {
        Calls.Add("data_received");
        Data.AddRange(data.ToArray());
        if (RaiseInDataReceived is { } exc)
        {
            throw exc;
        }
    }

    public override bool EofReceived()
    {
        Calls.Add("eof_received");
        if (RaiseInEofReceived is { } exc)
        {
            throw exc;
        }
        return KeepOpen;
    }

    public override void ConnectionLost(Exception? exc)
    {
        Calls.Add("connection_lost");
        LostWith = exc;
    }
}

/// <summary>
/// The fixture of CPython's selector transport tests, with a real connected TCP pair instead of a mocked socket:
/// <see cref="Sock"/> is the transport's, <see cref="Peer"/> a blocking socket the test drives.
/// </summary>
public abstract class SelectorTransportTestBase : LoopTestCase
{
    protected readonly Socket Sock;
    protected readonly Socket Peer;
    protected readonly int SockFd;

    protected SelectorTransportTestBase()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        Sock = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        Sock.Connect(listener.LocalEndPoint!);
        Sock.Blocking = false;
        Peer = listener.Accept();
        SockFd = (int)Sock.Handle;
    }

    internal SelectorSocketTransport SocketTransport(BaseProtocol protocol, Future? waiter = null) =>
        new(Loop, Sock, protocol, waiter);

    /// <summary>Writes until the kernel buffers are full, so the transport buffers what follows.</summary>
    internal static void FillUntilBuffered(Transport tr)
    {
        var chunk = new byte[65536];
        while (tr.GetWriteBufferSize() == 0)
        {
            tr.Write(chunk);
        }
    }

    /// <summary>Makes the peer reset the connection (close with SO_LINGER 0).</summary>
    protected void ResetPeer()
    {
        Peer.LingerState = new LingerOption(true, 0);
        Peer.Close();
    }

    public override void Dispose()
    {
        if (!Sock.SafeHandle.IsClosed && Loop.Transports.TryGetValue(SockFd, out var tr))
        {
            ((Transport)tr).Abort();
            RunBriefly();
        }
        Sock.Dispose();
        Peer.Dispose();
        base.Dispose();
    }
}

/// <summary>CPython's test_selector_events <c>SelectorTransportTests</c> (the shared _SelectorTransport part).</summary>
public class SelectorTransportTests : SelectorTransportTestBase
{
    private readonly RecordingProto _protocol = new();

    [Fact]
    public void test_ctor()
    {
        var tr = SocketTransport(_protocol);
        Assert.Same(Sock, Assert.IsType<TransportSocket>(tr.GetExtraInfo("socket")).Socket);
        Assert.Same(tr, Loop.Transports[SockFd]);
        tr.Close();
        RunBriefly();
    }

    [Fact]
    public void test_abort()
    {
        var tr = SocketTransport(_protocol);
        RunBriefly();
        FillUntilBuffered(tr);
        tr.Abort();
        Assert.True(tr.IsClosing());
        Assert.Equal(0, tr.GetWriteBufferSize());
        RunBriefly();
        Assert.Equal("connection_lost", _protocol.Calls[^1]);
        Assert.Null(_protocol.LostWith);
    }

    [Fact]
    public void test_close()
    {
        var tr = SocketTransport(_protocol);
        RunBriefly();
        tr.Close();
        Assert.True(tr.IsClosing());
        Assert.False(Loop.HasReader(SockFd));
        tr.Close();
        RunBriefly();
        Assert.Single(_protocol.Calls, "connection_lost");
        Assert.True(Sock.SafeHandle.IsClosed);
    }

    [Fact]
    public void test_close_write_buffer()
    {
        var tr = SocketTransport(_protocol);
        RunBriefly();
        FillUntilBuffered(tr);
        tr.Close();
        Assert.False(Loop.HasReader(SockFd));
        RunBriefly();
        Assert.DoesNotContain("connection_lost", _protocol.Calls);
    }

    [Fact]
    public void test_force_close()
    {
        var tr = SocketTransport(_protocol);
        RunBriefly();
        FillUntilBuffered(tr);
        Assert.True(Loop.HasReader(SockFd) && Loop.HasWriter(SockFd));
        tr.Abort();
        Assert.True(tr.IsClosing());
        Assert.Equal(0, tr.GetWriteBufferSize());
        Assert.False(Loop.HasReader(SockFd));
        Assert.False(Loop.HasWriter(SockFd));
        // A second close changes nothing.
        tr.Abort();
        RunBriefly();
        Assert.Single(_protocol.Calls, "connection_lost");
    }

    [Fact]
    public void test_fatal_error()
    {
        // An OSError is expected (the peer went away): not reported, and it reaches connection_lost.
        var tr = SocketTransport(_protocol);
        RunBriefly();
        ResetPeer();
        RunUntil(() => _protocol.Calls.Contains("connection_lost"));
        Assert.IsType<ConnectionResetError>(_protocol.LostWith);
        Assert.Empty(TakeUnhandled());
        Assert.True(tr.IsClosing());
    }

    [Fact]
    public void test_fatal_error_custom_exception()
    {
        var tr = SocketTransport(_protocol);
        var exc = new InvalidOperationException("MyError");
        _protocol.RaiseInDataReceived = exc;
        RunBriefly();
        Peer.Send("data"u8);
        RunUntil(() => _protocol.Calls.Contains("connection_lost"));
        var context = Assert.Single(TakeUnhandled());
        Assert.Equal("Fatal error: protocol.data_received() call failed.", context["message"]);
        Assert.Same(exc, context["exception"]);
        Assert.Same(tr, context["transport"]);
        Assert.Same(_protocol, context["protocol"]);
        Assert.Same(exc, _protocol.LostWith);
    }

    [Fact]
    public void test_connection_lost()
    {
        var tr = SocketTransport(_protocol);
        RunBriefly();
        tr.Close();
        RunBriefly();
        Assert.Equal(new[] { "connection_made", "connection_lost" }, _protocol.Calls);
        Assert.True(Sock.SafeHandle.IsClosed);
        Assert.False(Loop.Transports.ContainsKey(SockFd));
    }

    [Fact]
    public void test__add_reader()
    {
        var tr = SocketTransport(_protocol);
        RunBriefly();
        Assert.True(Loop.HasReader(SockFd));
        tr.Abort();
        Assert.True(tr.IsClosing());
        Assert.False(Loop.HasReader(SockFd));
        // Readers can not be added after closing.
        tr.ResumeReading();
        Assert.False(Loop.HasReader(SockFd));
        RunBriefly();
    }
}

/// <summary>CPython's test_selector_events <c>SelectorSocketTransportTests</c>, on a real connected socket.</summary>
public class SelectorSocketTransportTests : SelectorTransportTestBase
{
    private readonly RecordingProto _protocol = new();

    private byte[] PeerRead(int atLeast)
    {
        var result = new List<byte>();
        var buf = new byte[65536];
        while (result.Count < atLeast)
        {
            var n = Peer.Receive(buf);
            if (n == 0)
            {
                break;
            }
            result.AddRange(buf[..n]);
        }
        return result.ToArray();
    }

    [Fact]
    public void test_ctor()
    {
        var waiter = Loop.CreateFuture();
        var tr = SocketTransport(_protocol, waiter);
        Loop.RunUntilComplete(waiter);
        Assert.True(Loop.HasReader(SockFd));
        Assert.Equal(new[] { "connection_made" }, _protocol.Calls);
        tr.Close();
        RunBriefly();
    }

    [Fact]
    public void test_ctor_with_waiter()
    {
        var waiter = Loop.CreateFuture();
        var tr = SocketTransport(_protocol, waiter);
        Loop.RunUntilComplete(waiter);
        Assert.Null(waiter.Result());
        tr.Close();
        RunBriefly();
    }

    [Fact]
    public void test_pause_resume_reading()
    {
        var tr = SocketTransport(_protocol);
        RunBriefly();
        Assert.True(tr.IsReading());
        Assert.True(Loop.HasReader(SockFd));

        tr.PauseReading();
        tr.PauseReading();
        Assert.False(tr.IsReading());
        Assert.False(Loop.HasReader(SockFd));

        tr.ResumeReading();
        tr.ResumeReading();
        Assert.True(tr.IsReading());
        Assert.True(Loop.HasReader(SockFd));

        tr.Close();
        Assert.False(tr.IsReading());
        Assert.False(Loop.HasReader(SockFd));
        RunBriefly();
    }

    [Fact]
    public void test_pause_reading_connection_made()
    {
        _protocol.OnConnectionMade = t => ((Transport)t).PauseReading();
        var tr = SocketTransport(_protocol);
        RunBriefly();
        Assert.False(tr.IsReading());
        Assert.False(Loop.HasReader(SockFd));

        tr.ResumeReading();
        Assert.True(tr.IsReading());
        Assert.True(Loop.HasReader(SockFd));

        tr.Close();
        Assert.False(tr.IsReading());
        Assert.False(Loop.HasReader(SockFd));
        RunBriefly();
    }

    [Fact]
    public void test_read_eof_received_error()
    {
        var exc = new KeyNotFoundException();
        _protocol.RaiseInEofReceived = exc;
        SocketTransport(_protocol);
        RunBriefly();
        Peer.Shutdown(SocketShutdown.Send);
        RunUntil(() => _protocol.Calls.Contains("connection_lost"));
        Assert.Equal(new[] { "connection_made", "eof_received", "connection_lost" }, _protocol.Calls);
        Assert.Equal("Fatal error: protocol.eof_received() call failed.", Assert.Single(TakeUnhandled())["message"]);
    }

    [Fact]
    public void test_data_received_error()
    {
        _protocol.RaiseInDataReceived = new KeyNotFoundException();
        SocketTransport(_protocol);
        RunBriefly();
        Peer.Send("data"u8);
        RunUntil(() => _protocol.Calls.Contains("connection_lost"));
        Assert.Contains("data_received", _protocol.Calls);
        Assert.Equal("Fatal error: protocol.data_received() call failed.", Assert.Single(TakeUnhandled())["message"]);
    }

    [Fact]
    public void test_read_ready()
    {
        var tr = SocketTransport(_protocol);
        RunBriefly();
        Peer.Send("data"u8);
        RunUntil(() => _protocol.Data.Count == 4);
        Assert.Equal("data"u8.ToArray(), _protocol.Data.ToArray());
        tr.Close();
        RunBriefly();
    }

    [Fact]
    public void test_read_ready_eof()
    {
        var tr = SocketTransport(_protocol);
        RunBriefly();
        Peer.Shutdown(SocketShutdown.Send);
        RunUntil(() => _protocol.Calls.Contains("eof_received"));
        // eof_received() returned false: the transport closes itself.
        Assert.True(tr.IsClosing());
        RunBriefly();
        Assert.Equal(new[] { "connection_made", "eof_received", "connection_lost" }, _protocol.Calls);
    }

    [Fact]
    public void test_read_ready_eof_keep_open()
    {
        _protocol.KeepOpen = true;
        var tr = SocketTransport(_protocol);
        RunBriefly();
        Peer.Shutdown(SocketShutdown.Send);
        RunUntil(() => _protocol.Calls.Contains("eof_received"));
        Assert.False(tr.IsClosing());
        Assert.False(Loop.HasReader(SockFd));
        // The write side still works.
        tr.Write("after eof"u8);
        Assert.Equal("after eof"u8.ToArray(), PeerRead(9));
        tr.Close();
        RunBriefly();
    }

    [Fact]
    public void test_read_ready_conn_reset()
    {
        SocketTransport(_protocol);
        RunBriefly();
        ResetPeer();
        RunUntil(() => _protocol.Calls.Contains("connection_lost"));
        Assert.IsType<ConnectionResetError>(_protocol.LostWith);
    }

    [Fact]
    public void test_write()
    {
        var tr = SocketTransport(_protocol);
        tr.Write("data"u8);
        Assert.Equal(0, tr.GetWriteBufferSize());
        Assert.Equal("data"u8.ToArray(), PeerRead(4));
        tr.Close();
        RunBriefly();
    }

    [Fact]
    public void test_write_no_data()
    {
        var tr = SocketTransport(_protocol);
        FillUntilBuffered(tr);
        var size = tr.GetWriteBufferSize();
        tr.Write(ReadOnlySpan<byte>.Empty);
        Assert.Equal(size, tr.GetWriteBufferSize());
        tr.Abort();
        RunBriefly();
    }

    [Fact]
    public void test_write_buffer()
    {
        var tr = SocketTransport(_protocol);
        FillUntilBuffered(tr);
        var size = tr.GetWriteBufferSize();
        tr.Write("data2"u8);
        Assert.Equal(size + 5, tr.GetWriteBufferSize());
        tr.Abort();
        RunBriefly();
    }

    [Fact]
    public void test_write_partial()
    {
        var tr = SocketTransport(_protocol);
        FillUntilBuffered(tr);
        Assert.True(Loop.HasWriter(SockFd));
        tr.Abort();
        RunBriefly();
    }

    [Fact]
    public void test_write_exception()
    {
        var tr = SocketTransport(_protocol);
        RunBriefly();
        ResetPeer();
        RunUntil(() => _protocol.Calls.Contains("connection_lost"));
        // Writes after the connection was lost are counted and dropped, with a warning from the fifth on.
        var log = new StringWriter();
        var oldWriter = Log.Writer;
        Log.Writer = log;
        try
        {
            for (var i = 0; i < 5; i++)
            {
                tr.Write("data"u8);
            }
        }
        finally
        {
            Log.Writer = oldWriter;
        }
        Assert.Contains("socket.send() raised exception.", log.ToString());
    }

    [Fact]
    public void test_write_closing()
    {
        var tr = SocketTransport(_protocol);
        tr.Close();
        tr.Write("data"u8);
        RunBriefly();
        Assert.Equal(new[] { "connection_made", "connection_lost" }, _protocol.Calls);
    }

    [Fact]
    public void test_write_ready()
    {
        var tr = SocketTransport(_protocol);
        RunBriefly();
        FillUntilBuffered(tr);
        var expected = tr.GetWriteBufferSize();
        var reader = new Thread(() => PeerRead(int.MaxValue));
        reader.Start();
        RunUntil(() => tr.GetWriteBufferSize() == 0);
        Assert.False(Loop.HasWriter(SockFd));
        tr.Close();
        RunBriefly();
        reader.Join();
        Assert.True(expected > 0);
    }

    [Fact]
    public void test_write_ready_closing()
    {
        var tr = SocketTransport(_protocol);
        RunBriefly();
        FillUntilBuffered(tr);
        tr.Close();
        var reader = new Thread(() => PeerRead(int.MaxValue));
        reader.Start();
        RunUntil(() => _protocol.Calls.Contains("connection_lost"));
        reader.Join();
        Assert.False(Loop.HasWriter(SockFd));
        Assert.True(Sock.SafeHandle.IsClosed);
        Assert.Null(_protocol.LostWith);
    }

    [Fact]
    public void test_write_ready_exception()
    {
        var tr = SocketTransport(_protocol);
        _protocol.KeepOpen = true;
        RunBriefly();
        FillUntilBuffered(tr);
        ResetPeer();
        RunUntil(() => _protocol.Calls.Contains("connection_lost"));
        Assert.IsAssignableFrom<ConnectionError>(_protocol.LostWith);
        Assert.Equal(0, tr.GetWriteBufferSize());
    }

    [Fact]
    public void test_write_eof()
    {
        var tr = SocketTransport(_protocol);
        Assert.True(tr.CanWriteEof());
        tr.WriteEof();
        Assert.Empty(PeerRead(1));
        tr.WriteEof();
        Assert.Throws<RuntimeError>(() => tr.Write("x"u8));
        tr.Close();
        RunBriefly();
    }

    [Fact]
    public void test_write_eof_buffer()
    {
        var tr = SocketTransport(_protocol);
        RunBriefly();
        FillUntilBuffered(tr);
        var total = tr.GetWriteBufferSize();
        tr.WriteEof();
        Assert.True(tr.GetWriteBufferSize() > 0);
        long received = 0;
        var reader = new Thread(() => received = PeerRead(int.MaxValue).Length);
        reader.Start();
        // The EOF reaches the peer once the buffer is flushed.
        RunUntil(() => !reader.IsAlive);
        Assert.True(received >= total);
        tr.Close();
        RunBriefly();
    }

    [Fact]
    public void test_write_eof_after_close()
    {
        var tr = SocketTransport(_protocol);
        tr.Close();
        Loop.RunUntilComplete(Asyncio.Sleep(0));
        tr.WriteEof();
    }

    [Fact]
    public void test_transport_close_remove_writer()
    {
        var tr = SocketTransport(_protocol);
        RunBriefly();
        FillUntilBuffered(tr);
        tr.Abort();
        Assert.False(Loop.HasWriter(SockFd));
        RunBriefly();
    }
}

/// <summary>Records the BufferedProtocol callbacks; each can be made to raise.</summary>
public class RecordingBufferedProto : BufferedProtocol
{
    public readonly List<string> Calls = new();
    public byte[] Buf = new byte[1];
    public Exception? RaiseInGetBuffer;
    public Exception? RaiseInBufferUpdated;
    public Exception? RaiseInEofReceived;
    public bool KeepOpen;
    public readonly List<int> Updates = new();
    public Exception? LostWith;

    public override void ConnectionMade(BaseTransport transport) => Calls.Add("connection_made");

    public override Memory<byte> GetBuffer(int sizehint)
    {
        Calls.Add($"get_buffer({sizehint})");
        if (RaiseInGetBuffer is { } exc)
        {
            throw exc;
        }
        return Buf;
    }

    public override void BufferUpdated(int nbytes)
    {
        Calls.Add("buffer_updated");
        Updates.Add(nbytes);
        if (RaiseInBufferUpdated is { } exc)
        {
            throw exc;
        }
    }

    public override bool EofReceived()
    {
        Calls.Add("eof_received");
        if (RaiseInEofReceived is { } exc)
        {
            throw exc;
        }
        return KeepOpen;
    }

    public override void ConnectionLost(Exception? exc)
    {
        Calls.Add("connection_lost");
        LostWith = exc;
    }
}

/// <summary>CPython's test_selector_events <c>SelectorSocketTransportBufferedProtocolTests</c>, on a real socket.</summary>
public class SelectorSocketTransportBufferedProtocolTests : SelectorTransportTestBase
{
    private readonly RecordingBufferedProto _protocol = new();

    [Fact]
    public void test_ctor()
    {
        var waiter = Loop.CreateFuture();
        var tr = SocketTransport(_protocol, waiter);
        Loop.RunUntilComplete(waiter);
        Assert.True(Loop.HasReader(SockFd));
        Assert.Equal(new[] { "connection_made" }, _protocol.Calls);
        tr.Close();
        RunBriefly();
    }

    [Fact]
    public void test_get_buffer_error()
    {
        _protocol.RaiseInGetBuffer = new KeyNotFoundException();
        SocketTransport(_protocol);
        RunBriefly();
        Peer.Send("data"u8);
        RunUntil(() => _protocol.Calls.Contains("connection_lost"));
        Assert.DoesNotContain("buffer_updated", _protocol.Calls);
        Assert.Equal("Fatal error: protocol.get_buffer() call failed.", Assert.Single(TakeUnhandled())["message"]);
    }

    [Fact]
    public void test_get_buffer_zerosized()
    {
        _protocol.Buf = Array.Empty<byte>();
        SocketTransport(_protocol);
        RunBriefly();
        Peer.Send("data"u8);
        RunUntil(() => _protocol.Calls.Contains("connection_lost"));
        Assert.DoesNotContain("buffer_updated", _protocol.Calls);
        var context = Assert.Single(TakeUnhandled());
        Assert.Equal("get_buffer() returned an empty buffer", ((Exception)context["exception"]!).Message);
    }

    [Fact]
    public void test_proto_type_switch()
    {
        var dataProto = new RecordingProto();
        var tr = SocketTransport(dataProto);
        RunBriefly();
        Peer.Send("data"u8);
        RunUntil(() => dataProto.Data.Count == 4);

        var bufProto = new RecordingBufferedProto { Buf = new byte[10] };
        tr.SetProtocol(bufProto);
        Peer.Send("0123456789"u8);
        RunUntil(() => bufProto.Updates.Count > 0);
        Assert.Equal("get_buffer(-1)", bufProto.Calls[0]);
        Assert.Equal(10, bufProto.Updates.Sum());
        tr.Close();
        RunBriefly();
    }

    [Fact]
    public void test_buffer_updated_error()
    {
        _protocol.RaiseInBufferUpdated = new KeyNotFoundException();
        _protocol.Buf = new byte[100];
        SocketTransport(_protocol);
        RunBriefly();
        Peer.Send("0123456789"u8);
        RunUntil(() => _protocol.Calls.Contains("connection_lost"));
        Assert.Contains("buffer_updated", _protocol.Calls);
        Assert.Equal("Fatal error: protocol.buffer_updated() call failed.", Assert.Single(TakeUnhandled())["message"]);
    }

    [Fact]
    public void test_read_eof_received_error()
    {
        _protocol.RaiseInEofReceived = new KeyNotFoundException();
        SocketTransport(_protocol);
        RunBriefly();
        Peer.Shutdown(SocketShutdown.Send);
        RunUntil(() => _protocol.Calls.Contains("connection_lost"));
        Assert.Contains("eof_received", _protocol.Calls);
        Assert.Equal("Fatal error: protocol.eof_received() call failed.", Assert.Single(TakeUnhandled())["message"]);
    }

    [Fact]
    public void test_read_ready()
    {
        _protocol.Buf = new byte[100];
        var tr = SocketTransport(_protocol);
        RunBriefly();
        Peer.Send("0123456789"u8);
        RunUntil(() => _protocol.Updates.Sum() == 10);
        Assert.Equal("get_buffer(-1)", _protocol.Calls[1]);
        Assert.Equal("0123456789"u8.ToArray(), _protocol.Buf[..10]);
        tr.Close();
        RunBriefly();
    }

    [Fact]
    public void test_read_ready_eof()
    {
        var tr = SocketTransport(_protocol);
        RunBriefly();
        Peer.Shutdown(SocketShutdown.Send);
        RunUntil(() => _protocol.Calls.Contains("eof_received"));
        Assert.True(tr.IsClosing());
        RunBriefly();
        Assert.Equal("connection_lost", _protocol.Calls[^1]);
    }

    [Fact]
    public void test_read_ready_eof_keep_open()
    {
        _protocol.KeepOpen = true;
        var tr = SocketTransport(_protocol);
        RunBriefly();
        Peer.Shutdown(SocketShutdown.Send);
        RunUntil(() => _protocol.Calls.Contains("eof_received"));
        Assert.False(tr.IsClosing());
        tr.Close();
        RunBriefly();
    }

    [Fact]
    public void test_read_ready_conn_reset()
    {
        SocketTransport(_protocol);
        RunBriefly();
        ResetPeer();
        RunUntil(() => _protocol.Calls.Contains("connection_lost"));
        Assert.IsType<ConnectionResetError>(_protocol.LostWith);
    }
}

/// <summary>CPython's test_selector_events <c>BaseSelectorEventLoopTests</c>: the transport factory (the loop-basics ones are loopcore's).</summary>
public partial class BaseSelectorEventLoopTests : SelectorTransportTestBase
{
    [Fact]
    public void test_make_socket_transport()
    {
        var transport = Loop.MakeSocketTransport(Sock, new Protocol());
        Assert.IsType<SelectorSocketTransport>(transport);
        // repr() must not fail when the event loop is closed.
        Loop.Close();
        Assert.NotEmpty(transport.ToString()!);
        Sock.Close();
    }
}
