using System.Net;
using System.Net.Sockets;
using AsyncioSharp;
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
}
