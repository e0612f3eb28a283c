using System.Net;
using System.Net.Sockets;
using AsyncioSharp;
using Xunit;

namespace AsyncioSharp.Conformance;

/// <summary>
/// CPython's <c>test_base_events.BaseEventLoopTests.test_single_selecter_event_callback_after_stopping</c>. CPython
/// makes a mocked selector report the same event forever; here a real socket stays readable (its byte is never read).
/// </summary>
public partial class BaseEventLoopTests
{
    [Fact]
    public void test_single_selecter_event_callback_after_stopping()
    {
        // Python issue #25593: a stopped event loop may cause event callbacks to run more than once.
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        using var sock = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        sock.Connect(listener.LocalEndPoint!);
        using var peer = listener.Accept();
        peer.Send(new byte[] { 1 });

        var callcount = 0;
        void ClearSelector() => Loop.RemoveReader(sock);

        void DoEvent()
        {
            callcount++;
            Loop.CallSoon(ClearSelector);
        }

        Loop.AddReader(sock, DoEvent);
        while (sock.Available == 0)
        {
            Thread.Yield();
        }
        for (var i = 1; i < 3; i++)
        {
            Loop.CallSoon(Loop.Stop);
            Loop.RunForever();
            Assert.Equal(1, callcount);
        }
        Assert.Null(Loop.GetKey((int)sock.Handle));
    }
}

/// <summary>
/// CPython's <c>test_base_events.BaseEventLoopWithSelectorTests</c> datagram-endpoint error tests, without mocking the
/// socket module: the loop's getaddrinfo hook returns nothing, a real bind collides, a real connect is refused.
/// </summary>
public partial class BaseEventLoopWithSelectorTests
{
    [Fact]
    public void test_create_datagram_endpoint_no_addrinfo()
    {
        Hooked.GetaddrinfoHook = (_, _) => HookedSelectorLoop.Result(new());
        var coro = Loop.CreateDatagramEndpoint(() => new DatagramProtocol(), localAddr: ("localhost", 0));
        var exc = Assert.ThrowsAny<OSError>(() => Loop.RunUntilComplete(coro));
        Assert.Equal("getaddrinfo() returned empty list", exc.Message);
    }

    [Fact]
    public void test_create_datagram_endpoint_connect_err()
    {
        // Linux refuses connecting a UDP socket to the broadcast address without SO_BROADCAST (EACCES);
        // the endpoint's socket is closed (the base checks no fd is left).
        var coro = Loop.CreateDatagramEndpoint(() => new DatagramProtocol(), remoteAddr: ("255.255.255.255", 9));
        var exc = Assert.Throws<PermissionError>(() => Loop.RunUntilComplete(coro));
        Assert.Equal(Errno.EACCES, exc.Errno);
    }

    [Fact]
    public void test_create_datagram_endpoint_cant_bind()
    {
        using var taken = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        taken.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)taken.LocalEndPoint!).Port;

        var coro = Loop.CreateDatagramEndpoint(() => new DatagramProtocol(), localAddr: ("127.0.0.1", port),
            family: AddressFamily.InterNetwork);
        var exc = Assert.ThrowsAny<OSError>(() => Loop.RunUntilComplete(coro));
        Assert.Equal(Errno.EADDRINUSE, exc.Errno);
    }
}
