using System.Net;
using System.Net.Sockets;
using AsyncioSharp;
using AsyncioSharp.Ssl;
using Xunit;

namespace AsyncioSharp.Conformance;

/// <summary>CPython's <c>test_ssl.TestSSL</c>: the tests that run over streams.</summary>
public partial class TestSSL
{
    private const int BUF_MULTIPLIER = 1024;

    /// <summary>CPython's <c>wait_closed(obj)</c>: a writer's wait_closed, a reset by the peer meanwhile being fine.</summary>
    private static async Coroutine WaitClosed(StreamWriter writer)
    {
        try
        {
            await writer.WaitClosed();
        }
        catch (ConnectionError)
        {
        }
    }

    /// <summary>
    /// CPython's <c>run(meth)</c> wrapper of these tests: runs the peer's program and settles the test's current future
    /// with its outcome, from the peer thread.
    /// </summary>
    private Action<TestSocketWrapper> ReportTo(Func<Future> future, Action<TestSocketWrapper> meth) => sock =>
    {
        try
        {
            meth(sock);
        }
        catch (Exception ex)
        {
            Loop.CallSoonThreadsafe(() => future().SetException(ex));
            return;
        }
        Loop.CallSoonThreadsafe(() => future().SetResult(null));
    };

    /// <summary>The server side of test_create_server_ssl_1 and its over-SSL variant: A_DATA in, OK out, B_DATA in, SPAM out.</summary>
    private static async Coroutine AnswerOkSpam(StreamReader reader, StreamWriter writer, byte[] aData, byte[] bData)
    {
        Assert.Equal(aData, await reader.Readexactly(aData.Length));
        writer.Write("OK"u8);
        Assert.Equal(bData, await reader.Readexactly(bData.Length));
        writer.Writelines(new[] { "SP"u8.ToArray(), "A"u8.ToArray(), "M"u8.ToArray() });
        await writer.Drain();
        writer.Close();
    }

    /// <summary>Runs <paramref name="total"/> clients against <paramref name="srv"/> at once, then closes it, as those tests' start_server() does.</summary>
    private async Coroutine RunClients(Server srv, int total, double timeout, Func<EndPoint, Coroutine> testClient)
    {
        try
        {
            Assert.NotEmpty(srv.Sockets);
            var addr = srv.Sockets[0].Getsockname();
            var tasks = Enumerable.Range(0, total).Select(_ => (IAwaitable)testClient(addr)).ToArray();
            await Asyncio.WaitFor(Asyncio.Gather(tasks), timeout);
        }
        finally
        {
            Loop.CallSoon(srv.Close);
            await srv.WaitClosed();
        }
    }

    [Fact]
    public void test_create_connection_ssl_1()
    {
        Loop.SetExceptionHandler(null);
        var cnt = 0;
        const int TOTAL_CNT = 25;
        var aData = Enumerable.Repeat((byte)'A', 1024 * BUF_MULTIPLIER).ToArray();
        var bData = Enumerable.Repeat((byte)'B', 1024 * BUF_MULTIPLIER).ToArray();
        var clientSslctx = CreateClientSslContext();

        void Server(TestSocketWrapper sock)
        {
            sock.StartTls(serverSide: true);
            Assert.Equal(aData, sock.RecvAll(aData.Length));
            sock.SendAll("OK"u8);
            Assert.Equal(bData, sock.RecvAll(bData.Length));
            sock.SendAll("SPAM"u8);
        }

        async Coroutine Exchange(StreamReader reader, StreamWriter writer)
        {
            writer.Write(aData);
            Assert.Equal("OK"u8.ToArray(), await reader.Readexactly(2));
            writer.Write(bData);
            Assert.Equal("SPAM"u8.ToArray(), await reader.Readexactly(4));
            cnt++;
            writer.Close();
            await WaitClosed(writer);
        }

        async Coroutine Client(EndPoint addr)
        {
            var ip = (IPEndPoint)addr;
            var (reader, writer) = await Asyncio.OpenConnection(ip.Address.ToString(), ip.Port, ssl: clientSslctx,
                serverHostname: "", sslHandshakeTimeout: 30.0);
            await Exchange(reader, writer);
        }

        async Coroutine ClientSock(EndPoint addr)
        {
            using var sock = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            sock.Connect(addr);
            var (reader, writer) = await Asyncio.OpenConnection(sock: sock, ssl: clientSslctx, serverHostname: "");
            await Exchange(reader, writer);
        }

        void Run(Func<EndPoint, Coroutine> coro)
        {
            cnt = 0;
            using (var srv = TcpPeerThread.Server(Server, maxClients: TOTAL_CNT))
            {
                var tasks = Enumerable.Range(0, TOTAL_CNT).Select(_ => (IAwaitable)coro(srv.Addr)).ToArray();
                Loop.RunUntilComplete(Asyncio.Gather(tasks));
            }
            Assert.Equal(TOTAL_CNT, cnt);
        }

        Run(Client);
        Run(ClientSock);
    }

    [Fact]
    public void test_create_server_ssl_1()
    {
        var cnt = 0;
        const int TOTAL_CNT = 25;
        const double TIMEOUT = 300.0;
        var aData = Enumerable.Repeat((byte)'A', 1024 * BUF_MULTIPLIER).ToArray();
        var bData = Enumerable.Repeat((byte)'B', 1024 * BUF_MULTIPLIER).ToArray();
        var clients = new List<TcpPeerThread>();

        async Coroutine HandleClient(StreamReader reader, StreamWriter writer)
        {
            await AnswerOkSpam(reader, writer, aData, bData);
            cnt++;
        }

        async Coroutine TestClient(EndPoint addr)
        {
            var fut = Loop.CreateFuture();
            clients.Add(TcpPeerThread.Client(addr, ReportTo(() => fut, sock =>
            {
                sock.StartTls(serverSide: false);
                sock.SendAll(aData);
                Assert.Equal("OK"u8.ToArray(), sock.RecvAll(2));
                sock.SendAll(bData);
                Assert.Equal("SPAM"u8.ToArray(), sock.RecvAll(4));
            })));
            await fut;
        }

        async Coroutine StartServer()
        {
            var srv = (Server)await Asyncio.StartServer(HandleClient, "127.0.0.1", 0, family: AddressFamily.InterNetwork,
                ssl: TlsSupport.ServerContext(), sslHandshakeTimeout: 30.0);
            await RunClients(srv, TOTAL_CNT, TIMEOUT, TestClient);
        }

        Loop.RunUntilComplete(StartServer());
        Assert.Equal(TOTAL_CNT, cnt);
        foreach (var client in clients)
        {
            client.Dispose();
        }
    }

    [Fact]
    public void test_shutdown_cleanly()
    {
        var cnt = 0;
        const int TOTAL_CNT = 25;
        var aData = Enumerable.Repeat((byte)'A', 1024 * BUF_MULTIPLIER).ToArray();
        var clientSslctx = CreateClientSslContext();

        void Server(TestSocketWrapper sock)
        {
            sock.StartTls(serverSide: true);
            Assert.Equal(aData, sock.RecvAll(aData.Length));
            sock.SendAll("OK"u8);
            sock.Unwrap();
        }

        async Coroutine Client(EndPoint addr)
        {
            var ip = (IPEndPoint)addr;
            var (reader, writer) = await Asyncio.OpenConnection(ip.Address.ToString(), ip.Port, ssl: clientSslctx,
                serverHostname: "", sslHandshakeTimeout: 30.0);
            writer.Write(aData);
            Assert.Equal("OK"u8.ToArray(), await reader.Readexactly(2));
            Assert.Empty(await reader.Read());
            cnt++;
            writer.Close();
            await WaitClosed(writer);
        }

        using (var srv = TcpPeerThread.Server(Server, maxClients: TOTAL_CNT))
        {
            var tasks = Enumerable.Range(0, TOTAL_CNT).Select(_ => (IAwaitable)Client(srv.Addr)).ToArray();
            Loop.RunUntilComplete(Asyncio.Gather(tasks));
        }
        Assert.Equal(TOTAL_CNT, cnt);
    }

    [Fact]
    public void test_flush_before_shutdown()
    {
        const int CHUNK = 1024 * 128;
        const int SIZE = 32;
        var clientSslctx = CreateClientSslContext();
        Future? future = null;

        void Server(TestSocketWrapper sock)
        {
            sock.StartTls(serverSide: true);
            Assert.Equal("ping"u8.ToArray(), sock.RecvAll(4));
            sock.SendAll("pong"u8);
            Thread.Sleep(500); // hopefully stuck the TCP buffer
            Assert.Equal(CHUNK * SIZE, sock.RecvAll(CHUNK * SIZE).Length);
        }

        Action<TestSocketWrapper> Run(Action<TestSocketWrapper> meth) => ReportTo(() => future!, meth);

        async Coroutine Client(EndPoint addr)
        {
            future = Loop.CreateFuture();
            var ip = (IPEndPoint)addr;
            var (reader, writer) = await Asyncio.OpenConnection(ip.Address.ToString(), ip.Port, ssl: clientSslctx, serverHostname: "");
            var sslprotocol = ((_SSLProtocolTransport)writer.Transport).Ssl;
            writer.Write("ping"u8);
            Assert.Equal("pong"u8.ToArray(), await reader.Readexactly(4));

            sslprotocol.PauseWriting();
            var chunk = new byte[CHUNK];
            Array.Fill(chunk, (byte)'x');
            for (var i = 0; i < SIZE; i++)
            {
                writer.Write(chunk);
            }
            writer.Close();
            sslprotocol.ResumeWriting();

            await WaitClosed(writer);
            try
            {
                Assert.Empty(await reader.Read());
            }
            catch (ConnectionResetError)
            {
            }
            await future;
        }

        using var srv = TcpPeerThread.Server(Run(Server));
        Loop.RunUntilComplete(Client(srv.Addr));
    }

    [Fact]
    public void test_remote_shutdown_receives_trailing_data()
    {
        const int CHUNK = 1024 * 128;
        const int SIZE = 32;
        var sslctx = TlsSupport.ServerContext();
        var clientSslctx = CreateClientSslContext();
        Future? future = null;

        static byte[] Recv(TestSocketWrapper sock)
        {
            var buf = new byte[16384];
            return buf[..sock.Sock.Receive(buf)];
        }

        void Server(TestSocketWrapper sock)
        {
            var incoming = new MemoryBIO();
            var outgoing = new MemoryBIO();
            var sslobj = sslctx.WrapBio(incoming, outgoing, serverSide: true);
            while (true)
            {
                try
                {
                    sslobj.DoHandshake();
                }
                catch (SSLWantReadError)
                {
                    if (outgoing.Pending > 0)
                    {
                        sock.Sock.Send(outgoing.Read());
                    }
                    incoming.Write(Recv(sock));
                    continue;
                }
                if (outgoing.Pending > 0)
                {
                    sock.Sock.Send(outgoing.Read());
                }
                break;
            }

            byte[] data;
            while (true)
            {
                try
                {
                    data = sslobj.Read(4);
                    break;
                }
                catch (SSLWantReadError)
                {
                    incoming.Write(Recv(sock));
                }
            }
            Assert.Equal("ping"u8.ToArray(), data);
            sslobj.Write("pong"u8.ToArray());
            sock.Sock.Send(outgoing.Read());

            Thread.Sleep(200); // wait for the peer to fill its backlog

            // send close_notify but don't wait for response
            Assert.Throws<SSLWantReadError>(sslobj.Unwrap);
            sock.Sock.Send(outgoing.Read());

            // should receive all data
            var dataLen = 0;
            while (true)
            {
                try
                {
                    dataLen += sslobj.Read(16384).Length;
                }
                catch (SSLWantReadError)
                {
                    incoming.Write(Recv(sock));
                }
                catch (SSLZeroReturnError)
                {
                    break;
                }
            }
            Assert.Equal(CHUNK * SIZE, dataLen);

            // verify that close_notify is received
            sslobj.Unwrap();
        }

        void EofServer(TestSocketWrapper sock)
        {
            sock.StartTls(serverSide: true);
            Assert.Equal("ping"u8.ToArray(), sock.RecvAll(4));
            sock.SendAll("pong"u8);

            Thread.Sleep(200); // wait for the peer to fill its backlog

            // send EOF
            sock.Sock.Shutdown(SocketShutdown.Send);

            // should receive all data
            Assert.Equal(CHUNK * SIZE, sock.RecvAll(CHUNK * SIZE).Length);
        }

        async Coroutine Client(EndPoint addr)
        {
            future = Loop.CreateFuture();
            var ip = (IPEndPoint)addr;
            var (reader, writer) = await Asyncio.OpenConnection(ip.Address.ToString(), ip.Port, ssl: clientSslctx, serverHostname: "");
            writer.Write("ping"u8);
            Assert.Equal("pong"u8.ToArray(), await reader.Readexactly(4));

            // fill write backlog in a hacky way - renegotiation won't help
            for (var i = 0; i < SIZE; i++)
            {
                var chunk = new byte[CHUNK];
                Array.Fill(chunk, (byte)'x');
                ((_SSLProtocolTransport)writer.Transport).TestAppendWriteBacklog(chunk);
            }

            try
            {
                Assert.Empty(await reader.Read());
            }
            catch (Exception exc) when (exc is BrokenPipeError or ConnectionResetError)
            {
            }
            await future;
            writer.Close();
            await WaitClosed(writer);
        }

        Action<TestSocketWrapper> Run(Action<TestSocketWrapper> meth) => ReportTo(() => future!, meth);

        using (var srv = TcpPeerThread.Server(Run(Server)))
        {
            Loop.RunUntilComplete(Client(srv.Addr));
        }
        using (var srv = TcpPeerThread.Server(Run(EofServer)))
        {
            Loop.RunUntilComplete(Client(srv.Addr));
        }
    }

    /// <summary>The ServerProtocol of test_create_server_ssl_over_ssl: upgrades each TLS connection with a second start_tls.</summary>
    private sealed class OverSslServerProtocol : StreamReaderProtocol
    {
        private readonly SSLContext _sslctx;
        private readonly AbstractEventLoop _loop;

        public OverSslServerProtocol(StreamReader reader, Func<StreamReader, StreamWriter, Coroutine?> cb, SSLContext sslctx, AbstractEventLoop loop)
            : base(reader, cb, loop)
        {
            _sslctx = sslctx;
            _loop = loop;
        }

        public override void ConnectionMade(BaseTransport transport)
        {
            ((Transport)transport).PauseReading();
            var fut = _loop.CreateTask(_loop.StartTls(transport, this, _sslctx, serverSide: true));
            fut.AddDoneCallback(_ =>
            {
                BaseTransport tr;
                try
                {
                    tr = (BaseTransport)fut.Result()!;
                }
                catch (Exception ex)
                {
                    base.ConnectionLost(ex);
                    return;
                }
                base.ConnectionMade(tr);
            });
        }
    }

    [Fact]
    public void test_create_server_ssl_over_ssl()
    {
        var cnt = 0;
        const int TOTAL_CNT = 25;
        const double TIMEOUT = 300.0;
        var aData = Enumerable.Repeat((byte)'A', 1024 * BUF_MULTIPLIER).ToArray();
        var bData = Enumerable.Repeat((byte)'B', 1024 * BUF_MULTIPLIER).ToArray();
        var sslctx1 = TlsSupport.ServerContext();
        var sslctx2 = TlsSupport.ServerContext();
        var clientSslctx2 = CreateClientSslContext();
        var clients = new List<TcpPeerThread>();

        async Coroutine HandleClient(StreamReader reader, StreamWriter writer)
        {
            await AnswerOkSpam(reader, writer, aData, bData);
            cnt++;
        }

        async Coroutine TestClient(EndPoint addr)
        {
            var fut = Loop.CreateFuture();
            clients.Add(TcpPeerThread.Client(addr, ReportTo(() => fut, sock =>
            {
                sock.SetTimeout(10); // tcp_client's LOOPBACK_TIMEOUT-style timeout, so a stuck exchange fails
                sock.StartTls(serverSide: false);

                // wrap_socket() doesn't work on an SSLSocket, so the 2nd level of TLS is done by hand
                var incoming = new MemoryBIO();
                var outgoing = new MemoryBIO();
                var sslobj = clientSslctx2.WrapBio(incoming, outgoing);

                T Do<T>(Func<T> func)
                {
                    T rv;
                    while (true)
                    {
                        try
                        {
                            rv = func();
                            break;
                        }
                        catch (SSLWantReadError)
                        {
                            if (outgoing.Pending > 0)
                            {
                                sock.SendAll(outgoing.Read());
                            }
                            incoming.Write(sock.Recv(65536));
                        }
                    }
                    if (outgoing.Pending > 0)
                    {
                        sock.SendAll(outgoing.Read());
                    }
                    return rv;
                }

                Do(() => { sslobj.DoHandshake(); return 0; });
                Do(() => sslobj.Write(aData));
                Assert.Equal("OK"u8.ToArray(), Do(() => sslobj.Read(2)));
                Do(() => sslobj.Write(bData));
                var data = new List<byte>();
                while (true)
                {
                    var chunk = Do(() => sslobj.Read(4));
                    if (chunk.Length == 0)
                    {
                        break;
                    }
                    data.AddRange(chunk);
                }
                Assert.Equal("SPAM"u8.ToArray(), data.ToArray());
                Do(() => { sslobj.Unwrap(); return 0; });
            })));
            await fut;
        }

        async Coroutine StartServer()
        {
            var srv = (Server)await Loop.CreateServer(
                () => new OverSslServerProtocol(new StreamReader(loop: Loop), HandleClient, sslctx2, Loop),
                "127.0.0.1", 0, family: AddressFamily.InterNetwork, ssl: sslctx1);
            await RunClients(srv, TOTAL_CNT, TIMEOUT, TestClient);
        }

        Loop.RunUntilComplete(StartServer());
        Assert.Equal(TOTAL_CNT, cnt);
        foreach (var client in clients)
        {
            client.Dispose();
        }
    }
}
