using System.Net;
using System.Net.Sockets;
using AsyncioSharp;
using Xunit;

namespace AsyncioSharp.Conformance;

/// <summary>
/// CPython's test_selector_events <c>BaseSelectorEventLoopTests</c>, the loop-basics part. CPython checks the calls made
/// on a mocked selector; the ports register handlers for a real connected socket (<see cref="SelectorTransportTestBase.Sock"/>)
/// and check the loop's selector key (Python's <c>get_key(fd).data</c>) and which callbacks the readiness runs.
/// </summary>
public partial class BaseSelectorEventLoopTests
{
    private static readonly Action Noop = () => { };

    private (Handle? Reader, Handle? Writer) Key(int fd) =>
        Loop.GetKey(fd) ?? throw new Xunit.Sdk.XunitException($"fd {fd} is not registered");

    /// <summary>Runs loop iterations until the peer's data made the socket readable and the callbacks ran.</summary>
    private void MakeReadableAndRun(Func<bool> until)
    {
        Peer.Send(new byte[] { 1 });
        RunUntil(until);
    }

    private void Unregister()
    {
        Loop.RemoveReader(SockFd);
        Loop.RemoveWriter(SockFd);
    }

    [Fact]
    public void test_close()
    {
        Assert.False(Loop.IsClosed());
        Loop.Close();
        Assert.True(Loop.IsClosed());

        // it should be possible to call close() more than once
        Loop.Close();
        Loop.Close();

        // operation blocked when the loop is closed
        var f = Loop.CreateFuture();
        Assert.Throws<RuntimeError>(() => Loop.RunForever());
        Assert.Throws<RuntimeError>(() => Loop.RunUntilComplete(f));
        Assert.Throws<RuntimeError>(() => Loop.AddReader(0, Noop));
        Assert.Throws<RuntimeError>(() => Loop.AddWriter(0, Noop));
    }

    /// <summary>Records the getaddrinfo arguments sock_connect resolves with (CPython patches socket.getaddrinfo).</summary>
    private sealed class GaiRecordingLoop : SelectorEventLoop
    {
        public readonly List<(string? Host, object? Port, AddressFamily Family, SocketType Type, ProtocolType Proto, int Flags)> Calls = new();

        public override Coroutine<List<AddrInfo>> Getaddrinfo(string? host, object? port, AddressFamily family = AddressFamily.Unspecified,
            SocketType type = 0, ProtocolType proto = 0, int flags = 0)
        {
            Calls.Add((host, port, family, type, proto, flags));
            return HookedSelectorLoop.Result(new List<AddrInfo>
            {
                new(family, type, proto, "", new IPEndPoint(IPAddress.Loopback, (int)port!)),
            });
        }
    }

    [Fact]
    public void test_sock_connect_resolve_using_socket_params()
    {
        var loop = new GaiRecordingLoop();
        try
        {
            using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            listener.Listen(1);
            var port = ((IPEndPoint)listener.LocalEndPoint!).Port;
            foreach (var (type, proto) in new[] { (SocketType.Stream, ProtocolType.Tcp), (SocketType.Dgram, ProtocolType.Udp) })
            {
                using var sock = new Socket(AddressFamily.InterNetwork, type, proto) { Blocking = false };
                loop.RunUntilComplete(loop.SockConnect(sock, new DnsEndPoint("need-resolution.com", port)));
                Assert.Equal(("need-resolution.com", (object?)port, AddressFamily.InterNetwork, type, proto, 0), loop.Calls[^1]);
                Assert.Equal(new IPEndPoint(IPAddress.Loopback, port), sock.RemoteEndPoint);
            }
        }
        finally
        {
            loop.Close();
        }
    }

    // CPython's reader and writer tests mirror each other; each pair runs one body with the side to test.

    private void Add(bool write, Action cb)
    {
        if (write)
        {
            Loop.AddWriter(SockFd, cb);
        }
        else
        {
            Loop.AddReader(SockFd, cb);
        }
    }

    private bool Remove(bool write) => write ? Loop.RemoveWriter(SockFd) : Loop.RemoveReader(SockFd);

    private static Handle? Side((Handle? Reader, Handle? Writer) key, bool write) => write ? key.Writer : key.Reader;

    /// <summary>Runs until the callbacks ran: the socket is writable at once; readable once the peer sends.</summary>
    private void RunUntilReady(bool needsRead, Func<bool> until)
    {
        if (needsRead)
        {
            MakeReadableAndRun(until);
        }
        else
        {
            RunUntil(until);
        }
    }

    private void CheckAdd(bool write)
    {
        var called = 0;
        Action cb = () => called++;
        Add(write, cb);

        var key = Key(SockFd);
        Assert.Equal(cb, Side(key, write)!.Callback);
        Assert.Null(Side(key, !write));
        RunUntilReady(!write, () => called > 0);
        Unregister();
    }

    private void CheckAddExisting(bool write)
    {
        var (other, calledOld, calledNew) = (0, 0, 0);
        Add(!write, () => other++);
        Add(write, () => calledOld++);
        var key = Key(SockFd);
        Action cb = () => calledNew++;
        Add(write, cb);

        Assert.True(Side(key, write)!.Cancelled());
        var now = Key(SockFd);
        Assert.Equal(cb, Side(now, write)!.Callback);
        Assert.Same(Side(key, !write), Side(now, !write));
        MakeReadableAndRun(() => other > 0 && calledNew > 0);
        Assert.Equal(0, calledOld);
        Unregister();
    }

    private void CheckRemove(bool write)
    {
        // A registered fd without this side: nothing to remove, and the fd leaves the selector.
        Add(!write, Noop);
        Remove(!write);
        Assert.False(Remove(write));
        Assert.Null(Loop.GetKey(SockFd));
    }

    private void CheckRemoveReadWrite(bool write)
    {
        var (removed, kept) = (0, 0);
        Add(write, () => removed++);
        Add(!write, () => kept++);
        var key = Key(SockFd);
        Assert.True(Remove(write));

        Assert.True(Side(key, write)!.Cancelled());
        var now = Key(SockFd);
        Assert.Null(Side(now, write));
        Assert.Same(Side(key, !write), Side(now, !write));
        MakeReadableAndRun(() => kept > 0);
        RunBriefly();
        Assert.Equal(0, removed);
        Unregister();
    }

    private void CheckRemoveUnknown(bool write)
    {
        Assert.Null(Loop.GetKey(SockFd));
        Assert.False(Remove(write));
    }

    private void CheckProcessEventsCancelled(bool write)
    {
        var called = 0;
        Add(write, () => called++);
        Side(Key(SockFd), write)!.Cancel();
        if (!write)
        {
            Peer.Send(new byte[] { 1 });
        }
        RunUntil(() => Loop.GetKey(SockFd) is null);
        Assert.Equal(0, called);
    }

    [Fact]
    public void test_add_reader() => CheckAdd(write: false);

    [Fact]
    public void test_add_reader_existing() => CheckAddExisting(write: false);

    [Fact]
    public void test_add_reader_existing_writer()
    {
        var (reads, writes) = (0, 0);
        Loop.AddWriter(SockFd, () => writes++);
        var writer = Key(SockFd).Writer;
        Action cb = () => reads++;
        Loop.AddReader(SockFd, cb);

        var (r, w) = Key(SockFd);
        Assert.Equal(cb, r!.Callback);
        Assert.Same(writer, w);
        MakeReadableAndRun(() => reads > 0 && writes > 0);
        Unregister();
    }

    [Fact]
    public void test_remove_reader() => CheckRemove(write: false);

    [Fact]
    public void test_remove_reader_read_write() => CheckRemoveReadWrite(write: false);

    [Fact]
    public void test_remove_reader_unknown() => CheckRemoveUnknown(write: false);

    [Fact]
    public void test_add_writer() => CheckAdd(write: true);

    [Fact]
    public void test_add_writer_existing() => CheckAddExisting(write: true);

    [Fact]
    public void test_remove_writer() => CheckRemove(write: true);

    [Fact]
    public void test_remove_writer_read_write() => CheckRemoveReadWrite(write: true);

    [Fact]
    public void test_remove_writer_unknown() => CheckRemoveUnknown(write: true);

    [Fact]
    public void test_process_events_read() => CheckAdd(write: false);

    [Fact]
    public void test_process_events_read_cancelled() => CheckProcessEventsCancelled(write: false);

    [Fact]
    public void test_process_events_write() => CheckAdd(write: true);

    [Fact]
    public void test_process_events_write_cancelled() => CheckProcessEventsCancelled(write: true);
}

/// <summary>A datagram protocol recording its callbacks.</summary>
public class RecordingDatagramProto : DatagramProtocol
{
    public readonly List<(byte[] Data, EndPoint Addr)> Received = new();
    public readonly List<Exception> Errors = new();
    public readonly List<Exception?> Lost = new();

    public override void DatagramReceived(ReadOnlySpan<byte> data, EndPoint addr) => Received.Add((data.ToArray(), addr));

    public override void ErrorReceived(Exception exc) => Errors.Add(exc);

    public override void ConnectionLost(Exception? exc) => Lost.Add(exc);
}

/// <summary>
/// CPython's test_selector_events <c>SelectorDatagramTransportTests</c>, with real sockets instead of a mocked one:
/// UDP on 127.0.0.1, and unix datagram sockets where a send must block (a unix datagram send waits while the
/// receiver's queue is full, where UDP drops).
/// </summary>
public class SelectorDatagramTransportTests : LoopTestCase
{
    private readonly RecordingDatagramProto _protocol = new();
    private readonly List<Socket> _sockets = new();
    private readonly List<string> _paths = new();
    private SelectorDatagramTransport? _transport;

    private Socket Udp()
    {
        var s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        s.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _sockets.Add(s);
        return s;
    }

    private Socket UnixDgram()
    {
        var path = TestHttpServer.UnixSocketPath();
        _paths.Add(path);
        var s = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        s.Bind(new UnixDomainSocketEndPoint(path));
        _sockets.Add(s);
        return s;
    }

    /// <summary>
    /// The address of a unix datagram peer by a second (hard-linked) path, which outlives the peer's socket: .NET
    /// unlinks a unix socket's own path when it closes, and sending to a path whose socket is gone is ECONNREFUSED.
    /// </summary>
    private EndPoint LinkedAddress(Socket peer)
    {
        var link = TestHttpServer.UnixSocketPath();
        Os.Link(((UnixDomainSocketEndPoint)peer.LocalEndPoint!).ToString(), link);
        _paths.Add(link);
        return new UnixDomainSocketEndPoint(link);
    }

    private SelectorDatagramTransport DatagramTransport(Socket sock, EndPoint? address = null)
    {
        sock.Blocking = false;
        _transport = new SelectorDatagramTransport(Loop, sock, _protocol, address, null);
        return _transport;
    }

    /// <summary>A transport on a UDP socket connected to a UDP peer (CPython's <c>address=(...)</c> case).</summary>
    private (Socket Sock, Socket Peer, SelectorDatagramTransport Tr) ConnectedUdp()
    {
        var sock = Udp();
        var peer = Udp();
        sock.Connect(peer.LocalEndPoint!);
        return (sock, peer, DatagramTransport(sock, peer.LocalEndPoint));
    }

    /// <summary>A transport on a unix datagram socket connected to a peer that does not read yet, its queue full.</summary>
    private (Socket Sock, Socket Peer, SelectorDatagramTransport Tr) ConnectedUnixBuffered(byte[] data)
    {
        var sock = UnixDgram();
        var peer = UnixDgram();
        sock.Connect(peer.LocalEndPoint!);
        var tr = DatagramTransport(sock, peer.LocalEndPoint);
        FillUntilBuffered(tr, data);
        return (sock, peer, tr);
    }

    /// <summary>A connection refused went to error_received only: the transport is still open.</summary>
    private void AssertErrorReceivedOnly(SelectorDatagramTransport tr)
    {
        RunUntil(() => _protocol.Errors.Count > 0);
        Assert.IsType<ConnectionRefusedError>(_protocol.Errors[0]);
        Assert.False(tr.IsClosing());
        RunBriefly();
        Assert.Empty(_protocol.Lost);
    }

    /// <summary>Sends until the peer's queue is full, so the transport buffers the last datagram.</summary>
    private static void FillUntilBuffered(SelectorDatagramTransport tr, byte[] data, EndPoint? addr = null)
    {
        while (tr.GetWriteBufferSize() == 0)
        {
            tr.Sendto(data, addr);
        }
    }

    private static List<byte[]> Drain(Socket peer)
    {
        var got = new List<byte[]>();
        var buf = new byte[65536];
        while (peer.Available > 0 || peer.Poll(0, SelectMode.SelectRead))
        {
            var n = peer.Receive(buf);
            got.Add(buf[..n]);
        }
        return got;
    }

    public override void Dispose()
    {
        if (_transport is not null && !Loop.IsClosed())
        {
            _transport.Abort();
            RunBriefly();
        }
        foreach (var s in _sockets)
        {
            s.Dispose();
        }
        foreach (var p in _paths)
        {
            File.Delete(p);
        }
        base.Dispose();
    }

    [Fact]
    public void test_read_ready()
    {
        var sock = Udp();
        var peer = Udp();
        DatagramTransport(sock);
        RunBriefly();
        peer.SendTo("data"u8.ToArray(), sock.LocalEndPoint!);

        RunUntil(() => _protocol.Received.Count > 0);
        Assert.Equal("data"u8.ToArray(), _protocol.Received[0].Data);
        Assert.Equal(peer.LocalEndPoint, _protocol.Received[0].Addr);
    }

    [Fact]
    public void test_read_ready_oserr()
    {
        // A connected UDP socket whose peer port is closed: the ICMP error makes recvfrom raise ConnectionRefusedError.
        var (_, gone, tr) = ConnectedUdp();
        gone.Close();
        RunBriefly();
        tr.Sendto("data"u8);
        AssertErrorReceivedOnly(tr);
    }

    [Fact]
    public void test_sendto()
    {
        var sock = Udp();
        var peer = Udp();
        var tr = DatagramTransport(sock);
        tr.Sendto("data"u8, peer.LocalEndPoint);

        var buf = new byte[16];
        EndPoint from = new IPEndPoint(IPAddress.Any, 0);
        var n = peer.ReceiveFrom(buf, ref from);
        Assert.Equal("data"u8.ToArray(), buf[..n]);
        Assert.Equal(sock.LocalEndPoint, from);
        Assert.Equal(0, tr.GetWriteBufferSize());
    }

    [Fact]
    public void test_sendto_no_data()
    {
        var sock = UnixDgram();
        var peer = UnixDgram();
        var tr = DatagramTransport(sock);
        FillUntilBuffered(tr, "data"u8.ToArray(), peer.LocalEndPoint);
        tr.Sendto(ReadOnlySpan<byte>.Empty, null);
        Assert.Equal(4, tr.GetWriteBufferSize());
    }

    [Fact]
    public void test_sendto_buffer()
    {
        var sock = UnixDgram();
        var peer = UnixDgram();
        var tr = DatagramTransport(sock);
        FillUntilBuffered(tr, "data1"u8.ToArray(), peer.LocalEndPoint);
        tr.Sendto("data2"u8, peer.LocalEndPoint);
        Assert.Equal(10, tr.GetWriteBufferSize());

        // Both go out in order once the peer reads.
        var got = new List<byte[]>();
        RunUntil(() =>
        {
            got.AddRange(Drain(peer));
            return tr.GetWriteBufferSize() == 0 && got.Count > 0 && got[^1].Length == 5 && got[^1][4] == (byte)'2';
        });
        Assert.Equal("data1"u8.ToArray(), got[^2]);
    }

    [Fact]
    public void test_sendto_tryagain()
    {
        var sock = UnixDgram();
        var peer = UnixDgram();
        var tr = DatagramTransport(sock);
        FillUntilBuffered(tr, "data"u8.ToArray(), peer.LocalEndPoint);

        Assert.True(Loop.HasWriter((int)sock.Handle));
        Assert.Equal(4, tr.GetWriteBufferSize());
    }

    [Fact]
    public void test_sendto_error_received()
    {
        // A unix datagram sendto to a bound path whose socket is closed fails with ECONNREFUSED.
        var gone = UnixDgram();
        var goneAddr = LinkedAddress(gone);
        gone.Close();
        var tr = DatagramTransport(UnixDgram());
        tr.Sendto("data"u8, goneAddr);
        Assert.Single(_protocol.Errors);
        AssertErrorReceivedOnly(tr);
    }

    [Fact]
    public void test_sendto_error_received_connected()
    {
        // The ICMP error of a first send is pending on the socket: the transport's send raises it.
        var sock = Udp();
        var gone = Udp();
        sock.Connect(gone.LocalEndPoint!);
        gone.Close();
        sock.Send("x"u8);
        Assert.True(sock.Poll(10_000_000, SelectMode.SelectError) || sock.Poll(0, SelectMode.SelectRead));
        var tr = DatagramTransport(sock, sock.RemoteEndPoint);
        tr.Sendto("data"u8);
        Assert.Single(_protocol.Errors);
        AssertErrorReceivedOnly(tr);
    }

    [Fact]
    public void test_sendto_connected_addr()
    {
        var (_, peer, tr) = ConnectedUdp();
        var other = new IPEndPoint(IPAddress.Loopback, ((IPEndPoint)peer.LocalEndPoint!).Port + 1);
        var exc = Assert.Throws<ValueError>(() => tr.Sendto("str"u8, other));
        Assert.StartsWith("Invalid address: must be None or ", exc.Message);
    }

    [Fact]
    public void test_sendto_closing()
    {
        var (_, peer, tr) = ConnectedUdp();
        tr.Close();
        // After close a send is dropped silently (counted as a write after connection loss).
        tr.Sendto("data"u8, peer.LocalEndPoint);
        Assert.Equal(0, tr.GetWriteBufferSize());
        RunBriefly();
        Assert.Equal(new Exception?[] { null }, _protocol.Lost);
        Assert.Equal(0, peer.Available);
    }

    [Fact]
    public void test_sendto_ready()
    {
        var sock = UnixDgram();
        var peer = UnixDgram();
        var tr = DatagramTransport(sock);
        FillUntilBuffered(tr, "data"u8.ToArray(), peer.LocalEndPoint);
        var fd = (int)sock.Handle;
        Assert.True(Loop.HasWriter(fd));

        RunUntil(() =>
        {
            Drain(peer);
            return tr.GetWriteBufferSize() == 0;
        });
        Assert.False(Loop.HasWriter(fd));
    }

    [Fact]
    public void test_sendto_ready_closing()
    {
        var (sock, peer, tr) = ConnectedUnixBuffered("data"u8.ToArray());
        tr.Close();
        RunBriefly();
        // connection_lost waits for the buffer to be sent.
        Assert.Empty(_protocol.Lost);

        RunUntil(() =>
        {
            Drain(peer);
            return _protocol.Lost.Count > 0;
        });
        Assert.Equal(new Exception?[] { null }, _protocol.Lost);
        Assert.True(sock.SafeHandle.IsClosed);
    }

    [Fact]
    public void test_sendto_ready_tryagain()
    {
        var (sock, _, tr) = ConnectedUnixBuffered("data1"u8.ToArray());
        tr.Sendto("data2"u8);
        for (var i = 0; i < 3; i++)
        {
            RunBriefly();
        }

        Assert.True(Loop.HasWriter((int)sock.Handle));
        Assert.Equal(10, tr.GetWriteBufferSize());
    }

    [Fact]
    public void test_sendto_ready_error_received()
    {
        var peer = UnixDgram();
        var peerAddr = LinkedAddress(peer);
        var tr = DatagramTransport(UnixDgram());
        FillUntilBuffered(tr, "data"u8.ToArray(), peerAddr);
        // The receiver goes away: the buffered datagram's send fails with ECONNREFUSED.
        peer.Close();
        AssertErrorReceivedOnly(tr);
    }

    [Fact]
    public void test_sendto_ready_error_received_connection()
    {
        var (_, peer, tr) = ConnectedUnixBuffered("data"u8.ToArray());
        peer.Close();
        AssertErrorReceivedOnly(tr);
    }

    [Fact]
    public void test_fatal_error_connected()
    {
        var (_, _, tr) = ConnectedUdp();
        RunBriefly();
        var err = new ConnectionRefusedError("");
        tr.FatalError(err);
        RunBriefly();
        // Not reported to the protocol as error_received, nor to the exception handler (the base checks that).
        Assert.Empty(_protocol.Errors);
        Assert.Same(err, Assert.Single(_protocol.Lost));
    }

    private sealed class MyException : Exception
    {
    }

    [Fact]
    public void test_fatal_error_connected_custom_error()
    {
        var (_, _, tr) = ConnectedUdp();
        RunBriefly();
        var err = new MyException();
        tr.FatalError(err);
        RunBriefly();
        Assert.Empty(_protocol.Errors);
        var context = Assert.Single(TakeUnhandled());
        Assert.Equal("Fatal error on transport", context["message"]);
        Assert.Same(err, context["exception"]);
        Assert.Same(tr, context["transport"]);
        Assert.Same(_protocol, context["protocol"]);
    }
}
