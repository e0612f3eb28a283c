using AsyncioSharp;
using AsyncioSharp.Ssl;
using AsyncioSharp.Tests.Ssl;
using Xunit;

namespace AsyncioSharp.Conformance;

/// <summary>The unix-socket TLS tests of CPython's test_events <c>EventLoopTestsMixin</c>.</summary>
public partial class EventLoopTestsMixin
{
    [Fact]
    public void test_create_ssl_unix_connection()
    {
        using var httpd = TestHttpsServer.RunUnix();
        Coroutine<(BaseTransport, BaseProtocol)> CreateConnection(object ssl) =>
            Loop.CreateUnixConnection(() => new MyProto(Loop), httpd.Path, ssl: ssl, serverHostname: "127.0.0.1");
        BasetestCreateSslConnection(CreateConnection(TlsSupport.DummyClientContext()), peername: httpd.Address);

        // ssl=True is create_default_context(): the system's CAs do not know the test CA, so verification fails.
        var exc = Assert.ThrowsAny<SSLError>(() => Loop.RunUntilComplete(CreateConnection(true)));
        Assert.Equal("CERTIFICATE_VERIFY_FAILED", exc.Reason);
    }

    /// <summary>CPython's <c>_make_ssl_unix_server</c>.</summary>
    private (AbstractServer Server, string Path) MakeSslUnixServer(Func<BaseProtocol> factory, string certfile, string? keyfile = null)
    {
        var sslcontext = new SSLContext(SslModule.PROTOCOL_TLS_SERVER);
        sslcontext.LoadCertChain(certfile, keyfile);
        return MakeUnixServer(factory, sslcontext);
    }

    private void CloseServer(AbstractServer server)
    {
        server.Close();
        Loop.RunUntilComplete(server.WaitClosed());
    }

    [Fact]
    public void test_create_unix_server_ssl()
    {
        var proto = new MyProto(Loop);
        var (server, path) = MakeSslUnixServer(() => proto, TestCerts.ServerCert, TestCerts.ServerKey);
        var fC = Loop.CreateUnixConnection(() => new MyBaseProto(), path, ssl: TlsSupport.DummyClientContext(),
            serverHostname: "");
        var (client, _) = Loop.RunUntilComplete(fC);

        ((Transport)client).Write("xxx"u8);
        AssertServerGotXxxAndCloses(proto);

        // the client socket must be closed after to avoid ECONNRESET upon recv()/send() on the serving socket
        client.Close();

        // stop serving
        CloseServer(server);
    }

    [Fact]
    public void test_create_unix_server_ssl_verify_failed()
    {
        var proto = new MyProto(Loop);
        var (server, path) = MakeSslUnixServer(() => proto, TestCerts.ServerCert, TestCerts.ServerKey);
        var sslcontextClient = new SSLContext(SslModule.PROTOCOL_TLS_CLIENT) { VerifyMode = VerifyMode.CERT_REQUIRED, CheckHostname = true };

        // no CA loaded
        var fC = Loop.CreateUnixConnection(() => new MyProto(), path, ssl: sslcontextClient, serverHostname: "invalid");
        var exc = Assert.ThrowsAny<SSLError>(() => Loop.RunUntilComplete(fC));
        Assert.Matches("(?i)certificate.verify.failed", exc.Message);
        RunBriefly();

        // CPython's server never sees the connection; .NET verifies after the TLS exchange, so the server may see
        // it made, and then lost (as test_create_server_ssl_verify_failed).
        RunUntil(() => proto.Transport is null || proto.State == "CLOSED");
        TakeUnhandled();
        CloseServer(server);
    }

    [Fact]
    public void test_create_unix_server_ssl_verified()
    {
        var proto = new MyProto(Loop);
        var (server, path) = MakeSslUnixServer(() => proto, TestCerts.ServerCert, TestCerts.ServerKey);
        var sslcontextClient = new SSLContext(SslModule.PROTOCOL_TLS_CLIENT) { VerifyMode = VerifyMode.CERT_REQUIRED };
        sslcontextClient.LoadVerifyLocations(cafile: TestCerts.CaFile);
        sslcontextClient.CheckHostname = true;

        // Connection succeeds with correct CA and server hostname.
        var fC = Loop.CreateUnixConnection(() => new MyProto(), path, ssl: sslcontextClient, serverHostname: "localhost");
        var (client, _) = Loop.RunUntilComplete(fC);
        Loop.RunUntilComplete(proto.Connected!);

        // close connection
        proto.Transport!.Close();
        client.Close();
        Loop.RunUntilComplete(proto.Done!);
        CloseServer(server);
    }
}
