using System.Net;
using System.Net.Sockets;
using AsyncioSharp;
using Xunit;

namespace AsyncioSharp.Conformance;

/// <summary>CPython's test_base_events <c>BaseEventTests</c>: <c>_ipaddr_info</c>.</summary>
public partial class BaseEventTests : LoopTestCase
{
    private static readonly AddressFamily UNSPEC = AddressFamily.Unspecified, INET = AddressFamily.InterNetwork, INET6 = AddressFamily.InterNetworkV6;
    private static readonly SocketType STREAM = SocketType.Stream, DGRAM = SocketType.Dgram;
    private static readonly ProtocolType TCP = ProtocolType.Tcp, UDP = ProtocolType.Udp;

    private static AddrInfo Info(AddressFamily af, SocketType type, ProtocolType proto, string host, int port) =>
        new(af, type, proto, "", new IPEndPoint(IPAddress.Parse(host), port));

    [Fact]
    public void test_ipaddr_info()
    {
        Assert.Equal(Info(INET, STREAM, TCP, "1.2.3.4", 1), BaseEventLoop.IpaddrInfo("1.2.3.4", 1, INET, STREAM, TCP));
        Assert.Equal(Info(INET, STREAM, TCP, "1.2.3.4", 1), BaseEventLoop.IpaddrInfo("1.2.3.4", 1, UNSPEC, STREAM, TCP));
        Assert.Equal(Info(INET, DGRAM, UDP, "1.2.3.4", 1), BaseEventLoop.IpaddrInfo("1.2.3.4", 1, UNSPEC, DGRAM, UDP));
        // Socket type STREAM implies TCP protocol.
        Assert.Equal(Info(INET, STREAM, TCP, "1.2.3.4", 1), BaseEventLoop.IpaddrInfo("1.2.3.4", 1, UNSPEC, STREAM, 0));
        // Socket type DGRAM implies UDP protocol.
        Assert.Equal(Info(INET, DGRAM, UDP, "1.2.3.4", 1), BaseEventLoop.IpaddrInfo("1.2.3.4", 1, UNSPEC, DGRAM, 0));
        // No socket type.
        Assert.Null(BaseEventLoop.IpaddrInfo("1.2.3.4", 1, UNSPEC, 0, 0));
        // IPv4 address with family IPv6.
        Assert.Null(BaseEventLoop.IpaddrInfo("1.2.3.4", 1, INET6, STREAM, TCP));
        Assert.Equal(Info(INET6, STREAM, TCP, "::3", 1), BaseEventLoop.IpaddrInfo("::3", 1, INET6, STREAM, TCP));
        Assert.Equal(Info(INET6, STREAM, TCP, "::3", 1), BaseEventLoop.IpaddrInfo("::3", 1, UNSPEC, STREAM, TCP));
        // IPv6 address with family IPv4.
        Assert.Null(BaseEventLoop.IpaddrInfo("::3", 1, INET, STREAM, TCP));
        // IPv6 address with zone index.
        Assert.Null(BaseEventLoop.IpaddrInfo("::3%lo0", 1, INET6, STREAM, TCP));
    }

    [Fact]
    public void test_port_parameter_types()
    {
        // Obscure kinds of arguments for "port".
        Assert.Equal(Info(INET, STREAM, TCP, "1.2.3.4", 0), BaseEventLoop.IpaddrInfo("1.2.3.4", null, INET, STREAM, TCP));
        Assert.Equal(Info(INET, STREAM, TCP, "1.2.3.4", 0), BaseEventLoop.IpaddrInfo("1.2.3.4", "", INET, STREAM, TCP));
        Assert.Equal(Info(INET, STREAM, TCP, "1.2.3.4", 1), BaseEventLoop.IpaddrInfo("1.2.3.4", "1", INET, STREAM, TCP));
    }
}

/// <summary>CPython's test_base_events <c>BaseEventLoopWithSelectorTests</c>: create_connection/create_server arguments and failures.</summary>
public partial class BaseEventLoopWithSelectorTests : LoopTestCase
{
    protected override SelectorEventLoop CreateLoop() => new HookedSelectorLoop();

    private HookedSelectorLoop Hooked => (HookedSelectorLoop)Loop;

    private static BaseProtocol NewProto() => new Protocol();

    [Fact]
    public void test_getnameinfo()
    {
        const int NI_NUMERICHOST = 1, NI_NUMERICSERV = 2;
        var r = Loop.RunUntilComplete(Loop.Getnameinfo(new IPEndPoint(IPAddress.Loopback, 123), NI_NUMERICHOST | NI_NUMERICSERV));
        Assert.Equal(("127.0.0.1", "123"), r);
    }

    [Fact]
    public void test_create_connection_multiple_errors()
    {
        Hooked.GetaddrinfoHook = (_, _) => HookedSelectorLoop.Result(new()
        {
            HookedSelectorLoop.Inet("107.6.106.82", 80), HookedSelectorLoop.Inet("107.6.106.82", 80),
        });
        var errors = new Queue<string>(new[] { "err1", "err2" });
        Hooked.SockConnectHook = (_, _) => HookedSelectorLoop.Raise(new OSError(errors.Dequeue()));
        var exc = Assert.ThrowsAny<OSError>(() => Loop.RunUntilComplete(Loop.CreateConnection(NewProto, "example.com", 80)));
        Assert.Equal("Multiple exceptions: err1, err2", exc.Message);
    }

    [Fact]
    public void test_create_connection_timeout()
    {
        // Ensure that the socket is closed on timeout.
        Socket? sock = null;
        Hooked.SockConnectHook = (s, _) =>
        {
            sock = s;
            return HookedSelectorLoop.Raise(new AsyncioSharp.TimeoutError());
        };
        Assert.Throws<AsyncioSharp.TimeoutError>(() => Loop.RunUntilComplete(Loop.CreateConnection(NewProto, "127.0.0.1", 80)));
        Assert.True(sock!.SafeHandle.IsClosed);
    }

    [Fact]
    public void test_create_connection_host_port_sock()
    {
        using var sock = new Socket(SocketType.Stream, ProtocolType.Tcp);
        Assert.Throws<ValueError>(() => Loop.RunUntilComplete(Loop.CreateConnection(NewProto, "example.com", 80, sock: sock)));
    }

    [Fact]
    public void test_create_connection_wrong_sock()
    {
        using var sock = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        var exc = Assert.Throws<ValueError>(() => Loop.RunUntilComplete(Loop.CreateConnection(NewProto, sock: sock)));
        Assert.StartsWith("A Stream Socket was expected", exc.Message);
    }

    [Fact]
    public void test_create_server_wrong_sock()
    {
        using var sock = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        var exc = Assert.Throws<ValueError>(() => Loop.RunUntilComplete(Loop.CreateServer(NewProto, sock: sock)));
        Assert.StartsWith("A Stream Socket was expected", exc.Message);
    }

    [Fact]
    public void test_create_server_ssl_timeout_for_plain_socket()
    {
        var exc = Assert.Throws<ValueError>(() => Loop.RunUntilComplete(Loop.CreateServer(NewProto, "example.com", 80, sslHandshakeTimeout: 1)));
        Assert.Equal("ssl_handshake_timeout is only meaningful with ssl", exc.Message);
    }

    [Fact]
    public void test_create_server_stream_bittype()
    {
        using var sock = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { Blocking = false };
        var srv = Loop.RunUntilComplete(Loop.CreateServer(() => null!, sock: sock));
        srv.Close();
        Loop.RunUntilComplete(srv.WaitClosed());
    }

    [Fact]
    public void test_create_server_ipv6()
    {
        var srv = (Server)Loop.RunUntilComplete(Loop.CreateServer(NewProto, "::1", 0));
        try
        {
            Assert.True(srv.Sockets.Count > 0);
        }
        finally
        {
            srv.Close();
            Loop.RunUntilComplete(srv.WaitClosed());
        }
    }

    [Fact]
    public void test_create_connection_no_host_port_sock()
    {
        Assert.Throws<ValueError>(() => Loop.RunUntilComplete(Loop.CreateConnection(NewProto)));
    }

    [Fact]
    public void test_create_connection_no_getaddrinfo()
    {
        Hooked.GetaddrinfoHook = (_, _) => HookedSelectorLoop.Result(new());
        var exc = Assert.ThrowsAny<OSError>(() => Loop.RunUntilComplete(Loop.CreateConnection(NewProto, "example.com", 80)));
        Assert.Equal("getaddrinfo() returned empty list", exc.Message);
    }

    [Fact]
    public void test_create_connection_connect_err()
    {
        Hooked.GetaddrinfoHook = (_, _) => HookedSelectorLoop.Result(new() { HookedSelectorLoop.Inet("107.6.106.82", 80) });
        Hooked.SockConnectHook = (_, _) => HookedSelectorLoop.Raise(new OSError(""));
        Assert.ThrowsAny<OSError>(() => Loop.RunUntilComplete(Loop.CreateConnection(NewProto, "example.com", 80)));
    }

    [Fact]
    public void test_create_connection_multiple()
    {
        Hooked.GetaddrinfoHook = (_, _) => HookedSelectorLoop.Result(new()
        {
            HookedSelectorLoop.Inet("0.0.0.1", 80), HookedSelectorLoop.Inet("0.0.0.2", 80),
        });
        Hooked.SockConnectHook = (_, _) => HookedSelectorLoop.Raise(new OSError(""));
        Assert.ThrowsAny<OSError>(() => Loop.RunUntilComplete(
            Loop.CreateConnection(NewProto, "example.com", 80, family: AddressFamily.InterNetwork)));
    }

    [Fact]
    public void test_create_connection_multiple_errors_local_addr()
    {
        // Binding to 0.0.0.1 fails for real (EADDRNOTAVAIL); 127.0.0.1 binds, then the connect fails.
        Hooked.GetaddrinfoHook = (host, _) => HookedSelectorLoop.Result(host is null
            ? new() { HookedSelectorLoop.Inet("0.0.0.1", 0), HookedSelectorLoop.Inet("127.0.0.1", 0) }
            : new() { HookedSelectorLoop.Inet("0.0.0.1", 80), HookedSelectorLoop.Inet("0.0.0.2", 80) });
        var sockets = new List<Socket>();
        Hooked.SockConnectHook = (s, _) =>
        {
            sockets.Add(s);
            return HookedSelectorLoop.Raise(new OSError("Err2"));
        };
        var exc = Assert.ThrowsAny<OSError>(() => Loop.RunUntilComplete(Loop.CreateConnection(
            NewProto, "example.com", 80, family: AddressFamily.InterNetwork, localAddr: (null!, 8080))));
        Assert.StartsWith("Multiple exceptions: ", exc.Message);
        Assert.All(sockets, s => Assert.True(s.SafeHandle.IsClosed));
    }

    private (Socket Sock, EndPoint Address) ConnectAttempt(string host, int port)
    {
        (Socket, EndPoint)? seen = null;
        Hooked.SockConnectHook = (s, a) =>
        {
            seen = (s, a);
            return HookedSelectorLoop.Raise(new OSError("stop here"));
        };
        Assert.ThrowsAny<OSError>(() => Loop.RunUntilComplete(Loop.CreateConnection(NewProto, host, port)));
        return seen!.Value;
    }

    [Fact]
    public void test_create_connection_ip_addr()
    {
        var (sock, address) = ConnectAttempt("1.2.3.4", 80);
        Assert.Equal(new IPEndPoint(IPAddress.Parse("1.2.3.4"), 80), address);
        Assert.Equal(AddressFamily.InterNetwork, sock.AddressFamily);
        Assert.Equal(SocketType.Stream, sock.SocketType);

        (sock, address) = ConnectAttempt("::1", 80);
        Assert.Equal(new IPEndPoint(IPAddress.IPv6Loopback, 80), address);
        Assert.Equal(AddressFamily.InterNetworkV6, sock.AddressFamily);
        Assert.Equal(SocketType.Stream, sock.SocketType);
    }

    [Fact]
    public void test_create_connection_ipv6_scope()
    {
        var (sock, address) = ConnectAttempt("fe80::1%1", 80);
        var ip = (IPEndPoint)address;
        Assert.Equal(IPAddress.Parse("fe80::1%1"), ip.Address);
        Assert.Equal(1, ip.Address.ScopeId);
        Assert.Equal(80, ip.Port);
        Assert.Equal(AddressFamily.InterNetworkV6, sock.AddressFamily);
        Assert.Equal(SocketType.Stream, sock.SocketType);
    }

    [Fact]
    public void test_create_connection_no_local_addr()
    {
        Hooked.GetaddrinfoHook = (host, _) => HookedSelectorLoop.Result(host == "example.com"
            ? new() { HookedSelectorLoop.Inet("107.6.106.82", 80), HookedSelectorLoop.Inet("107.6.106.82", 80) }
            : new());
        Assert.ThrowsAny<OSError>(() => Loop.RunUntilComplete(Loop.CreateConnection(
            NewProto, "example.com", 80, family: AddressFamily.InterNetwork, localAddr: (null!, 8080))));
    }

    [Fact]
    public void test_create_connection_ssl_server_hostname_default()
    {
        Hooked.GetaddrinfoHook = (_, _) => HookedSelectorLoop.Result(new() { HookedSelectorLoop.Inet("1.2.3.4", 80) });
        Hooked.SockConnectHook = (_, _) => Asyncio.Sleep(0);
        (string? Hostname, double? Handshake, double? Shutdown)? called = null;
        Hooked.MakeSslTransportHook = (sock, _, waiter, hostname, handshake, shutdown) =>
        {
            waiter!.SetResult(null);
            called = (hostname, handshake, shutdown);
            return new SslTransportMock(sock);
        };
        // First try the default server_hostname.
        var (transport, _) = Loop.RunUntilComplete(Loop.CreateConnection(NewProto, "python.org", 80, ssl: true,
            sslHandshakeTimeout: 1.5, sslShutdownTimeout: 2.5));
        transport.Close();
        Assert.Equal(("python.org", 1.5, 2.5), called!.Value);
        // Next try an explicit server_hostname.
        (transport, _) = Loop.RunUntilComplete(Loop.CreateConnection(NewProto, "python.org", 80, ssl: true,
            serverHostname: "perl.com", sslHandshakeTimeout: 1.5, sslShutdownTimeout: 2.5));
        transport.Close();
        Assert.Equal(("perl.com", 1.5, 2.5), called!.Value);
        // Finally try an explicit empty server_hostname.
        (transport, _) = Loop.RunUntilComplete(Loop.CreateConnection(NewProto, "python.org", 80, ssl: true,
            serverHostname: "", sslHandshakeTimeout: 1.5, sslShutdownTimeout: 2.5));
        transport.Close();
        Assert.Equal(("", 1.5, 2.5), called!.Value);
    }

    [Fact]
    public void test_create_connection_no_ssl_server_hostname_errors()
    {
        // When not using ssl, server_hostname must be None.
        var exc = Assert.Throws<ValueError>(() => Loop.RunUntilComplete(Loop.CreateConnection(NewProto, "python.org", 80, serverHostname: "")));
        Assert.Equal("server_hostname is only meaningful with ssl", exc.Message);
        Assert.Throws<ValueError>(() => Loop.RunUntilComplete(Loop.CreateConnection(NewProto, "python.org", 80, serverHostname: "python.org")));
    }

    [Fact]
    public void test_create_connection_ssl_server_hostname_errors()
    {
        // When using ssl, server_hostname may be None if host is non-empty.
        var exc = Assert.Throws<ValueError>(() => Loop.RunUntilComplete(Loop.CreateConnection(NewProto, "", 80, ssl: true)));
        Assert.Equal("You must set server_hostname when using ssl without a host", exc.Message);
        Assert.Throws<ValueError>(() => Loop.RunUntilComplete(Loop.CreateConnection(NewProto, null, 80, ssl: true)));
        using var sock = new Socket(SocketType.Stream, ProtocolType.Tcp);
        Assert.Throws<ValueError>(() => Loop.RunUntilComplete(Loop.CreateConnection(NewProto, null, null, ssl: true, sock: sock)));
    }

    [Fact]
    public void test_create_connection_ssl_timeout_for_plain_socket()
    {
        var exc = Assert.Throws<ValueError>(() => Loop.RunUntilComplete(Loop.CreateConnection(NewProto, "example.com", 80, sslHandshakeTimeout: 1)));
        Assert.Equal("ssl_handshake_timeout is only meaningful with ssl", exc.Message);
        exc = Assert.Throws<ValueError>(() => Loop.RunUntilComplete(Loop.CreateConnection(NewProto, "example.com", 80, sslShutdownTimeout: 1)));
        Assert.Equal("ssl_shutdown_timeout is only meaningful with ssl", exc.Message);
    }

    [Fact]
    public void test_create_server_empty_host()
    {
        // If host is an empty string, None is used instead.
        string? host = "unset";
        Hooked.GetaddrinfoHook = (h, _) =>
        {
            host = h;
            return HookedSelectorLoop.Result(new());
        };
        Assert.ThrowsAny<OSError>(() => Loop.RunUntilComplete(Loop.CreateServer(NewProto, "", 0)));
        Assert.Null(host);
    }

    [Fact]
    public void test_create_server_host_port_sock()
    {
        using var sock = new Socket(SocketType.Stream, ProtocolType.Tcp);
        Assert.Throws<ValueError>(() => Loop.RunUntilComplete(Loop.CreateServer(NewProto, "0.0.0.0", 0, sock: sock)));
    }

    [Fact]
    public void test_create_server_no_host_port_sock()
    {
        var exc = Assert.Throws<ValueError>(() => Loop.RunUntilComplete(Loop.CreateServer(NewProto)));
        Assert.Equal("Neither host/port nor sock were specified", exc.Message);
    }

    [Fact]
    public void test_create_server_no_getaddrinfo()
    {
        Hooked.GetaddrinfoHook = (_, _) => HookedSelectorLoop.Result(new());
        var exc = Assert.ThrowsAny<OSError>(() => Loop.RunUntilComplete(Loop.CreateServer(NewProto, "python.org", 0)));
        Assert.Equal("getaddrinfo('python.org') returned empty list", exc.Message);
    }

    [Fact]
    public void test_create_server_cant_bind()
    {
        // A listener already holds the port (for real): the bind fails and the server's sockets are closed.
        using var holder = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        holder.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        holder.Listen();
        var port = ((IPEndPoint)holder.LocalEndPoint!).Port;
        var exc = Assert.ThrowsAny<OSError>(() => Loop.RunUntilComplete(Loop.CreateServer(NewProto, "127.0.0.1", port)));
        Assert.Equal(98, exc.Errno);
        Assert.Equal($"[Errno 98] error while attempting to bind on address ('127.0.0.1', {port}): address already in use", exc.Message);
    }
}

internal sealed class SslTransportMock : Transport
{
    private readonly Socket _sock;

    public SslTransportMock(Socket sock) => _sock = sock;

    public override void Close() => _sock.Close();
}

/// <summary>CPython's test_base_events <c>TestSelectorUtils</c>.</summary>
public class TestSelectorUtils : LoopTestCase
{
    private static void CheckSetNodelay(Socket sock)
    {
        Assert.False(sock.NoDelay);
        BaseEventLoop.SetNodelay(sock);
        Assert.True(sock.NoDelay);
    }

    [Fact]
    public void test_set_nodelay()
    {
        using (var sock = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            CheckSetNodelay(sock);
        }
        using (var sock = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { Blocking = false })
        {
            CheckSetNodelay(sock);
        }
    }
}
