using System.Net;
using System.Net.Sockets;
using AsyncioSharp;
using Xunit;

namespace AsyncioSharp.Tests.LowLevel;

public class DatagramEndpointTests
{
    [Fact]
    public void reuse_address_is_a_type_error_as_in_python_3_11()
    {
        using var loop = new LoopScope();
        var coro = loop.Loop.CreateDatagramEndpoint(() => new DatagramProtocol(), localAddr: ("127.0.0.1", 0), reuseAddress: true);
        var exc = Assert.Throws<TypeError>(() => loop.Loop.RunUntilComplete(coro));
        Assert.Equal("BaseEventLoop.create_datagram_endpoint() got an unexpected keyword argument 'reuse_address'", exc.Message);
    }

    [Fact]
    public void sendto_other_address_on_connected_endpoint_is_a_value_error()
    {
        using var loop = new LoopScope();
        var (tr, _) = loop.Loop.RunUntilComplete(
            loop.Loop.CreateDatagramEndpoint(() => new DatagramCollector(), remoteAddr: ("127.0.0.1", 9)));
        var exc = Assert.Throws<ValueError>(() => tr.Sendto("x"u8, new IPEndPoint(IPAddress.Loopback, 10)));
        Assert.Equal("Invalid address: must be None or ('127.0.0.1', 9)", exc.Message);
        tr.Close();
        loop.Loop.RunUntilComplete(Asyncio.Sleep(0));
    }

    [Fact]
    public void icmp_refusal_on_connected_endpoint_goes_to_error_received()
    {
        using var loop = new LoopScope();
        int port;
        using (var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp))
        {
            probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            port = ((IPEndPoint)probe.LocalEndPoint!).Port;
        }
        var proto = new DatagramCollector();
        var (tr, _) = loop.Loop.RunUntilComplete(
            loop.Loop.CreateDatagramEndpoint(() => proto, remoteAddr: ("127.0.0.1", port)));
        tr.Sendto("ping"u8);
        loop.RunUntil(() => proto.Errors.Count > 0);
        Assert.IsType<ConnectionRefusedError>(Assert.Single(proto.Errors));
        Assert.False(tr.IsClosing());
        tr.Close();
        loop.Loop.RunUntilComplete(Asyncio.Sleep(0));
    }
}
