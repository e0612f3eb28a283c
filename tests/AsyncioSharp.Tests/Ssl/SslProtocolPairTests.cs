using System.Text;
using AsyncioSharp;
using AsyncioSharp.Ssl;
using Xunit;

namespace AsyncioSharp.Tests.Ssl;

/// <summary>SSLProtocol end to end over an in-memory transport pair: no sockets, real TLS.</summary>
public sealed class SslProtocolPairTests : IDisposable
{
    private readonly SelectorEventLoop _loop = new();
    private readonly List<IReadOnlyDictionary<string, object?>> _errors = new();

    public SslProtocolPairTests()
    {
        _loop.SetExceptionHandler((_, context) => _errors.Add(context));
    }

    public void Dispose() => _loop.Close();

    internal static SSLContext ServerContext(string? cert = null, string? key = null)
    {
        var context = new SSLContext(SslModule.PROTOCOL_TLS_SERVER);
        context.LoadCertChain(cert ?? TestCerts.ServerCert, key ?? TestCerts.ServerKey);
        return context;
    }

    internal static SSLContext ClientContext()
    {
        var context = new SSLContext(SslModule.PROTOCOL_TLS_CLIENT);
        context.LoadVerifyLocations(TestCerts.CaFile);
        return context;
    }

    private sealed record Side(RecordingProtocol App, SSLProtocol Ssl, Future Waiter);

    private (Side Client, Side Server, MemoryPipeTransport ClientWire) Connect(SSLContext client, SSLContext server,
        string? hostname = "localhost", double? handshakeTimeout = null, double? shutdownTimeout = null, bool serverEcho = false)
    {
        var clientApp = new RecordingProtocol();
        var serverApp = new RecordingProtocol { Echo = serverEcho };
        var clientWaiter = _loop.CreateFuture();
        var serverWaiter = _loop.CreateFuture();
        var clientSsl = new SSLProtocol(_loop, clientApp, client, clientWaiter, serverHostname: hostname,
            sslHandshakeTimeout: handshakeTimeout, sslShutdownTimeout: shutdownTimeout);
        var serverSsl = new SSLProtocol(_loop, serverApp, server, serverWaiter, serverSide: true,
            sslHandshakeTimeout: handshakeTimeout, sslShutdownTimeout: shutdownTimeout);
        var (wire, _) = MemoryPipeTransport.Pair(_loop, clientSsl, serverSsl);
        return (new Side(clientApp, clientSsl, clientWaiter), new Side(serverApp, serverSsl, serverWaiter), wire);
    }

    private void RunUntil(Func<bool> done, double timeout = 10)
    {
        var deadline = _loop.Time() + timeout;
        while (!done())
        {
            Assert.True(_loop.Time() < deadline, "timed out");
            _loop.RunUntilComplete(Asyncio.Sleep(0.001));
        }
    }

    private static void Observe(Future f)
    {
        if (f.Done() && !f.Cancelled())
        {
            _ = f.Exception();
        }
    }

    [Fact]
    public void handshake_then_data_flows_both_ways_with_extra_info()
    {
        var (client, server, _) = Connect(ClientContext(), ServerContext(), serverEcho: true);
        RunUntil(() => client.Waiter.Done() && server.Waiter.Done());
        Assert.Null(client.Waiter.Exception());
        Assert.Null(server.Waiter.Exception());
        var transport = (_SSLProtocolTransport)client.App.Transport!;
        transport.Write(Encoding.ASCII.GetBytes("hello tls"));
        RunUntil(() => client.App.Data.Count == 9);
        Assert.Equal("hello tls", Encoding.ASCII.GetString(client.App.Data.ToArray()));

        var sslObject = Assert.IsType<SSLObject>(transport.GetExtraInfo("ssl_object"));
        Assert.Equal("TLSv1.3", sslObject.Version());
        var cipher = ((string Name, string Protocol, int Bits)?)transport.GetExtraInfo("cipher");
        Assert.Equal("TLSv1.3", cipher!.Value.Protocol);
        Assert.StartsWith("TLS_", cipher.Value.Name);
        Assert.Null(transport.GetExtraInfo("compression"));
        Assert.IsType<SSLContext>(transport.GetExtraInfo("sslcontext"));
        var peercert = Assert.IsType<Dictionary<string, object?>>(transport.GetExtraInfo("peercert"));
        var subject = (List<List<(string, string)>>)peercert["subject"]!;
        Assert.Equal(("commonName", "localhost"), subject[0][0]);
        var san = (List<(string, object)>)peercert["subjectAltName"]!;
        Assert.Contains(("DNS", (object)"localhost"), san);
        Assert.Contains(("IP Address", (object)"127.0.0.1"), san);
        Assert.Null(server.App.Transport!.GetExtraInfo("peercert"));
        Assert.Empty(_errors);
    }

    [Fact]
    public void close_sends_close_notify_and_both_sides_see_a_clean_end()
    {
        var (client, server, _) = Connect(ClientContext(), ServerContext());
        RunUntil(() => client.Waiter.Done() && server.Waiter.Done());
        client.App.Transport!.Close();
        Assert.True(client.App.Transport.IsClosing());
        RunUntil(() => client.App.Lost && server.App.Lost);
        Assert.Null(client.App.LostWith);
        Assert.Null(server.App.LostWith);
        Assert.Equal(new[] { "made", "eof", "lost" }, server.App.Events);
        Assert.Equal(SSLProtocolState.UNWRAPPED, client.Ssl.State);
        Assert.Empty(_errors);
    }

    [Fact]
    public void abort_does_not_wait_for_close_notify()
    {
        var (client, server, wire) = Connect(ClientContext(), ServerContext());
        RunUntil(() => client.Waiter.Done() && server.Waiter.Done());
        var before = wire.Written.Count;
        ((WriteTransport)client.App.Transport!).Abort();
        RunUntil(() => client.App.Lost && server.App.Lost);
        Assert.Equal(before, wire.Written.Count);
        Assert.Equal(new[] { "made", "eof", "lost" }, server.App.Events);
    }

    [Fact]
    public void pause_reading_holds_data_until_resume()
    {
        var (client, server, _) = Connect(ClientContext(), ServerContext());
        RunUntil(() => client.Waiter.Done() && server.Waiter.Done());
        var serverTransport = (_SSLProtocolTransport)server.App.Transport!;
        serverTransport.PauseReading();
        Assert.False(serverTransport.IsReading());
        ((WriteTransport)client.App.Transport!).Write(new byte[1000]);
        for (var i = 0; i < 20; i++)
        {
            _loop.RunUntilComplete(Asyncio.Sleep(0));
        }
        Assert.DoesNotContain("data", server.App.Events);
        serverTransport.ResumeReading();
        RunUntil(() => server.App.Data.Count == 1000);
    }

    [Fact]
    public void write_buffer_limits_pause_and_resume_the_application()
    {
        var (client, server, _) = Connect(ClientContext(), ServerContext());
        RunUntil(() => client.Waiter.Done() && server.Waiter.Done());
        var transport = (_SSLProtocolTransport)client.App.Transport!;
        client.Ssl.PauseWriting();
        transport.SetWriteBufferLimits(high: 100);
        Assert.Equal((25, 100), transport.GetWriteBufferLimits());
        transport.Write(new byte[500]);
        Assert.True(transport.GetWriteBufferSize() >= 500);
        Assert.Contains("pause_writing", client.App.Events);
        client.Ssl.ResumeWriting();
        Assert.Equal(0, transport.GetWriteBufferSize());
        Assert.Contains("resume_writing", client.App.Events);
        RunUntil(() => server.App.Data.Count == 500);
    }

    [Fact]
    public void alpn_is_negotiated()
    {
        var clientContext = ClientContext();
        clientContext.SetAlpnProtocols(new[] { "h2", "http/1.1" });
        var serverContext = ServerContext();
        serverContext.SetAlpnProtocols(new[] { "http/1.1" });
        var (client, server, _) = Connect(clientContext, serverContext);
        RunUntil(() => client.Waiter.Done() && server.Waiter.Done());
        var sslObject = (SSLObject)client.App.Transport!.GetExtraInfo("ssl_object")!;
        Assert.Equal("http/1.1", sslObject.SelectedAlpnProtocol());
    }

    [Fact]
    public void unknown_ca_fails_with_certificate_verify_failed()
    {
        var (client, server, _) = Connect(ClientContext(), ServerContext(TestCerts.UntrustedCert, TestCerts.UntrustedKey));
        RunUntil(() => client.Waiter.Done() && server.Waiter.Done());
        var exc = Assert.IsType<SSLCertVerificationError>(client.Waiter.Exception());
        Assert.Equal(20, exc.VerifyCode);
        Assert.Equal("unable to get local issuer certificate", exc.VerifyMessage);
        Assert.Equal("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local issuer certificate (_ssl.c:1006)", exc.Message);
        Assert.Empty(client.App.Events);
        // The client's Finished never goes out: the server's handshake fails on OpenSSL's alert, as with an OpenSSL
        // client, and its application protocol hears of no connection.
        var serverExc = Assert.IsAssignableFrom<SSLError>(server.Waiter.Exception());
        Assert.Equal("TLSV1_ALERT_UNKNOWN_CA", serverExc.Reason);
        Assert.Empty(server.App.Events);
    }

    [Fact]
    public void hostname_mismatch_alert_is_bad_certificate_and_the_server_never_connects()
    {
        var (client, server, _) = Connect(ClientContext(), ServerContext(TestCerts.OtherHostCert, TestCerts.OtherHostKey));
        RunUntil(() => client.Waiter.Done() && server.Waiter.Done());
        Assert.IsType<SSLCertVerificationError>(client.Waiter.Exception());
        Assert.Equal("SSLV3_ALERT_BAD_CERTIFICATE", Assert.IsAssignableFrom<SSLError>(server.Waiter.Exception()).Reason);
        Assert.Empty(server.App.Events);
    }

    [Fact]
    public void tls12_client_rejects_the_certificate_before_its_finished_goes_out()
    {
        var serverContext = ServerContext(TestCerts.UntrustedCert, TestCerts.UntrustedKey);
        serverContext.MaximumVersion = TLSVersion.TLSv1_2;
        var (client, server, _) = Connect(ClientContext(), serverContext);
        RunUntil(() => client.Waiter.Done() && server.Waiter.Done());
        Assert.Equal(20, Assert.IsType<SSLCertVerificationError>(client.Waiter.Exception()).VerifyCode);
        Assert.Equal("TLSV1_ALERT_UNKNOWN_CA", Assert.IsAssignableFrom<SSLError>(server.Waiter.Exception()).Reason);
        Assert.Empty(server.App.Events);
        Assert.Empty(client.App.Events);
    }

    [Fact]
    public void tls12_server_missing_client_certificate_sends_handshake_failure()
    {
        var serverContext = ServerContext();
        serverContext.MaximumVersion = TLSVersion.TLSv1_2;
        serverContext.VerifyMode = VerifyMode.CERT_REQUIRED;
        serverContext.LoadVerifyLocations(TestCerts.CaFile);
        var (client, server, _) = Connect(ClientContext(), serverContext);
        RunUntil(() => client.Waiter.Done() && server.Waiter.Done());
        Assert.Equal("PEER_DID_NOT_RETURN_A_CERTIFICATE", Assert.IsAssignableFrom<SSLError>(server.Waiter.Exception()).Reason);
        Assert.Equal("SSLV3_ALERT_HANDSHAKE_FAILURE", Assert.IsAssignableFrom<SSLError>(client.Waiter.Exception()).Reason);
        Assert.Empty(client.App.Events);
    }

    [Fact]
    public void hostname_mismatch_fails_with_code_62()
    {
        var (client, server, _) = Connect(ClientContext(), ServerContext(TestCerts.OtherHostCert, TestCerts.OtherHostKey));
        RunUntil(() => client.Waiter.Done() && server.Waiter.Done());
        var exc = Assert.IsType<SSLCertVerificationError>(client.Waiter.Exception());
        Assert.Equal(62, exc.VerifyCode);
        Assert.Equal("Hostname mismatch, certificate is not valid for 'localhost'.", exc.VerifyMessage);
        Observe(server.Waiter);
    }

    [Fact]
    public void ip_mismatch_fails_with_code_64_and_no_check_hostname_passes()
    {
        var (client, server, _) = Connect(ClientContext(), ServerContext(TestCerts.OtherHostCert, TestCerts.OtherHostKey), hostname: "127.0.0.1");
        RunUntil(() => client.Waiter.Done() && server.Waiter.Done());
        Assert.Equal(64, Assert.IsType<SSLCertVerificationError>(client.Waiter.Exception()).VerifyCode);
        Observe(server.Waiter);

        var relaxed = ClientContext();
        relaxed.CheckHostname = false;
        var (client2, server2, _) = Connect(relaxed, ServerContext(TestCerts.OtherHostCert, TestCerts.OtherHostKey));
        RunUntil(() => client2.Waiter.Done() && server2.Waiter.Done());
        Assert.Null(client2.Waiter.Exception());
    }

    [Fact]
    public void expired_certificate_fails_with_code_10()
    {
        var (client, server, _) = Connect(ClientContext(), ServerContext(TestCerts.ExpiredCert, TestCerts.ExpiredKey));
        RunUntil(() => client.Waiter.Done() && server.Waiter.Done());
        var exc = Assert.IsType<SSLCertVerificationError>(client.Waiter.Exception());
        Assert.Equal(10, exc.VerifyCode);
        Assert.Equal("certificate has expired", exc.VerifyMessage);
        Observe(server.Waiter);
    }

    [Fact]
    public void cert_none_accepts_anything_and_peercert_is_empty()
    {
        var relaxed = new SSLContext(SslModule.PROTOCOL_TLS_CLIENT) { CheckHostname = false, VerifyMode = VerifyMode.CERT_NONE };
        var (client, server, _) = Connect(relaxed, ServerContext(TestCerts.ExpiredCert, TestCerts.ExpiredKey));
        RunUntil(() => client.Waiter.Done() && server.Waiter.Done());
        Assert.Null(client.Waiter.Exception());
        Assert.Empty((Dictionary<string, object?>)client.App.Transport!.GetExtraInfo("peercert")!);
        var der = (byte[])((SSLObject)client.App.Transport.GetExtraInfo("ssl_object")!).Getpeercert(binaryForm: true)!;
        Assert.NotEmpty(der);
    }

    [Fact]
    public void mutual_tls_gives_the_server_the_client_certificate()
    {
        var clientContext = ClientContext();
        clientContext.LoadCertChain(TestCerts.ClientCert, TestCerts.ClientKey);
        var serverContext = ServerContext();
        serverContext.VerifyMode = VerifyMode.CERT_REQUIRED;
        serverContext.LoadVerifyLocations(TestCerts.CaFile);
        var (client, server, _) = Connect(clientContext, serverContext);
        RunUntil(() => client.Waiter.Done() && server.Waiter.Done());
        Assert.Null(server.Waiter.Exception());
        var peercert = (Dictionary<string, object?>)server.App.Transport!.GetExtraInfo("peercert")!;
        Assert.Equal(("commonName", "client"), ((List<List<(string, string)>>)peercert["subject"]!)[0][0]);
    }

    [Fact]
    public void client_certificate_required_but_missing_fails_on_the_server()
    {
        var serverContext = ServerContext();
        serverContext.VerifyMode = VerifyMode.CERT_REQUIRED;
        serverContext.LoadVerifyLocations(TestCerts.CaFile);
        var (client, server, _) = Connect(ClientContext(), serverContext);
        RunUntil(() => server.Waiter.Done() && (client.App.Lost || client.Waiter.Done() && client.Waiter.Exception() is not null));
        var exc = Assert.IsAssignableFrom<SSLError>(server.Waiter.Exception());
        Assert.Equal("PEER_DID_NOT_RETURN_A_CERTIFICATE", exc.Reason);
        RunUntil(() => client.Waiter.Done());
        Observe(client.Waiter);
    }

    [Fact]
    public void handshake_timeout_aborts_with_connection_aborted_error()
    {
        var app = new RecordingProtocol();
        var waiter = _loop.CreateFuture();
        var ssl = new SSLProtocol(_loop, app, ClientContext(), waiter, serverHostname: "localhost", sslHandshakeTimeout: 0.1);
        var silent = new RecordingProtocol();
        MemoryPipeTransport.Pair(_loop, ssl, silent);
        RunUntil(() => waiter.Done());
        var exc = Assert.IsType<ConnectionAbortedError>(waiter.Exception());
        Assert.Equal("SSL handshake is taking longer than 0.1 seconds: aborting the connection", exc.Message);
        Assert.Empty(app.Events);
        RunUntil(() => silent.Lost);
    }

    [Fact]
    public void peer_closing_mid_handshake_gives_connection_reset_error()
    {
        var app = new RecordingProtocol();
        var waiter = _loop.CreateFuture();
        var ssl = new SSLProtocol(_loop, app, ClientContext(), waiter, serverHostname: "localhost");
        var peer = new CloseOnDataProtocol();
        MemoryPipeTransport.Pair(_loop, ssl, peer);
        RunUntil(() => waiter.Done());
        Assert.IsType<ConnectionResetError>(waiter.Exception());
    }

    [Fact]
    public void plain_text_client_gets_wrong_version_number_on_the_server()
    {
        var app = new RecordingProtocol();
        var waiter = _loop.CreateFuture();
        var ssl = new SSLProtocol(_loop, app, ServerContext(), waiter, serverSide: true);
        var plain = new RecordingProtocol();
        MemoryPipeTransport.Pair(_loop, plain, ssl);
        RunUntil(() => plain.Transport is not null);
        ((WriteTransport)plain.Transport!).Write(Encoding.ASCII.GetBytes("hello, this is not TLS\r\n"));
        RunUntil(() => waiter.Done());
        var exc = Assert.IsAssignableFrom<SSLError>(waiter.Exception());
        Assert.True(exc.Message.Contains("WRONG_VERSION_NUMBER"), exc.Message + " / " + exc.InnerException);
        RunUntil(() => plain.Lost);
    }

    [Fact]
    public void truncated_close_is_eof_without_error()
    {
        var (client, server, wire) = Connect(ClientContext(), ServerContext());
        RunUntil(() => client.Waiter.Done() && server.Waiter.Done());
        ((WriteTransport)client.App.Transport!).Write(new byte[] { 1, 2, 3 });
        RunUntil(() => server.App.Data.Count == 3);
        client.Ssl.Transport!.Close();
        RunUntil(() => server.App.Lost);
        Assert.Equal(new[] { "made", "data", "eof", "lost" }, server.App.Events);
        Assert.Null(server.App.LostWith);
    }

    [Fact]
    public void shutdown_timeout_force_closes_with_timeout_error()
    {
        var (client, server, _) = Connect(ClientContext(), ServerContext(), shutdownTimeout: 0.1);
        RunUntil(() => client.Waiter.Done() && server.Waiter.Done());
        // The server stops reading ciphertext, so the client never gets its close_notify back.
        ((Transport)server.Ssl.Transport!).PauseReading();
        client.App.Transport!.Close();
        RunUntil(() => client.App.Lost);
        Assert.IsType<AsyncioSharp.TimeoutError>(client.App.LostWith);
        Assert.Equal("SSL shutdown timed out", client.App.LostWith!.Message);
    }

    [Fact]
    public void writes_after_close_are_dropped()
    {
        var (client, server, _) = Connect(ClientContext(), ServerContext());
        RunUntil(() => client.Waiter.Done() && server.Waiter.Done());
        var transport = (WriteTransport)client.App.Transport!;
        transport.Close();
        transport.Write(new byte[] { 1 });
        RunUntil(() => server.App.Lost);
        Assert.Empty(server.App.Data);
        Assert.Throws<NotImplementedException>(() => transport.WriteEof());
        Assert.False(transport.CanWriteEof());
    }

    [Fact]
    public void bad_timeouts_raise_value_error()
    {
        var e1 = Assert.Throws<ValueError>(() => new SSLProtocol(_loop, new Protocol(), ClientContext(), null, sslHandshakeTimeout: -10));
        Assert.Equal("ssl_handshake_timeout should be a positive number, got -10", e1.Message);
        var e2 = Assert.Throws<ValueError>(() => new SSLProtocol(_loop, new Protocol(), ClientContext(), null, sslShutdownTimeout: 0));
        Assert.Equal("ssl_shutdown_timeout should be a positive number, got 0", e2.Message);
        var e3 = Assert.Throws<ValueError>(() => new SSLProtocol(_loop, new Protocol(), null, null, serverSide: true));
        Assert.Equal("Server side SSL needs a valid SSLContext", e3.Message);
    }

    private sealed class CloseOnDataProtocol : Protocol
    {
        private BaseTransport? _transport;

        public override void ConnectionMade(BaseTransport transport) => _transport = transport;

        public override void DataReceived(ReadOnlySpan<byte> data) => _transport!.Close();
    }
}

public sealed class SslEchoCloseTests
{
    private sealed class EchoClose : RecordingProtocol
    {
        public override void DataReceived(ReadOnlySpan<byte> data)
        {
            base.DataReceived(data);
            ((Transport)Transport!).Write(Data.ToArray());
            Transport!.Close();
        }
    }

    [Fact]
    public void echo_then_close_delivers_the_echo_before_close_notify()
    {
        var loop = new SelectorEventLoop();
        var clientApp = new RecordingProtocol();
        var serverApp = new EchoClose();
        var client = new SSLProtocol(loop, clientApp, SslProtocolPairTests.ClientContext(), null, serverHostname: "localhost");
        var server = new SSLProtocol(loop, serverApp, SslProtocolPairTests.ServerContext(), null, serverSide: true);
        MemoryPipeTransport.Pair(loop, client, server);
        var deadline = loop.Time() + 10;
        while (clientApp.Transport is null && loop.Time() < deadline)
        {
            loop.RunUntilComplete(Asyncio.Sleep(0.001));
        }
        ((Transport)clientApp.Transport!).Write("ping\n"u8);
        while (!clientApp.Lost && loop.Time() < deadline)
        {
            loop.RunUntilComplete(Asyncio.Sleep(0.001));
        }
        Assert.Equal("ping\n", System.Text.Encoding.ASCII.GetString(clientApp.Data.ToArray()));
        Assert.Equal(new[] { "made", "data", "eof", "lost" }, clientApp.Events);
        loop.Close();
    }
}
