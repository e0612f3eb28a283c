using System.Net;
using System.Net.Sockets;
using AsyncioSharp;
using AsyncioSharp.Ssl;
using AsyncioSharp.Tests.Ssl;
using Xunit;

namespace AsyncioSharp.Conformance;

/// <summary>The TLS tests of CPython's test_events <c>EventLoopTestsMixin</c>.</summary>
public partial class EventLoopTestsMixin
{
    static EventLoopTestsMixin() => TlsSupport.Prime();

    private static void CheckSslExtraInfo(BaseTransport client, bool checkSockname = true, EndPoint? peername = null,
        Dictionary<string, object?>? peercert = null)
    {
        if (checkSockname)
        {
            Assert.NotNull(client.GetExtraInfo("sockname"));
        }
        if (peername is not null)
        {
            Assert.Equal(peername, client.GetExtraInfo("peername"));
        }
        else
        {
            Assert.NotNull(client.GetExtraInfo("peername"));
        }
        var info = Assert.IsType<Dictionary<string, object?>>(client.GetExtraInfo("peercert"));
        if (peercert is null)
        {
            Assert.Empty(info);
        }
        else
        {
            Assert.Equal(peercert.Keys.OrderBy(k => k), info.Keys.OrderBy(k => k));
        }
        var cipher = ((string Name, string Protocol, int Bits)?)client.GetExtraInfo("cipher");
        Assert.NotNull(cipher);
        Assert.False(string.IsNullOrEmpty(cipher!.Value.Name));
        Assert.False(string.IsNullOrEmpty(cipher.Value.Protocol));
        var sslobj = Assert.IsType<SSLObject>(client.GetExtraInfo("ssl_object"));
        Assert.Equal(sslobj.Compression(), client.GetExtraInfo("compression"));
        Assert.Equal(sslobj.Cipher(), client.GetExtraInfo("cipher"));
        Assert.Equal(((Dictionary<string, object?>)sslobj.Getpeercert()!).Keys, info.Keys);
    }

    private void BasetestCreateSslConnection(IAwaitable<(BaseTransport Transport, BaseProtocol Protocol)> connectionFut,
        bool checkSockname = true, EndPoint? peername = null)
    {
        var (tr, pr) = Loop.RunUntilComplete(connectionFut);
        Assert.IsAssignableFrom<Transport>(tr);
        Assert.IsAssignableFrom<Protocol>(pr);
        Assert.Contains("ssl", tr.GetType().Name.ToLowerInvariant());
        CheckSslExtraInfo(tr, checkSockname, peername);
        var proto = (MyProto)pr;
        Loop.RunUntilComplete(proto.Done!);
        Assert.True(proto.Nbytes > 0);
        tr.Close();
    }

    [Fact]
    public void test_create_ssl_connection()
    {
        using var httpd = new TestHttpsServer();
        Coroutine<(BaseTransport, BaseProtocol)> CreateConnection(object ssl) =>
            Loop.CreateConnection(() => new MyProto(Loop), httpd.Host, httpd.Port, ssl: ssl);
        BasetestCreateSslConnection(CreateConnection(TlsSupport.DummyClientContext()), peername: httpd.Address);

        // ssl=True is create_default_context(): the system's CAs do not know the test CA, so verification fails.
        var exc = Assert.ThrowsAny<SSLError>(() => Loop.RunUntilComplete(CreateConnection(true)));
        Assert.Equal("CERTIFICATE_VERIFY_FAILED", exc.Reason);
    }

    private (Server Server, string Host, int Port) MakeSslServer(Func<BaseProtocol> factory, string certfile, string? keyfile = null)
    {
        var sslcontext = new SSLContext(SslModule.PROTOCOL_TLS_SERVER);
        sslcontext.LoadCertChain(certfile, keyfile);
        var server = (Server)Loop.RunUntilComplete(Loop.CreateServer(factory, "127.0.0.1", 0, ssl: sslcontext));
        var address = (IPEndPoint)server.Sockets[0].Getsockname();
        Assert.Equal("127.0.0.1", address.Address.ToString());
        return (server, address.Address.ToString(), address.Port);
    }

    [Fact]
    public void test_create_server_ssl()
    {
        var proto = new MyProto(Loop);
        var (server, host, port) = MakeSslServer(() => proto, TestCerts.ServerCert, TestCerts.ServerKey);
        var fC = Loop.CreateConnection(() => new MyBaseProto(), host, port, ssl: TlsSupport.DummyClientContext());
        var (client, _) = Loop.RunUntilComplete(fC);
        ((Transport)client).Write("xxx"u8);
        Loop.RunUntilComplete(proto.Connected!);
        Assert.Equal("CONNECTED", proto.State);
        RunUntil(() => proto.Nbytes > 0);
        Assert.Equal(3, proto.Nbytes);
        CheckSslExtraInfo(client, peername: new IPEndPoint(IPAddress.Parse(host), port));
        proto.Transport!.Close();
        Loop.RunUntilComplete(proto.Done!);
        Assert.Equal("CLOSED", proto.State);
        client.Close();
        server.Close();
        Loop.RunUntilComplete(server.WaitClosed());
    }

    [Fact]
    public void test_create_server_ssl_verify_failed()
    {
        var proto = new MyProto(Loop);
        var (server, host, port) = MakeSslServer(() => proto, TestCerts.ServerCert, TestCerts.ServerKey);
        var sslcontextClient = new SSLContext(SslModule.PROTOCOL_TLS_CLIENT) { VerifyMode = VerifyMode.CERT_REQUIRED, CheckHostname = true };
        // no CA loaded
        var fC = Loop.CreateConnection(() => new MyProto(), host, port, ssl: sslcontextClient);
        var exc = Assert.ThrowsAny<SSLError>(() => Loop.RunUntilComplete(fC));
        Assert.Matches("(?i)certificate.verify.failed", exc.Message);
        RunBriefly();
        // CPython's server never sees the connection (the client's alert ends its handshake); .NET verifies after
        // the TLS exchange, so the server may see it made, and then lost.
        RunUntil(() => proto.Transport is null || proto.State == "CLOSED");
        server.Close();
        Loop.RunUntilComplete(server.WaitClosed());
    }

    [Fact]
    public void test_create_server_ssl_match_failed()
    {
        var proto = new MyProto(Loop);
        var (server, host, port) = MakeSslServer(() => proto, TestCerts.OtherHostCert, TestCerts.OtherHostKey);
        var sslcontextClient = new SSLContext(SslModule.PROTOCOL_TLS_CLIENT) { VerifyMode = VerifyMode.CERT_REQUIRED };
        sslcontextClient.LoadVerifyLocations(cafile: TestCerts.CaFile);
        sslcontextClient.CheckHostname = true;
        // incorrect server_hostname
        var fC = Loop.CreateConnection(() => new MyProto(), host, port, ssl: sslcontextClient);
        var exc = Assert.ThrowsAny<SSLCertVerificationError>(() => Loop.RunUntilComplete(fC));
        Assert.Contains("IP address mismatch, certificate is not valid for '127.0.0.1'", exc.Message);
        RunUntil(() => proto.Transport is null || proto.State == "CLOSED");
        server.Close();
        Loop.RunUntilComplete(server.WaitClosed());
    }

    [Fact]
    public void test_create_server_ssl_verified()
    {
        var proto = new MyProto(Loop);
        var (server, host, port) = MakeSslServer(() => proto, TestCerts.ServerCert, TestCerts.ServerKey);
        var sslcontextClient = new SSLContext(SslModule.PROTOCOL_TLS_CLIENT) { VerifyMode = VerifyMode.CERT_REQUIRED };
        sslcontextClient.LoadVerifyLocations(cafile: TestCerts.CaFile);
        sslcontextClient.CheckHostname = true;
        // Connection succeeds with correct CA and server hostname.
        var fC = Loop.CreateConnection(() => new MyProto(), host, port, ssl: sslcontextClient, serverHostname: "localhost");
        var (client, _) = Loop.RunUntilComplete(fC);
        Loop.RunUntilComplete(proto.Connected!);
        var expected = new Dictionary<string, object?>
        {
            ["subject"] = null, ["issuer"] = null, ["version"] = null, ["serialNumber"] = null,
            ["notBefore"] = null, ["notAfter"] = null, ["subjectAltName"] = null,
        };
        CheckSslExtraInfo(client, peername: new IPEndPoint(IPAddress.Parse(host), port), peercert: expected);
        proto.Transport!.Close();
        client.Close();
        server.Close();
        Loop.RunUntilComplete(proto.Done!);
        Loop.RunUntilComplete(server.WaitClosed());
    }

    [Fact]
    public void test_ssl_connect_accepted_socket()
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
            using var ssl = new System.Net.Security.SslStream(new NetworkStream(csock), false, (_, _, _, _) => true);
            ssl.AuthenticateAsClient("localhost");
            ssl.Write(message);
            var buf = new byte[99];
            var n = ssl.Read(buf);
            response = buf[..n];
        });
        thread.Start();

        var conn = lsock.Accept();
        var proto = new RogerProto(Loop);
        Loop.RunUntilComplete(Loop.ConnectAcceptedSocket(() => proto, conn, ssl: TlsSupport.ServerContext()));
        Loop.RunForever();
        proto.Transport!.Close();
        thread.Join();
        Assert.Equal("CLOSED", proto.State);
        Assert.Equal(message.Length, proto.Nbytes);
        Assert.Equal("roger"u8.ToArray(), response);
    }
}
