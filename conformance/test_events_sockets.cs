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
        var local = (IPEndPoint)sock.Getsockname();
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

public partial class EventLoopTestsMixin
{
    [Fact]
    public void test_connect_accepted_socket()
    {
        using var lsock = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        lsock.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        lsock.Listen(1);
        var addr = lsock.LocalEndPoint!;
        var message = "test data"u8.ToArray();
        byte[]? response = null;
        var thread = new Thread(() =>
        {
            using var csock = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            csock.Connect(addr);
            csock.Send(message);
            var buf = new byte[99];
            var n = csock.Receive(buf);
            response = buf[..n];
        });
        thread.Start();

        var conn = lsock.Accept();
        var proto = new RogerProto(Loop);
        Loop.RunUntilComplete(Loop.ConnectAcceptedSocket(() => proto, conn));
        Loop.RunForever();
        proto.Transport!.Close();
        thread.Join();
        Assert.Equal("CLOSED", proto.State);
        Assert.Equal(message.Length, proto.Nbytes);
        Assert.Equal("roger"u8.ToArray(), response);
    }

    [Fact]
    public void test_connect_accepted_socket_ssl_timeout_for_plain_socket()
    {
        using var sock = new Socket(SocketType.Stream, ProtocolType.Tcp);
        var exc = Assert.Throws<ValueError>(() => Loop.RunUntilComplete(
            Loop.ConnectAcceptedSocket(() => new MyProto(), sock, sslHandshakeTimeout: 60)));
        Assert.Equal("ssl_handshake_timeout is only meaningful with ssl", exc.Message);
    }

    private void CreateServerMultipleHosts(AddressFamily family, string[] hosts)
    {
        // CPython mocks the socket module; here each host is a real loopback address of the family.
        var server = (Server)Loop.RunUntilComplete(Loop.CreateServer(() => new MyProto(Loop), hosts, 0));
        try
        {
            var serverHosts = server.Sockets.Select(s => ((IPEndPoint)s.Getsockname()).Address.ToString()).ToHashSet();
            Assert.Equal(hosts.ToHashSet(), serverHosts);
            Assert.All(server.Sockets, s => Assert.Equal(family, s.Family));
        }
        finally
        {
            server.Close();
        }
    }

    [Fact]
    public void test_create_server_multiple_hosts_ipv4()
    {
        CreateServerMultipleHosts(AddressFamily.InterNetwork, new[] { "127.0.0.2", "127.0.0.3", "127.0.0.2" });
    }

    [Fact]
    public void test_create_server_multiple_hosts_ipv6()
    {
        CreateServerMultipleHosts(AddressFamily.InterNetworkV6, new[] { "::1", "::1" });
    }

    private static bool ReusePortSet(TransportSocket sock) => sock.Getsockopt(1, 15) != 0;

    [Fact]
    public void test_create_server_reuse_port()
    {
        var server = (Server)Loop.RunUntilComplete(Loop.CreateServer(() => new MyProto(Loop), "0.0.0.0", 0));
        Assert.Single(server.Sockets);
        Assert.False(ReusePortSet(server.Sockets[0]));
        server.Close();
        RunBriefly();

        server = (Server)Loop.RunUntilComplete(Loop.CreateServer(() => new MyProto(Loop), "0.0.0.0", 0, reusePort: true));
        Assert.Single(server.Sockets);
        Assert.True(ReusePortSet(server.Sockets[0]));
        server.Close();
    }

    private static Socket CreateServerSocket(string host)
    {
        var sock = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        sock.SetRawSocketOption(1, 2, BitConverter.GetBytes(1));
        sock.Bind(new IPEndPoint(IPAddress.Parse(host), 0));
        sock.Listen();
        return sock;
    }

    [Fact]
    public void test_create_server_sock()
    {
        var proto = Loop.CreateFuture<MyProto>();
        var sockOb = CreateServerSocket("0.0.0.0");
        var server = (Server)Loop.RunUntilComplete(Loop.CreateServer(() => new ConnectedProto(Loop, proto), sock: sockOb));
        var sock = server.Sockets[0];
        Assert.Equal((int)sockOb.Handle, sock.Fileno());
        var local = (IPEndPoint)sock.Getsockname();
        Assert.Equal("0.0.0.0", local.Address.ToString());
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        client.Connect(new IPEndPoint(IPAddress.Loopback, local.Port));
        client.Send("xxx"u8);
        client.Close();
        var accepted = Loop.RunUntilComplete(proto);
        Loop.RunUntilComplete(accepted.Done!);
        server.Close();
    }

    [Fact]
    public void test_create_server_addr_in_use()
    {
        var sockOb = CreateServerSocket("0.0.0.0");
        var server = (Server)Loop.RunUntilComplete(Loop.CreateServer(() => new MyProto(Loop), sock: sockOb));
        var local = (IPEndPoint)server.Sockets[0].Getsockname();
        var exc = Assert.ThrowsAny<OSError>(() => Loop.RunUntilComplete(
            Loop.CreateServer(() => new MyProto(Loop), local.Address.ToString(), local.Port)));
        Assert.Equal(98, exc.Errno);
        server.Close();
    }

    [Fact]
    public void test_create_server_dual_stack()
    {
        var fProto = Loop.CreateFuture<MyProto>();
        Server server;
        int port;
        var tryCount = 0;
        while (true)
        {
            try
            {
                port = SocketHelper.FindUnusedPort();
                server = (Server)Loop.RunUntilComplete(Loop.CreateServer(() => new ConnectedProto(Loop, fProto), host: null, port: port));
                break;
            }
            catch (OSError ex) when (ex.Errno == 98)
            {
                tryCount++;
                Assert.True(tryCount <= 5);
            }
        }
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        client.Connect(new IPEndPoint(IPAddress.Loopback, port));
        client.Send("xxx"u8);
        var proto = Loop.RunUntilComplete(fProto);
        proto.Transport!.Close();
        client.Close();
        Loop.RunUntilComplete(proto.Done!);

        fProto = Loop.CreateFuture<MyProto>();
        client = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp);
        client.Connect(new IPEndPoint(IPAddress.IPv6Loopback, port));
        client.Send("xxx"u8);
        proto = Loop.RunUntilComplete(fProto);
        proto.Transport!.Close();
        client.Close();
        Loop.RunUntilComplete(proto.Done!);

        server.Close();
    }

    [Fact]
    public void test_server_close()
    {
        var server = (Server)Loop.RunUntilComplete(Loop.CreateServer(() => new MyProto(Loop), "0.0.0.0", 0));
        var port = ((IPEndPoint)server.Sockets[0].Getsockname()).Port;

        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        client.Connect(new IPEndPoint(IPAddress.Loopback, port));
        client.Send("xxx"u8);
        client.Close();

        server.Close();

        client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var exc = Assert.Throws<SocketException>(() => client.Connect(new IPEndPoint(IPAddress.Loopback, port)));
        Assert.Equal(SocketError.ConnectionRefused, exc.SocketErrorCode);
        client.Close();
    }
}

internal sealed class RogerProto : MyBaseProto
{
    private readonly AbstractEventLoop _loop;

    public RogerProto(AbstractEventLoop loop) : base(loop) => _loop = loop;

    public override void ConnectionLost(Exception? exc)
    {
        base.ConnectionLost(exc);
        _loop.CallSoon(_loop.Stop);
    }

    public override void DataReceived(ReadOnlySpan<byte> data)
    {
        base.DataReceived(data);
        ((Transport)Transport!).Write("roger"u8);
    }
}

internal sealed class ConnectedProto : MyProto
{
    private readonly Future<MyProto> _made;

    public ConnectedProto(AbstractEventLoop loop, Future<MyProto> made) : base(loop) => _made = made;

    public override void ConnectionMade(BaseTransport transport)
    {
        base.ConnectionMade(transport);
        _made.SetResult(this);
    }
}

public partial class EventLoopTestsMixin
{
    /// <summary>CPython replaces self.loop.getaddrinfo; here a hooked loop does, for the one test.</summary>
    private OSError WithLocalAddrAnswer(List<AddrInfo> localAnswer)
    {
        var loop = new HookedSelectorLoop();
        try
        {
            var port1 = SocketHelper.FindUnusedPort();
            var port2 = SocketHelper.FindUnusedPort();
            loop.GetaddrinfoHook = (host, port) => port is int p && p == port2
                ? HookedSelectorLoop.Result(localAnswer)
                : HookedSelectorLoop.Result(new() { HookedSelectorLoop.Inet("127.0.0.1", port1) });
            return Assert.ThrowsAny<OSError>(() => loop.RunUntilComplete(loop.CreateConnection(
                () => new MyProto(loop), "localhost", port1, localAddr: ("localhost", port2))));
        }
        finally
        {
            loop.Close();
        }
    }

    [Fact]
    public void test_create_connection_local_addr_skip_different_family()
    {
        WithLocalAddrAnswer(new()
        {
            new AddrInfo(AddressFamily.InterNetworkV6, SocketType.Stream, 0, "", new IPEndPoint(IPAddress.IPv6Loopback, 0)),
            new AddrInfo(AddressFamily.InterNetwork, SocketType.Stream, 0, "", new IPEndPoint(IPAddress.Loopback, 0)),
        });
    }

    [Fact]
    public void test_create_connection_local_addr_nomatch_family()
    {
        var exc = WithLocalAddrAnswer(new()
        {
            new AddrInfo(AddressFamily.InterNetworkV6, SocketType.Stream, 0, "", new IPEndPoint(IPAddress.IPv6Loopback, 0)),
        });
        Assert.Equal("no matching local address with family=<AddressFamily.AF_INET: 2> found", exc.Message);
    }
}

/// <summary>CPython's test_events <c>TestServer</c>.</summary>
public class TestServer : LoopTestCase
{
    [Fact]
    public void test_get_loop()
    {
        var proto = new MyProto(Loop);
        var server = Loop.RunUntilComplete(Loop.CreateServer(() => proto, "0.0.0.0", 0));
        Assert.Same(Loop, server.GetLoop());
        server.Close();
        Loop.RunUntilComplete(server.WaitClosed());
    }
}
