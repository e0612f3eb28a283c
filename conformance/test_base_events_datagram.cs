using System.Net;
using System.Net.Sockets;
using AsyncioSharp;
using Xunit;
using MyDatagramProto = AsyncioSharp.Conformance.EventLoopTestsMixin.MyDatagramProto;

namespace AsyncioSharp.Conformance;

/// <summary>The create_datagram_endpoint tests of CPython's <c>test_base_events.BaseEventLoopWithSelectorTests</c>.</summary>
public partial class BaseEventLoopWithSelectorTests : LoopTestCase
{
    [Fact]
    public void test_create_datagram_endpoint_wrong_sock()
    {
        using var sock = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var coro = Loop.CreateDatagramEndpoint(() => new MyDatagramProto(), sock: sock);
        var exc = Assert.Throws<ValueError>(() => Loop.RunUntilComplete(coro));
        Assert.StartsWith("A UDP Socket was expected", exc.Message);
    }

    [Fact]
    public void test_create_datagram_endpoint_addr_error()
    {
        var coro = Loop.CreateDatagramEndpoint(() => new MyDatagramProto(), localAddr: "localhost");
        Assert.Throws<TypeError>(() => Loop.RunUntilComplete(coro));
        coro = Loop.CreateDatagramEndpoint(() => new MyDatagramProto(), localAddr: ("localhost", 1, 2, 3));
        Assert.Throws<TypeError>(() => Loop.RunUntilComplete(coro));
    }

    [Fact]
    public void test_create_datagram_endpoint_allow_broadcast()
    {
        var protocol = new MyDatagramProto(Loop);
        var coro = Loop.CreateDatagramEndpoint(() => protocol, remoteAddr: ("127.0.0.1", 0), allowBroadcast: true);
        var (transport, _) = Loop.RunUntilComplete(coro);
        // sock_connect was not called: the socket has no peer.
        Assert.Null(transport.GetExtraInfo("peername"));

        transport.Close();
        Loop.RunUntilComplete(protocol.Done!);
        Assert.Equal("CLOSED", protocol.State);
    }

    [Fact]
    public void test_create_datagram_endpoint_no_matching_family()
    {
        var coro = Loop.CreateDatagramEndpoint(() => new DatagramProtocol(),
            remoteAddr: ("127.0.0.1", 0), localAddr: ("::1", 0));
        Assert.Throws<ValueError>(() => Loop.RunUntilComplete(coro));
    }

    [Fact]
    public void test_create_datagram_endpoint_noaddr_nofamily()
    {
        var coro = Loop.CreateDatagramEndpoint(() => new DatagramProtocol());
        Assert.Throws<ValueError>(() => Loop.RunUntilComplete(coro));
    }

    [Fact]
    public void test_create_datagram_endpoint_sock()
    {
        var sock = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        sock.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var (transport, protocol) = Loop.RunUntilComplete(
            Loop.CreateDatagramEndpoint(() => new MyDatagramProto(Loop), sock: sock));
        transport.Close();
        Loop.RunUntilComplete(((MyDatagramProto)protocol).Done!);
        Assert.Equal("CLOSED", ((MyDatagramProto)protocol).State);
    }

    [Fact]
    public void test_create_datagram_endpoint_sock_unix()
    {
        var (transport, protocol) = Loop.RunUntilComplete(
            Loop.CreateDatagramEndpoint(() => new MyDatagramProto(Loop), family: AddressFamily.Unix));
        Assert.Equal(AddressFamily.Unix, ((TransportSocket)transport.GetExtraInfo("socket")!).Family);
        transport.Close();
        Loop.RunUntilComplete(((MyDatagramProto)protocol).Done!);
        Assert.Equal("CLOSED", ((MyDatagramProto)protocol).State);
    }

    [Fact]
    public void test_create_datagram_endpoint_existing_sock_unix()
    {
        var path = TestHttpServer.UnixSocketPath();
        try
        {
            using (var sock = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified))
            {
                sock.Bind(new UnixDomainSocketEndPoint(path));
            }

            var (transport, protocol) = Loop.RunUntilComplete(
                Loop.CreateDatagramEndpoint(() => new MyDatagramProto(Loop), path, family: AddressFamily.Unix));
            transport.Close();
            Loop.RunUntilComplete(((MyDatagramProto)protocol).Done!);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void test_create_datagram_endpoint_sock_sockopts()
    {
        using var fakeSock = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        Func<BaseProtocol> factory = () => new MyDatagramProto();

        Assert.Throws<ValueError>(() => Loop.RunUntilComplete(
            Loop.CreateDatagramEndpoint(factory, localAddr: ("127.0.0.1", 0), sock: fakeSock)));
        Assert.Throws<ValueError>(() => Loop.RunUntilComplete(
            Loop.CreateDatagramEndpoint(factory, remoteAddr: ("127.0.0.1", 0), sock: fakeSock)));
        Assert.Throws<ValueError>(() => Loop.RunUntilComplete(
            Loop.CreateDatagramEndpoint(factory, family: (AddressFamily)1, sock: fakeSock)));
        Assert.Throws<ValueError>(() => Loop.RunUntilComplete(
            Loop.CreateDatagramEndpoint(factory, proto: (ProtocolType)1, sock: fakeSock)));
        Assert.Throws<ValueError>(() => Loop.RunUntilComplete(
            Loop.CreateDatagramEndpoint(factory, flags: 1, sock: fakeSock)));
        Assert.Throws<ValueError>(() => Loop.RunUntilComplete(
            Loop.CreateDatagramEndpoint(factory, reusePort: true, sock: fakeSock)));
        var exc = Assert.Throws<ValueError>(() => Loop.RunUntilComplete(
            Loop.CreateDatagramEndpoint(factory, allowBroadcast: true, sock: fakeSock)));
        Assert.Equal("socket modifier keyword arguments can not be used when sock is specified. (allow_broadcast=True)", exc.Message);
    }

    private static bool GetSockOpt(TransportSocket sock, int name) => sock.Getsockopt(SOL_SOCKET, name) != 0;

    private const int SOL_SOCKET = 1;

    [Fact]
    public void test_create_datagram_endpoint_sockopts()
    {
        // Socket options should not be applied unless asked for.
        const int SO_REUSEADDR = 2, SO_BROADCAST = 6, SO_REUSEPORT = 15;
        var (transport, protocol) = Loop.RunUntilComplete(
            Loop.CreateDatagramEndpoint(() => new MyDatagramProto(Loop), localAddr: ("127.0.0.1", 0)));
        var sock = (TransportSocket)transport.GetExtraInfo("socket")!;
        Assert.False(GetSockOpt(sock, SO_REUSEPORT));
        Assert.False(GetSockOpt(sock, SO_BROADCAST));
        transport.Close();
        Loop.RunUntilComplete(((MyDatagramProto)protocol).Done!);
        Assert.Equal("CLOSED", ((MyDatagramProto)protocol).State);

        (transport, protocol) = Loop.RunUntilComplete(
            Loop.CreateDatagramEndpoint(() => new MyDatagramProto(Loop), localAddr: ("127.0.0.1", 0),
                reusePort: true, allowBroadcast: true));
        sock = (TransportSocket)transport.GetExtraInfo("socket")!;
        Assert.False(GetSockOpt(sock, SO_REUSEADDR));
        Assert.True(GetSockOpt(sock, SO_REUSEPORT));
        Assert.True(GetSockOpt(sock, SO_BROADCAST));
        transport.Close();
        Loop.RunUntilComplete(((MyDatagramProto)protocol).Done!);
        Assert.Equal("CLOSED", ((MyDatagramProto)protocol).State);
    }

    [Fact]
    public void test_create_datagram_endpoint_ip_addr()
    {
        // An IP literal is bound as is, without getaddrinfo (which is not implemented on this test's path).
        var (t, _) = Loop.RunUntilComplete(
            Loop.CreateDatagramEndpoint(() => new MyDatagramProto(Loop), localAddr: ("127.0.0.2", 0), reusePort: true));
        try
        {
            var sock = (TransportSocket)t.GetExtraInfo("socket")!;
            Assert.Equal(IPAddress.Parse("127.0.0.2"), ((IPEndPoint)sock.Getsockname()).Address);
            Assert.Equal((int)ProtocolType.Udp, sock.Proto);
            Assert.Equal(SocketType.Dgram, sock.Type);
        }
        finally
        {
            t.Close();
            RunBriefly();
        }
    }
}
