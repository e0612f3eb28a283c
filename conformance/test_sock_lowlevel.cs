using System.Net;
using System.Net.Sockets;
using System.Text;
using AsyncioSharp;
using Xunit;

namespace AsyncioSharp.Conformance;

/// <summary>
/// CPython's <c>test_sock_lowlevel.BaseSockTestsMixin</c>, run on the epoll selector loop (CPython's
/// <c>EPollEventLoopTests</c>; the kqueue/poll/select variants have no counterpart here).
/// </summary>
public class BaseSockTestsMixin : LoopTestCase
{
    private static Socket TcpSocket() => new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

    private static byte[] Ascii(string s) => Encoding.ASCII.GetBytes(s);

    private static bool StartsWith(ReadOnlySpan<byte> data, string prefix) => data.StartsWith(Ascii(prefix));

    private void BasetestSockClientOps(TestHttpServer httpd, Socket sock)
    {
        // In debug mode, socket operations must fail if the socket is not in non-blocking mode.
        Loop.SetDebug(true);
        sock.Blocking = true;
        Assert.Throws<ValueError>(() => Loop.RunUntilComplete(Loop.SockConnect(sock, httpd.Address)));
        Assert.Throws<ValueError>(() => Loop.RunUntilComplete(Loop.SockSendall(sock, Ascii("GET / HTTP/1.0\r\n\r\n"))));
        Assert.Throws<ValueError>(() => Loop.RunUntilComplete(Loop.SockRecv(sock, 1024)));
        Assert.Throws<ValueError>(() => Loop.RunUntilComplete(Loop.SockRecvInto(sock, new byte[0])));
        Assert.Throws<ValueError>(() => Loop.RunUntilComplete(Loop.SockAccept(sock)));

        // Test in non-blocking mode.
        sock.Blocking = false;
        Loop.RunUntilComplete(Loop.SockConnect(sock, httpd.Address));
        Loop.RunUntilComplete(Loop.SockSendall(sock, Ascii("GET / HTTP/1.0\r\n\r\n")));
        var data = Loop.RunUntilComplete(Loop.SockRecv(sock, 1024));
        // Consume data.
        Loop.RunUntilComplete(Loop.SockRecv(sock, 1024));
        sock.Close();
        Assert.True(StartsWith(data, "HTTP/1.0 200 OK"));
    }

    private void BasetestSockRecvInto(TestHttpServer httpd, Socket sock)
    {
        // Same as BasetestSockClientOps, but using sock_recv_into.
        sock.Blocking = false;
        Loop.RunUntilComplete(Loop.SockConnect(sock, httpd.Address));
        Loop.RunUntilComplete(Loop.SockSendall(sock, Ascii("GET / HTTP/1.0\r\n\r\n")));
        var data = new byte[1024];
        var nbytes = Loop.RunUntilComplete(Loop.SockRecvInto(sock, data.AsMemory(0, 1024)));
        // Consume data.
        Loop.RunUntilComplete(Loop.SockRecvInto(sock, data.AsMemory(nbytes)));
        sock.Close();
        Assert.True(StartsWith(data, "HTTP/1.0 200 OK"));
    }

    [Fact]
    public void test_sock_client_ops()
    {
        using var httpd = TestHttpServer.Run();
        BasetestSockClientOps(httpd, TcpSocket());
        BasetestSockRecvInto(httpd, TcpSocket());
    }

    private async Coroutine BasetestSockRecvRacing(TestHttpServer httpd, Socket sock)
    {
        sock.Blocking = false;
        await Loop.SockConnect(sock, httpd.Address);

        var task = Asyncio.CreateTask(Loop.SockRecv(sock, 1024));
        await Asyncio.Sleep(0);
        task.Cancel();

        _ = Asyncio.CreateTask(Loop.SockSendall(sock, Ascii("GET / HTTP/1.0\r\n\r\n")));
        var data = await Loop.SockRecv(sock, 1024);
        // Consume data.
        await Loop.SockRecv(sock, 1024);

        Assert.True(StartsWith(data, "HTTP/1.0 200 OK"));
    }

    private async Coroutine BasetestSockRecvIntoRacing(TestHttpServer httpd, Socket sock)
    {
        sock.Blocking = false;
        await Loop.SockConnect(sock, httpd.Address);

        var data = new byte[1024];
        var first = Asyncio.CreateTask(Loop.SockRecvInto(sock, data.AsMemory(0, 1024)));
        await Asyncio.Sleep(0);
        first.Cancel();

        var task = Asyncio.CreateTask(Loop.SockSendall(sock, Ascii("GET / HTTP/1.0\r\n\r\n")));
        var nbytes = await Loop.SockRecvInto(sock, data.AsMemory(0, 1024));
        // Consume data.
        await Loop.SockRecvInto(sock, data.AsMemory(nbytes));
        Assert.True(StartsWith(data, "HTTP/1.0 200 OK"));

        await task;
    }

    private async Coroutine BasetestSockSendRacing(Socket listener, Socket sock)
    {
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);

        // Make connection.
        sock.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.SendBuffer, 1024);
        sock.Blocking = false;
        var task = Asyncio.CreateTask(Loop.SockConnect(sock, listener.LocalEndPoint!));
        await Asyncio.Sleep(0);
        using var server = listener.Accept();
        server.Blocking = false;

        await task;

        // Fill the buffer until sending 5 chars would block.
        var size = 8192;
        while (size >= 4)
        {
            var spaces = Enumerable.Repeat((byte)' ', size).ToArray();
            var ex = Assert.Throws<SocketException>((Action)(() =>
            {
                while (true)
                {
                    sock.Send(spaces);
                }
            }));
            Assert.Equal(SocketError.WouldBlock, ex.SocketErrorCode);
            size /= 2;
        }

        // Cancel a blocked sock_sendall.
        var blocked = Asyncio.CreateTask(Loop.SockSendall(sock, Ascii("hello")));
        await Asyncio.Sleep(0);
        blocked.Cancel();

        // Receive everything that is not a space.
        async Coroutine<string> RecvAll()
        {
            var rv = new StringBuilder();
            while (true)
            {
                var buf = await Loop.SockRecv(server, 8192);
                if (buf.Length == 0)
                {
                    return rv.ToString();
                }
                rv.Append(Encoding.ASCII.GetString(buf).Trim());
            }
        }
        var recv = Asyncio.CreateTask(RecvAll());

        // Immediately make another sock_sendall call.
        await Loop.SockSendall(sock, Ascii("world"));
        sock.Shutdown(SocketShutdown.Send);
        var data = await recv;
        Assert.EndsWith("world", data);
    }

    // After the first connect attempt before the listener is ready, the socket needs time to "recover" to make
    // the next connect call; on Linux, a second retry will do.
    private async Coroutine BasetestSockConnectRacing(Socket listener, Socket sock)
    {
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var addr = listener.LocalEndPoint!;
        sock.Blocking = false;

        var task = Asyncio.CreateTask(Loop.SockConnect(sock, addr));
        await Asyncio.Sleep(0);
        task.Cancel();

        listener.Listen(1);

        Exception? skipReason = null;
        for (var i = 0; i < 128; i++)
        {
            try
            {
                await Loop.SockConnect(sock, addr);
                return;
            }
            catch (ConnectionRefusedError e)
            {
                skipReason = e;
            }
            catch (OSError e)
            {
                skipReason = e;
                break;
            }
        }
        Assert.Fail($"Max retries reached: {skipReason}");
    }

    [Fact]
    public void test_sock_client_racing()
    {
        using (var httpd = TestHttpServer.Run())
        {
            using (var sock = TcpSocket())
            {
                Loop.RunUntilComplete(Asyncio.WaitFor(BasetestSockRecvRacing(httpd, sock), 10));
            }
            using (var sock = TcpSocket())
            {
                Loop.RunUntilComplete(Asyncio.WaitFor(BasetestSockRecvIntoRacing(httpd, sock), 10));
            }
        }
        using var listener = TcpSocket();
        using var sock2 = TcpSocket();
        Loop.RunUntilComplete(Asyncio.WaitFor(BasetestSockSendRacing(listener, sock2), 10));
    }

    [Fact]
    public void test_sock_client_connect_racing()
    {
        using var listener = TcpSocket();
        using var sock = TcpSocket();
        Loop.RunUntilComplete(Asyncio.WaitFor(BasetestSockConnectRacing(listener, sock), 10));
    }

    private static byte[] HugeRequestHeader(int size) => Ascii($"POST /loop HTTP/1.0\r\nContent-Length: {size}\r\n\r\n");

    private static void CheckCycle(ReadOnlySpan<byte> data, ref long position)
    {
        for (var i = 0; i < data.Length; i++, position++)
        {
            Assert.Equal((byte)('0' + position % 10), data[i]);
        }
    }

    private async Coroutine BasetestHugeContent(EndPoint address)
    {
        using var sock = TcpSocket();
        sock.Blocking = false;
        const int DATA_SIZE = 10_000_00;
        var chunk = Enumerable.Range(0, DATA_SIZE).Select(i => (byte)('0' + i % 10)).ToArray();

        await Loop.SockConnect(sock, address);
        await Loop.SockSendall(sock, HugeRequestHeader(DATA_SIZE));

        var task = Asyncio.CreateTask(Loop.SockSendall(sock, chunk));

        var data = await Loop.SockRecv(sock, DATA_SIZE);
        // HTTP headers size is less than MTU, they are sent by the first packet always.
        Assert.True(StartsWith(data, "HTTP/1.0 200 OK"));
        while (data.AsSpan().IndexOf("\r\n\r\n"u8) == -1)
        {
            data = [.. data, .. await Loop.SockRecv(sock, DATA_SIZE)];
        }
        // Strip headers.
        var body = data.AsSpan(data.AsSpan().IndexOf("\r\n\r\n"u8) + 4).ToArray();
        long position = 0;
        CheckCycle(body, ref position);
        while (true)
        {
            data = await Loop.SockRecv(sock, DATA_SIZE);
            if (data.Length == 0)
            {
                break;
            }
            CheckCycle(data, ref position);
        }
        Assert.Equal(DATA_SIZE, position);

        await task;
    }

    [Fact]
    public void test_huge_content()
    {
        using var httpd = TestHttpServer.Run();
        Loop.RunUntilComplete(BasetestHugeContent(httpd.Address));
    }

    private async Coroutine BasetestHugeContentRecvinto(EndPoint address)
    {
        using var sock = TcpSocket();
        sock.Blocking = false;
        const int DATA_SIZE = 10_000_00;
        var chunk = Enumerable.Range(0, DATA_SIZE).Select(i => (byte)('0' + i % 10)).ToArray();

        await Loop.SockConnect(sock, address);
        await Loop.SockSendall(sock, HugeRequestHeader(DATA_SIZE));

        var task = Asyncio.CreateTask(Loop.SockSendall(sock, chunk));

        var buf = new byte[DATA_SIZE];
        var nbytes = await Loop.SockRecvInto(sock, buf);
        var data = buf.AsSpan(0, nbytes).ToArray();
        // HTTP headers size is less than MTU, they are sent by the first packet always.
        Assert.True(StartsWith(data, "HTTP/1.0 200 OK"));
        while (data.AsSpan().IndexOf("\r\n\r\n"u8) == -1)
        {
            nbytes = await Loop.SockRecvInto(sock, buf);
            data = [.. data, .. buf.AsSpan(0, nbytes)];
        }
        // Strip headers.
        var body = data.AsSpan(data.AsSpan().IndexOf("\r\n\r\n"u8) + 4).ToArray();
        long position = 0;
        CheckCycle(body, ref position);
        while (true)
        {
            nbytes = await Loop.SockRecvInto(sock, buf);
            if (nbytes == 0)
            {
                break;
            }
            CheckCycle(buf.AsSpan(0, nbytes), ref position);
        }
        Assert.Equal(DATA_SIZE, position);

        await task;
    }

    [Fact]
    public void test_huge_content_recvinto()
    {
        using var httpd = TestHttpServer.Run();
        Loop.RunUntilComplete(BasetestHugeContentRecvinto(httpd.Address));
    }

    private async Coroutine BasetestDatagramRecvfrom(EndPoint serverAddress)
    {
        // Happy path, sock.sendto() returns immediately.
        var data = Enumerable.Repeat((byte)1, 4096).ToArray();
        using var sock = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        sock.Blocking = false;
        await Loop.SockSendto(sock, data, serverAddress);
        var (receivedData, fromAddr) = await Loop.SockRecvfrom(sock, 4096);
        Assert.Equal(data, receivedData);
        Assert.Equal(serverAddress, fromAddr);
    }

    [Fact]
    public void test_recvfrom()
    {
        using var server = new UdpEchoServer();
        Loop.RunUntilComplete(BasetestDatagramRecvfrom(server.Address));
    }

    private async Coroutine BasetestDatagramRecvfromInto(EndPoint serverAddress)
    {
        // Happy path, sock.sendto() returns immediately.
        using var sock = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        sock.Blocking = false;

        var buf = new byte[4096];
        var data = Enumerable.Repeat((byte)1, 4096).ToArray();
        await Loop.SockSendto(sock, data, serverAddress);
        var (numBytes, fromAddr) = await Loop.SockRecvfromInto(sock, buf);
        Assert.Equal(4096, numBytes);
        Assert.Equal(data, buf);
        Assert.Equal(serverAddress, fromAddr);

        buf = new byte[8192];
        await Loop.SockSendto(sock, data, serverAddress);
        (numBytes, fromAddr) = await Loop.SockRecvfromInto(sock, buf, 4096);
        Assert.Equal(4096, numBytes);
        Assert.Equal(data, buf[..4096]);
        Assert.Equal(serverAddress, fromAddr);
    }

    [Fact]
    public void test_recvfrom_into()
    {
        using var server = new UdpEchoServer();
        Loop.RunUntilComplete(BasetestDatagramRecvfromInto(server.Address));
    }

    [Fact]
    public void test_unix_sock_client_ops()
    {
        using var httpd = TestHttpServer.RunUnix();
        BasetestSockClientOps(httpd, new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified));
        BasetestSockRecvInto(httpd, new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified));
    }

    [Fact]
    public void test_sock_client_fail()
    {
        // Make sure that we will get an unused port.
        EndPoint address;
        using (var s = TcpSocket())
        {
            s.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            address = s.LocalEndPoint!;
        }

        using var sock = TcpSocket();
        sock.Blocking = false;
        Assert.Throws<ConnectionRefusedError>(() => Loop.RunUntilComplete(Loop.SockConnect(sock, address)));
    }

    [Fact]
    public void test_sock_accept()
    {
        using var listener = TcpSocket();
        listener.Blocking = false;
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        using var client = TcpSocket();
        client.Connect(listener.LocalEndPoint!);

        var (conn, addr) = Loop.RunUntilComplete(Loop.SockAccept(listener));
        using (conn)
        {
            Assert.False(conn.Blocking);
            Assert.Equal(client.LocalEndPoint, addr);
            Assert.Equal(listener.LocalEndPoint, client.RemoteEndPoint);
        }
    }

    [Fact]
    public void test_cancel_sock_accept()
    {
        var listener = TcpSocket();
        listener.Blocking = false;
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var sockaddr = listener.LocalEndPoint!;
        Assert.Throws<AsyncioSharp.TimeoutError>(() => Loop.RunUntilComplete(Asyncio.WaitFor(Loop.SockAccept(listener), 0.1)));

        listener.Close();
        using var client = TcpSocket();
        client.Blocking = false;
        Assert.Throws<ConnectionRefusedError>(() => Loop.RunUntilComplete(Loop.SockConnect(client, sockaddr)));
    }

    [Fact]
    public void test_create_connection_sock()
    {
        using var httpd = TestHttpServer.Run();
        Socket? sock = null;
        var address = (IPEndPoint)httpd.Address;
        var infos = Loop.RunUntilComplete(Loop.Getaddrinfo(address.Address.ToString(), address.Port, type: SocketType.Stream));
        foreach (var info in infos)
        {
            try
            {
                sock = new Socket(info.Family, info.Type, info.Proto);
                sock.Blocking = false;
                Loop.RunUntilComplete(Loop.SockConnect(sock, info.Sockaddr));
                break;
            }
            catch (Exception)
            {
                sock?.Dispose();
                sock = null;
            }
        }
        Assert.True(sock is not null, "Can not create socket.");

        var (tr, pr) = Loop.RunUntilComplete(Loop.CreateConnection(() => new MyProto(Loop), sock: sock));
        Assert.IsAssignableFrom<Transport>(tr);
        var proto = Assert.IsType<MyProto>(pr);
        Loop.RunUntilComplete(proto.Done!);
        Assert.True(proto.Nbytes > 0);
        tr.Close();
    }
}
