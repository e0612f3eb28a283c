using System.Net;
using System.Net.Sockets;
using AsyncioSharp;
using Xunit;

namespace AsyncioSharp.Conformance;

/// <summary>
/// The datagram, unix socket, pipe and signal tests of CPython's <c>test_events.EventLoopTestsMixin</c>
/// (the socket tests are in test_events_sockets.cs), run on the epoll selector loop.
/// </summary>
public partial class EventLoopTestsMixin : LoopTestCase
{
    private void TestCreateDatagramEndpoint((string Host, int Port) localAddr, AddressFamily family)
    {
        var (sTransport, server) = Loop.RunUntilComplete(
            Loop.CreateDatagramEndpoint(() => new TestMyDatagramProto(Loop), localAddr: localAddr, family: family));
        var sockname = (IPEndPoint)sTransport.GetExtraInfo("sockname")!;
        var (host, port) = (sockname.Address.ToString(), sockname.Port);

        Assert.IsAssignableFrom<DatagramTransport>(sTransport);
        var serverProto = Assert.IsType<TestMyDatagramProto>(server);
        Assert.Equal("INITIALIZED", serverProto.State);
        Assert.Same(sTransport, serverProto.Transport);

        var (transport, client) = Loop.RunUntilComplete(
            Loop.CreateDatagramEndpoint(() => new MyDatagramProto(Loop), remoteAddr: (host, port)));

        Assert.IsAssignableFrom<DatagramTransport>(transport);
        var clientProto = Assert.IsType<MyDatagramProto>(client);
        Assert.Equal("INITIALIZED", clientProto.State);
        Assert.Same(transport, clientProto.Transport);

        transport.Sendto("xxx"u8);
        RunUntil(() => serverProto.Nbytes > 0);
        Assert.Equal(3, serverProto.Nbytes);
        RunUntil(() => clientProto.Nbytes > 0);

        // Received.
        Assert.Equal(8, clientProto.Nbytes);

        // Extra info is available.
        Assert.NotNull(transport.GetExtraInfo("sockname"));

        // Close connection.
        transport.Close();
        Loop.RunUntilComplete(clientProto.Done!);
        Assert.Equal("CLOSED", clientProto.State);
        serverProto.Transport!.Close();
        Loop.RunUntilComplete(serverProto.Done!);
    }

    [Fact]
    public void test_create_datagram_endpoint()
    {
        TestCreateDatagramEndpoint(("127.0.0.1", 0), AddressFamily.InterNetwork);
    }

    [Fact]
    public void test_create_datagram_endpoint_ipv6()
    {
        TestCreateDatagramEndpoint(("::1", 0), AddressFamily.InterNetworkV6);
    }

    [Fact]
    public void test_create_datagram_endpoint_sock()
    {
        var sock = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        sock.Blocking = false;
        sock.Bind(new IPEndPoint(IPAddress.Loopback, 0));

        var (tr, pr) = Loop.RunUntilComplete(Loop.CreateDatagramEndpoint(() => new MyDatagramProto(Loop), sock: sock));
        Assert.IsAssignableFrom<DatagramTransport>(tr);
        var proto = Assert.IsType<MyDatagramProto>(pr);
        tr.Close();
        Loop.RunUntilComplete(proto.Done!);
    }

    /// <summary>CPython's <c>test_events.MyDatagramProto</c>: checks the order of the datagram callbacks.</summary>
    public class MyDatagramProto : DatagramProtocol
    {
        public MyDatagramProto(AbstractEventLoop? loop = null)
        {
            if (loop is not null)
            {
                Done = loop.CreateFuture();
            }
        }

        public string State { get; private set; } = "INITIAL";
        public int Nbytes { get; private set; }
        public Future? Done { get; }
        public DatagramTransport? Transport { get; private set; }

        private void AssertState(string expected) => Assert.True(State == expected, $"state: '{State}', expected: '{expected}'");

        public override void ConnectionMade(BaseTransport transport)
        {
            Transport = (DatagramTransport)transport;
            AssertState("INITIAL");
            State = "INITIALIZED";
        }

        public override void DatagramReceived(ReadOnlySpan<byte> data, EndPoint addr)
        {
            AssertState("INITIALIZED");
            Nbytes += data.Length;
        }

        public override void ErrorReceived(Exception exc) => AssertState("INITIALIZED");

        public override void ConnectionLost(Exception? exc)
        {
            AssertState("INITIALIZED");
            State = "CLOSED";
            Done?.SetResult(null);
        }
    }

    /// <summary>The echoing server protocol of CPython's <c>_test_create_datagram_endpoint</c>.</summary>
    public class TestMyDatagramProto : MyDatagramProto
    {
        public TestMyDatagramProto(AbstractEventLoop loop) : base(loop) { }

        public override void DatagramReceived(ReadOnlySpan<byte> data, EndPoint addr)
        {
            base.DatagramReceived(data, addr);
            Transport!.Sendto([.. "resp:"u8, .. data], addr);
        }
    }
}
