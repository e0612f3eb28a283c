using AsyncioSharp;
using AsyncioSharp.Ssl;
using Xunit;

namespace AsyncioSharp.Conformance;

/// <summary>CPython's <c>test_sslproto.SslProtoHandshakeTests</c>, with a recording transport where CPython uses mocks.</summary>
public class SslProtoHandshakeTests : LoopTestCase
{
    private readonly List<Action> _cleanups = new();

    static SslProtoHandshakeTests() => TlsSupport.Prime();

    private static SSLContext DummySslContext() => TlsSupport.DummyClientContext();

    private SSLProtocol SslProtocol(Future? waiter = null, BaseProtocol? proto = null)
    {
        proto ??= new Protocol();
        var sslProto = new SSLProtocol(Loop, proto, DummySslContext(), waiter, sslHandshakeTimeout: 0.1);
        Assert.Same(proto, sslProto.GetAppTransport().GetProtocol());
        var appTransport = sslProto.GetAppTransport();
        _cleanups.Add(appTransport.Close);
        return sslProto;
    }

    private static RecordingTransport ConnectionMade(SSLProtocol sslProto)
    {
        var transport = new RecordingTransport();
        sslProto.ConnectionMade(transport);
        return transport;
    }

    public override void Dispose()
    {
        foreach (var cleanup in _cleanups)
        {
            cleanup();
        }
        base.Dispose();
    }

    [Fact]
    public void test_handshake_timeout_zero()
    {
        var e = Assert.Throws<ValueError>(() => new SSLProtocol(Loop, new Protocol(), DummySslContext(), null, sslHandshakeTimeout: 0));
        Assert.Contains("a positive number", e.Message);
    }

    [Fact]
    public void test_handshake_timeout_negative()
    {
        var e = Assert.Throws<ValueError>(() => new SSLProtocol(Loop, new Protocol(), DummySslContext(), null, sslHandshakeTimeout: -10));
        Assert.Contains("a positive number", e.Message);
    }

    [Fact]
    public void test_eof_received_waiter()
    {
        var waiter = Loop.CreateFuture();
        var sslProto = SslProtocol(waiter);
        ConnectionMade(sslProto);
        sslProto.EofReceived();
        RunBriefly();
        Assert.IsType<ConnectionResetError>(waiter.Exception());
    }

    [Fact]
    public void test_connection_lost()
    {
        var waiter = Loop.CreateFuture();
        var sslProto = SslProtocol(waiter);
        ConnectionMade(sslProto);
        sslProto.ConnectionLost(new ConnectionAbortedError(""));
        RunBriefly();
        Assert.IsType<ConnectionAbortedError>(waiter.Exception());
    }

    [Fact]
    public void test_close_during_handshake()
    {
        var waiter = Loop.CreateFuture();
        var sslProto = SslProtocol(waiter);
        var transport = ConnectionMade(sslProto);
        RunBriefly();
        sslProto.GetAppTransport().Close();
        Assert.True(transport.AbortCalled);
    }

    [Fact]
    public void test_get_extra_info_on_closed_connection()
    {
        var waiter = Loop.CreateFuture();
        var sslProto = SslProtocol(waiter);
        Assert.Null(sslProto.GetExtraInfo("socket", null));
        var @default = new object();
        Assert.Same(@default, sslProto.GetExtraInfo("socket", @default));
        ConnectionMade(sslProto);
        Assert.NotNull(sslProto.GetExtraInfo("socket", null));
        sslProto.ConnectionLost(null);
        Assert.Null(sslProto.GetExtraInfo("socket", null));
    }

    [Fact]
    public void test_set_new_app_protocol()
    {
        var waiter = Loop.CreateFuture();
        var sslProto = SslProtocol(waiter);
        var newAppProto = new Protocol();
        sslProto.GetAppTransport().SetProtocol(newAppProto);
        Assert.Same(newAppProto, sslProto.GetAppTransport().GetProtocol());
        Assert.Same(newAppProto, sslProto.AppProtocol);
    }

    [Fact]
    public void test_data_received_after_closing()
    {
        var sslProto = SslProtocol();
        ConnectionMade(sslProto);
        var transp = sslProto.GetAppTransport();
        transp.Close();
        sslProto.BufferUpdated(5);
    }

    [Fact]
    public void test_write_after_closing()
    {
        var sslProto = SslProtocol();
        ConnectionMade(sslProto);
        var transp = sslProto.GetAppTransport();
        transp.Close();
        transp.Write("data"u8);
    }

    /// <summary>Stands in for CPython's <c>mock.Mock()</c> transport: records what SSLProtocol calls.</summary>
    private sealed class RecordingTransport : Transport
    {
        private readonly object _socket = new();

        public override object? GetExtraInfo(string name, object? @default = null) => name == "socket" ? _socket : @default;

        public bool AbortCalled { get; private set; }

        public List<byte[]> Written { get; } = new();

        public override void Abort() => AbortCalled = true;

        public override void Close() { }

        public override void Write(ReadOnlySpan<byte> data) => Written.Add(data.ToArray());

        public override void PauseReading() { }

        public override void ResumeReading() { }
    }
}

/// <summary>CPython's <c>test_sslproto.SelectorStartTLSTests</c>: <see cref="BaseStartTLS"/> on the selector loop.</summary>
public class SelectorStartTLSTests : BaseStartTLS
{
}

/// <summary>
/// CPython's <c>test_sslproto.BaseStartTLS</c>: start_tls and TLS connections against a blocking peer thread that
/// switches to TLS mid-stream.
/// </summary>
public abstract class BaseStartTLS : LoopTestCase
{
    private const int PAYLOAD_SIZE = 1024 * 100;
    private const double TIMEOUT = 60;
    private static readonly byte[] HELLO_MSG = Enumerable.Repeat((byte)'1', PAYLOAD_SIZE).ToArray();

    static BaseStartTLS() => TlsSupport.Prime();

    private class ClientProto : Protocol
    {
        private readonly Future _onData;
        private readonly Future _onEof;
        public int ConMadeCnt;
        public BaseTransport? Tr;

        public ClientProto(Future onData, Future onEof)
        {
            _onData = onData;
            _onEof = onEof;
        }

        public override void ConnectionMade(BaseTransport transport)
        {
            Tr = transport;
            ConMadeCnt++;
            Assert.Equal(1, ConMadeCnt);
        }

        public override void DataReceived(ReadOnlySpan<byte> data) => _onData.SetResult(data.ToArray());

        public override bool EofReceived()
        {
            _onEof.SetResult(true);
            return false;
        }
    }

    /// <summary>Runs <paramref name="body"/> with a fresh client context; returns a weak reference to that context.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private WeakReference RunWithClientContext(Func<SSLContext, Coroutine> body)
    {
        var clientContext = TlsSupport.DummyClientContext();
        Loop.RunUntilComplete(Asyncio.WaitFor(body(clientContext), 30));
        return new WeakReference(clientContext);
    }

    /// <summary>CPython's <c>with self.assertRaises(E): await aw</c> inside a coroutine.</summary>
    private static async Coroutine AssertRaises<TException>(Future awaitable) where TException : Exception
    {
        try
        {
            await awaitable;
        }
        catch (TException)
        {
            return;
        }
        Assert.Fail($"{typeof(TException).Name} not raised");
    }


    [Fact]
    public void test_start_tls_client_reg_proto_1()
    {
        WeakReference context;
        using (var srv = TcpPeerThread.Server(sock =>
        {
            sock.SetTimeout(TIMEOUT);
            Assert.Equal(HELLO_MSG.Length, sock.RecvAll(HELLO_MSG.Length).Length);
            sock.StartTls(serverSide: true);
            sock.SendAll("O"u8);
            Assert.Equal(HELLO_MSG.Length, sock.RecvAll(HELLO_MSG.Length).Length);
            sock.Shutdown();
        }))
        {
            async Coroutine Client(SSLContext clientContext)
            {
                var onData = Loop.CreateFuture();
                var onEof = Loop.CreateFuture();
                var (tr, proto) = await Loop.CreateConnection(() => new ClientProto(onData, onEof), srv.Host, srv.Port);
                ((Transport)tr).Write(HELLO_MSG);
                var newTr = await Loop.StartTls(tr, proto, clientContext);
                Assert.Equal("O"u8.ToArray(), (byte[])(await onData)!);
                ((Transport)newTr).Write(HELLO_MSG);
                await onEof;
                newTr.Close();
            }
            context = RunWithClientContext(Client);
        }
        // No garbage is left if SSL is closed uncleanly.
        RunBriefly();
        TlsSupport.AssertCollected(context);
    }

    [Fact]
    public void test_create_connection_memory_leak()
    {
        WeakReference context;
        using (var srv = TcpPeerThread.Server(sock =>
        {
            sock.SetTimeout(TIMEOUT);
            sock.StartTls(serverSide: true);
            sock.SendAll("O"u8);
            Assert.Equal(HELLO_MSG.Length, sock.RecvAll(HELLO_MSG.Length).Length);
            sock.Shutdown();
        }))
        {
            async Coroutine Client(SSLContext clientContext)
            {
                var onData = Loop.CreateFuture();
                var onEof = Loop.CreateFuture();
                var (tr, _) = await Loop.CreateConnection(() => new ClientProto(onData, onEof), srv.Host, srv.Port, ssl: clientContext);
                Assert.Equal("O"u8.ToArray(), (byte[])(await onData)!);
                ((Transport)tr).Write(HELLO_MSG);
                await onEof;
                tr.Close();
            }
            context = RunWithClientContext(Client);
        }
        // No garbage is left for the SSL client even if the protocol keeps the transport.
        RunBriefly();
        TlsSupport.AssertCollected(context);
    }

    private sealed class ClientProtoFirst : BufferedProtocol
    {
        private readonly Future _onData;
        private readonly byte[] _buf = new byte[1];
        private readonly Action _made;

        public ClientProtoFirst(Future onData, Action made)
        {
            _onData = onData;
            _made = made;
        }

        public override void ConnectionMade(BaseTransport transport) => _made();

        public override Memory<byte> GetBuffer(int sizehint) => _buf;

        public override void BufferUpdated(int nbytes)
        {
            Assert.Equal(1, nbytes);
            _onData.SetResult(_buf[..nbytes]);
        }
    }

    [Fact]
    public void test_start_tls_client_buf_proto_1()
    {
        var clientConMadeCalls = 0;
        using var srv = TcpPeerThread.Server(sock =>
        {
            sock.SetTimeout(TIMEOUT);
            Assert.Equal(HELLO_MSG.Length, sock.RecvAll(HELLO_MSG.Length).Length);
            sock.StartTls(serverSide: true);
            sock.SendAll("O"u8);
            Assert.Equal(HELLO_MSG.Length, sock.RecvAll(HELLO_MSG.Length).Length);
            sock.SendAll("2"u8);
            Assert.Equal(HELLO_MSG.Length, sock.RecvAll(HELLO_MSG.Length).Length);
            sock.Shutdown();
        });

        async Coroutine Client()
        {
            var onData1 = Loop.CreateFuture();
            var onData2 = Loop.CreateFuture();
            var onEof = Loop.CreateFuture();
            var (tr, proto) = await Loop.CreateConnection(() => new ClientProtoFirst(onData1, () => clientConMadeCalls++), srv.Host, srv.Port);
            ((Transport)tr).Write(HELLO_MSG);
            var newTr = await Loop.StartTls(tr, proto, TlsSupport.DummyClientContext());
            Assert.Equal("O"u8.ToArray(), (byte[])(await onData1)!);
            ((Transport)newTr).Write(HELLO_MSG);
            newTr.SetProtocol(new ClientProto(onData2, onEof) { ConMadeCnt = 0 });
            Assert.Equal("2"u8.ToArray(), (byte[])(await onData2)!);
            ((Transport)newTr).Write(HELLO_MSG);
            await onEof;
            newTr.Close();
            // connection_made() is called once, when the connection is first made; start_tls does not call it.
            Assert.Equal(1, clientConMadeCalls);
        }
        Loop.RunUntilComplete(Asyncio.WaitFor(Client(), TIMEOUT));
    }

    [Fact]
    public void test_start_tls_slow_client_cancel()
    {
        var serverWaitsOnHandshake = Loop.CreateFuture();
        using var srv = TcpPeerThread.Server(sock =>
        {
            sock.SetTimeout(TIMEOUT);
            Assert.Equal(HELLO_MSG.Length, sock.RecvAll(HELLO_MSG.Length).Length);
            try
            {
                Loop.CallSoonThreadsafe(() => serverWaitsOnHandshake.SetResult(null));
                sock.RecvAll(1024 * 1024);
            }
            catch (ConnectionAbortedError)
            {
            }
        });

        async Coroutine Client()
        {
            var onData = Loop.CreateFuture();
            var onEof = Loop.CreateFuture();
            var (tr, proto) = await Loop.CreateConnection(() => new ClientProto(onData, onEof), srv.Host, srv.Port);
            ((Transport)tr).Write(HELLO_MSG);
            await serverWaitsOnHandshake;
            await AssertRaises<AsyncioSharp.TimeoutError>(Asyncio.EnsureFuture(Asyncio.WaitFor(Loop.StartTls(tr, proto, TlsSupport.DummyClientContext()), 0.5)));
        }
        Loop.RunUntilComplete(Asyncio.WaitFor(Client(), 30));
    }

    private sealed class ServerProto : Protocol
    {
        private readonly Future _onCon;
        private readonly Future _onConLost;
        private readonly Future _onGotHello;
        public readonly List<byte> Data = new();
        public BaseTransport? Transport;

        public ServerProto(Future onCon, Future onConLost, Future onGotHello)
        {
            _onCon = onCon;
            _onConLost = onConLost;
            _onGotHello = onGotHello;
        }

        public override void ConnectionMade(BaseTransport tr)
        {
            Transport = tr;
            _onCon.SetResult(tr);
        }

        public void ReplaceTransport(BaseTransport tr) => Transport = tr;

        public override void DataReceived(ReadOnlySpan<byte> data)
        {
            Data.AddRange(data.ToArray());
            if (Data.Count >= HELLO_MSG.Length)
            {
                _onGotHello.SetResult(null);
            }
        }

        public override void ConnectionLost(Exception? exc)
        {
            Transport = null;
            TlsSupport.Settle(_onConLost, exc);
        }
    }

    [Fact]
    public void test_start_tls_server_1()
    {
        var answerExpected = "answer"u8.ToArray();
        byte[]? answer = null;

        async Coroutine Main(ServerProto proto, Future onCon, Future onConLost, Future onGotHello)
        {
            var tr = (Transport)(await onCon)!;
            tr.Write(HELLO_MSG);
            Assert.Empty(proto.Data);
            var newTr = await Loop.StartTls(tr, proto, TlsSupport.ServerContext(), serverSide: true, sslHandshakeTimeout: TIMEOUT);
            proto.ReplaceTransport(newTr);
            await onGotHello;
            ((Transport)newTr).Write(answerExpected);
            await onConLost;
            Assert.Equal(HELLO_MSG, proto.Data.ToArray());
            newTr.Close();
        }

        async Coroutine RunMain()
        {
            var onCon = Loop.CreateFuture();
            var onConLost = Loop.CreateFuture();
            var onGotHello = Loop.CreateFuture();
            var proto = new ServerProto(onCon, onConLost, onGotHello);
            var server = (Server)await Loop.CreateServer(() => proto, "127.0.0.1", 0);
            var addr = server.Sockets[0].Getsockname();
            using (TcpPeerThread.Client(addr, sock =>
            {
                sock.SetTimeout(TIMEOUT);
                Assert.Equal(HELLO_MSG.Length, sock.RecvAll(HELLO_MSG.Length).Length);
                sock.StartTls(serverSide: false);
                sock.SendAll(HELLO_MSG);
                answer = sock.RecvAll(answerExpected.Length);
            }))
            {
                await Asyncio.WaitFor(Main(proto, onCon, onConLost, onGotHello), TIMEOUT);
            }
            server.Close();
            await server.WaitClosed();
            Assert.Equal(answerExpected, answer);
        }
        Loop.RunUntilComplete(RunMain());
    }

    [Fact]
    public void test_start_tls_wrong_args()
    {
        var e1 = Assert.Throws<TypeError>(() => Loop.StartTls(null!, null!, null!));
        Assert.Contains("SSLContext, got", e1.Message);
        var e2 = Assert.Throws<TypeError>(() => Loop.StartTls(null!, null!, TlsSupport.ServerContext()));
        Assert.Contains("is not supported", e2.Message);
    }

    [Fact]
    public void test_handshake_timeout()
    {
        CustomExceptionHandler = true;
        var messages = new List<IReadOnlyDictionary<string, object?>>();
        Loop.SetExceptionHandler((_, ctx) => messages.Add(ctx));
        var serverSideAborted = false;
        WeakReference context;
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
            async Coroutine Client(SSLContext clientSslctx) =>
                await AssertRaises<AsyncioSharp.TimeoutError>(Asyncio.EnsureFuture(Asyncio.WaitFor(Loop.CreateConnection(() => new Protocol(),
                    srv.Host, srv.Port, ssl: clientSslctx, serverHostname: "", sslHandshakeTimeout: 30), 0.5)));
            context = RunWithClientContext(Client);
        }
        Assert.True(serverSideAborted);
        // Cancelling a handshake must not raise or log anything, even though the handshake failed.
        Assert.Empty(messages);
        // The handshake timeout timer is cancelled, freeing what it refers to at once.
        RunBriefly();
        TlsSupport.AssertCollected(context);
    }

    [Fact]
    public void test_create_connection_ssl_slow_handshake()
    {
        CustomExceptionHandler = true;
        var messages = new List<IReadOnlyDictionary<string, object?>>();
        Loop.SetExceptionHandler((_, ctx) => messages.Add(ctx));
        using (var srv = TcpPeerThread.Server(sock =>
        {
            try
            {
                sock.RecvAll(1024 * 1024);
            }
            catch (ConnectionAbortedError)
            {
            }
        }))
        {
            var exc = Assert.Throws<ConnectionAbortedError>(() => Loop.RunUntilComplete(Loop.CreateConnection(() => new Protocol(),
                srv.Host, srv.Port, ssl: TlsSupport.DummyClientContext(), serverHostname: "", sslHandshakeTimeout: 1.0)));
            Assert.Matches("SSL handshake.*is taking longer", exc.Message);
        }
        Assert.Empty(messages);
    }

    [Fact]
    public void test_create_connection_ssl_failed_certificate()
    {
        CustomExceptionHandler = true;
        Loop.SetExceptionHandler((_, _) => { });
        var clientSslctx = new SSLContext(SslModule.PROTOCOL_TLS_CLIENT) { CheckHostname = false };
        using var srv = TcpPeerThread.Server(sock =>
        {
            try
            {
                sock.StartTls(serverSide: true);
                // .NET's client checks the certificate after the exchange, so the server may finish its handshake.
                sock.RecvAll(1);
            }
            catch (Exception exc) when (exc is IOException or System.Security.Authentication.AuthenticationException or ConnectionAbortedError)
            {
            }
        });
        Assert.Throws<SSLCertVerificationError>(() => Loop.RunUntilComplete(Loop.CreateConnection(() => new Protocol(),
            srv.Host, srv.Port, ssl: clientSslctx, serverHostname: "", sslHandshakeTimeout: 30)));
    }

    private sealed class LineProto : Protocol
    {
        public readonly List<byte> Data = new();
        public readonly Future Lost;
        public BaseTransport? Transport;

        public LineProto(AbstractEventLoop loop) => Lost = loop.CreateFuture();

        public override void ConnectionMade(BaseTransport transport) => Transport = transport;

        public override void DataReceived(ReadOnlySpan<byte> data) => Data.AddRange(data.ToArray());

        public override void ConnectionLost(Exception? exc)
        {
            TlsSupport.Settle(Lost, exc);
        }
    }

    [Fact]
    public void test_start_tls_client_corrupted_ssl()
    {
        CustomExceptionHandler = true;
        Loop.SetExceptionHandler((_, _) => { });
        using var srv = TcpPeerThread.Server(sock =>
        {
            sock.StartTls(serverSide: true);
            sock.SendAll("A\n"u8);
            sock.RecvAll(1);
            sock.Sock.Send("please corrupt the SSL connection"u8);
        });

        // CPython reads through a StreamReader (readline); the protocol below sees the same bytes and the same error.
        async Coroutine<string> Client()
        {
            var proto = new LineProto(Loop);
            var (tr, _) = await Loop.CreateConnection(() => proto, srv.Host, srv.Port, ssl: TlsSupport.DummyClientContext(), serverHostname: "");
            while (proto.Data.Count < 2)
            {
                await Asyncio.Sleep(0.001);
            }
            Assert.Equal("A\n"u8.ToArray(), proto.Data.ToArray());
            ((Transport)tr).Write("B"u8);
            await AssertRaises<SSLError>(proto.Lost);
            tr.Close();
            return "OK";
        }
        Assert.Equal("OK", Loop.RunUntilComplete(Client()));
    }
}
