using System.Net;
using System.Net.Sockets;
using AsyncioSharp;
using Xunit;

namespace AsyncioSharp.Conformance;

/// <summary>The socket tests of CPython's test_events <c>EventLoopTestsMixin</c> (the loop-basics ones are in test_events.cs).</summary>
public partial class EventLoopTestsMixin : LoopTestCase
{
    private void BasetestCreateConnection(IAwaitable<(BaseTransport Transport, BaseProtocol Protocol)> connectionFut, bool checkSockname = true)
    {
        var (tr, pr) = Loop.RunUntilComplete(connectionFut);
        Assert.IsAssignableFrom<Transport>(tr);
        var proto = Assert.IsAssignableFrom<MyProto>(pr);
        Assert.Same(tr, proto.Transport);
        if (checkSockname)
        {
            Assert.NotNull(tr.GetExtraInfo("sockname"));
        }
        Loop.RunUntilComplete(proto.Done!);
        Assert.True(proto.Nbytes > 0);
        tr.Close();
    }

    [Fact]
    public void test_create_connection()
    {
        using var httpd = new TestHttpServer();
        var connFut = Loop.CreateConnection(() => new MyProto(Loop), httpd.Host, httpd.Port);
        BasetestCreateConnection(connFut);
    }

    [Fact]
    public void test_create_connection_local_addr()
    {
        using var httpd = new TestHttpServer();
        var port = SocketHelper.FindUnusedPort();
        var f = Loop.CreateConnection(() => new MyProto(Loop), httpd.Host, httpd.Port, localAddr: (httpd.Host, port));
        var (tr, pr) = Loop.RunUntilComplete(f);
        var expected = ((IPEndPoint)((MyProto)pr).Transport!.GetExtraInfo("sockname")!).Port;
        Assert.Equal(port, expected);
        tr.Close();
        Loop.RunUntilComplete(((MyProto)pr).Done!);
    }

    [Fact]
    public void test_create_connection_local_addr_in_use()
    {
        using var httpd = new TestHttpServer();
        var f = Loop.CreateConnection(() => new MyProto(Loop), httpd.Host, httpd.Port, localAddr: (httpd.Host, httpd.Port));
        var exc = Assert.ThrowsAny<OSError>(() => Loop.RunUntilComplete(f));
        Assert.Equal(98, exc.Errno);
        Assert.Contains($"('{httpd.Host}', {httpd.Port})", exc.Strerror);
    }

    [Fact]
    public void test_create_server()
    {
        var proto = new MyProto(Loop);
        var server = (Server)Loop.RunUntilComplete(Loop.CreateServer(() => proto, "0.0.0.0", 0));
        Assert.Single(server.Sockets);
        var sock = server.Sockets[0];
        var local = (IPEndPoint)sock.LocalEndPoint!;
        Assert.Equal("0.0.0.0", local.Address.ToString());
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        client.Connect(new IPEndPoint(IPAddress.Loopback, local.Port));
        client.Send("xxx"u8);

        Loop.RunUntilComplete(proto.Connected!);
        Assert.Equal("CONNECTED", proto.State);
        RunUntil(() => proto.Nbytes > 0);
        Assert.Equal(3, proto.Nbytes);

        // extra info is available
        Assert.NotNull(proto.Transport!.GetExtraInfo("sockname"));
        Assert.Equal("127.0.0.1", ((IPEndPoint)proto.Transport.GetExtraInfo("peername")!).Address.ToString());

        // close connection
        proto.Transport.Close();
        Loop.RunUntilComplete(proto.Done!);
        Assert.Equal("CLOSED", proto.State);

        // the client socket must be closed after to avoid ECONNRESET upon recv()/send() on the serving socket
        client.Close();
        server.Close();
    }
}
