using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using AsyncioSharp;
using AsyncioSharp.Ssl;
using AsyncioSharp.Tests.Ssl;
using Xunit;

namespace AsyncioSharp.Conformance;

/// <summary>CPython's <c>test_ssl.TestSSL</c>: the tests that need no streams and are not test_sslproto's own.</summary>
public partial class TestSSL : LoopTestCase
{
    static TestSSL() => TlsSupport.Prime();

    private static SSLContext CreateClientSslContext() => TlsSupport.DummyClientContext();

    [Fact]
    public void test_ssl_handshake_timeout()
    {
        CustomExceptionHandler = true;
        var messages = new List<IReadOnlyDictionary<string, object?>>();
        Loop.SetExceptionHandler((_, ctx) => messages.Add(ctx));
        var serverSideAborted = false;
        using (var srv = TcpPeerThread.Server(sock =>
        {
            try
            {
                sock.RecvAll(1024 * 1024);
            }
            catch (ConnectionAbortedError)
            {
                serverSideAborted = true;
            }
        }))
        {
            Assert.Throws<AsyncioSharp.TimeoutError>(() => Loop.RunUntilComplete(Asyncio.WaitFor(
                Loop.CreateConnection(() => new Protocol(), srv.Host, srv.Port, ssl: CreateClientSslContext(), serverHostname: "",
                    sslHandshakeTimeout: 10.0), 0.5)));
        }
        Assert.True(serverSideAborted);
        // Cancelling a handshake must not raise or log anything, even though the handshake failed.
        Assert.Empty(messages);
    }

    private sealed class CountingProto : Protocol
    {
        public bool Made;
        public bool LostCalled;

        public override void ConnectionMade(BaseTransport transport) => Made = true;

        public override void ConnectionLost(Exception? exc) => LostCalled = true;
    }

    [Fact]
    public void test_ssl_handshake_connection_lost()
    {
        // No connection_lost() may come without connection_made() first.
        CustomExceptionHandler = true;
        Loop.SetExceptionHandler((_, _) => { });
        var proto = new CountingProto();
        using (var srv = TcpPeerThread.Server(sock =>
        {
            sock.Sock.Receive(new byte[1024]);
            // break the connection during the handshake
        }))
        {
            Assert.Throws<ConnectionResetError>(() => Loop.RunUntilComplete(
                Loop.CreateConnection(() => proto, srv.Host, srv.Port, ssl: CreateClientSslContext(), serverHostname: "")));
        }
        Assert.False(proto.LostCalled, "unexpected call to connection_lost()");
        Assert.False(proto.Made, "unexpected call to connection_made()");
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private WeakReference HandshakeTimeoutRun(EndPoint addr)
    {
        var ctx = SslModule.CreateDefaultContext();
        var ep = (IPEndPoint)addr;
        try
        {
            Loop.RunUntilComplete(Asyncio.WaitFor(Loop.CreateConnection(() => new Protocol(), ep.Address.ToString(), ep.Port, ssl: ctx), 0.1));
            Assert.Fail("TimeoutError is not raised");
        }
        catch (Exception exc) when (exc is ConnectionRefusedError or AsyncioSharp.TimeoutError)
        {
        }
        return new WeakReference(ctx);
    }


    [Fact]
    public void test_handshake_timeout_handler_leak()
    {
        WeakReference ctx;
        using (var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            s.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            s.Listen(1);
            ctx = HandshakeTimeoutRun(s.LocalEndPoint!);
        }
        RunBriefly();
        // The SSLProtocol, and the context it holds, must be garbage.
        TlsSupport.AssertCollected(ctx);
    }

    private sealed class LostProtocol : Protocol
    {
        public readonly Future Fut;
        public BaseTransport? Transport;
        public byte[]? Extra;

        public LostProtocol(AbstractEventLoop loop) => Fut = loop.CreateFuture();

        public override void ConnectionMade(BaseTransport transport) => Transport = transport;

        public override void DataReceived(ReadOnlySpan<byte> data)
        {
            if (data.SequenceEqual("hello"u8))
            {
                ((Transport)Transport!).Write("world"u8);
                // Paused reading keeps the incoming data in the TLS object.
                ((Transport)Transport!).PauseReading();
            }
            else
            {
                Extra = data.ToArray();
            }
        }

        public override void ConnectionLost(Exception? exc)
        {
            TlsSupport.Settle(Fut, exc);
        }
    }

    private static SslStream WrapServer(TestSocketWrapper sock)
    {
        var ssl = new SslStream(new NetworkStream(sock.Sock, ownsSocket: false));
        ssl.AuthenticateAsServer(X509Certificate2.CreateFromPemFile(TestCerts.ServerCert, TestCerts.ServerKey));
        return ssl;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private WeakReference ShutdownRun(TcpPeerThread srv)
    {
        var ctx = CreateClientSslContext();
        async Coroutine Client()
        {
            var pr = new LostProtocol(Loop);
            var (tr, _) = await Loop.CreateConnection(() => pr, srv.Host, srv.Port, ssl: ctx);
            tr.Close();
            await pr.Fut;
        }
        Loop.RunUntilComplete(Client());
        return new WeakReference(ctx);
    }

    [Fact]
    public void test_shutdown_timeout_handler_leak()
    {
        WeakReference ctx;
        using (var srv = TcpPeerThread.Server(sock =>
        {
            using var ssl = WrapServer(sock);
            try
            {
                ssl.Read(new byte[32]);
            }
            catch (IOException)
            {
            }
        }))
        {
            ctx = ShutdownRun(srv);
        }
        RunBriefly();
        TlsSupport.AssertCollected(ctx);
    }

    [Fact]
    public void test_shutdown_timeout_handler_not_set()
    {
        var eof = Loop.CreateFuture();
        using var srv = TcpPeerThread.Server(sock =>
        {
            using var ssl = WrapServer(sock);
            ssl.Write("hello"u8);
            var buf = new byte[1024];
            var n = ssl.Read(buf);
            Assert.Equal("world"u8.ToArray(), buf[..n]);
            ssl.Write("extra bytes"u8);
            // sending EOF here
            sock.Sock.Shutdown(SocketShutdown.Send);
            Loop.CallSoonThreadsafe(() => eof.SetResult(null));
            Assert.Equal(0, ssl.Read(buf));
        });

        async Coroutine Client()
        {
            var pr = new LostProtocol(Loop);
            var (tr, _) = await Loop.CreateConnection(() => pr, srv.Host, srv.Port, ssl: CreateClientSslContext());
            await eof;
            ((Transport)tr).ResumeReading();
            await pr.Fut;
            tr.Close();
            Assert.Equal("extra bytes"u8.ToArray(), pr.Extra);
        }
        Loop.RunUntilComplete(Asyncio.WaitFor(Client(), 30));
    }
}
