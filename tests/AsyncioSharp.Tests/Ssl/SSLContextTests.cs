using AsyncioSharp;
using AsyncioSharp.Ssl;
using Xunit;

namespace AsyncioSharp.Tests.Ssl;

/// <summary>The ssl.SSLContext mirror: defaults, checks and messages as CPython 3.11 has them.</summary>
public class SSLContextTests
{
    [Fact]
    public void client_context_checks_hostnames_and_requires_a_certificate()
    {
        var client = new SSLContext(SslModule.PROTOCOL_TLS_CLIENT);
        Assert.True(client.CheckHostname);
        Assert.Equal(VerifyMode.CERT_REQUIRED, client.VerifyMode);
        Assert.Equal(TLSVersion.TLSv1_2, client.MinimumVersion);
        Assert.Equal(TLSVersion.MAXIMUM_SUPPORTED, client.MaximumVersion);
        var server = new SSLContext(SslModule.PROTOCOL_TLS_SERVER);
        Assert.False(server.CheckHostname);
        Assert.Equal(VerifyMode.CERT_NONE, server.VerifyMode);
    }

    [Fact]
    public void cert_none_with_check_hostname_is_a_value_error()
    {
        var client = new SSLContext(SslModule.PROTOCOL_TLS_CLIENT);
        var e = Assert.Throws<ValueError>(() => client.VerifyMode = VerifyMode.CERT_NONE);
        Assert.Equal("Cannot set verify_mode to CERT_NONE when check_hostname is enabled.", e.Message);
        var server = new SSLContext(SslModule.PROTOCOL_TLS_SERVER);
        server.CheckHostname = true;
        Assert.Equal(VerifyMode.CERT_REQUIRED, server.VerifyMode);
    }

    [Fact]
    public void create_default_context_makes_client_and_server_contexts()
    {
        var client = SslModule.CreateDefaultContext();
        Assert.Equal(_SSLMethod.PROTOCOL_TLS_CLIENT, client.Protocol);
        Assert.True(client.CheckHostname);
        var withCa = SslModule.CreateDefaultContext(cafile: TestCerts.CaFile);
        Assert.Single(withCa.GetCaCerts());
        var server = SslModule.CreateDefaultContext(Purpose.CLIENT_AUTH);
        Assert.Equal(_SSLMethod.PROTOCOL_TLS_SERVER, server.Protocol);
        Assert.Equal(VerifyMode.CERT_NONE, server.VerifyMode);
    }

    [Fact]
    public void load_verify_locations_errors_are_cpythons()
    {
        var context = new SSLContext(SslModule.PROTOCOL_TLS_CLIENT);
        Assert.Equal("cafile, capath and cadata cannot be all omitted", Assert.Throws<TypeError>(() => context.LoadVerifyLocations()).Message);
        var missing = Assert.Throws<FileNotFoundError>(() => context.LoadVerifyLocations("/nonexistent/ca.pem"));
        Assert.Equal(2, missing.Errno);
        var text = Assert.Throws<SSLError>(() => context.LoadVerifyLocations(cadata: "garbage"));
        Assert.Equal("no start line: cadata does not contain a certificate (_ssl.c:4020)", text.Message);
        Assert.Throws<SSLError>(() => context.LoadVerifyLocations(cadata: new byte[] { 1, 2, 3 }));
        context.LoadVerifyLocations(cadata: File.ReadAllText(TestCerts.CaFile));
        context.LoadVerifyLocations(capath: TestCerts.Dir);
        Assert.True(context.GetCaCerts().Count >= 2);
    }

    [Fact]
    public void load_cert_chain_reads_rsa_ec_and_encrypted_keys()
    {
        var context = new SSLContext(SslModule.PROTOCOL_TLS_SERVER);
        context.LoadCertChain(TestCerts.ServerCert, TestCerts.ServerKey);
        context.LoadCertChain(TestCerts.EcCertAndKey);
        context.LoadCertChain(TestCerts.ServerCert, TestCerts.EncryptedServerKey, TestCerts.KeyPassword);
        context.LoadCertChain(TestCerts.ServerCert, TestCerts.EncryptedServerKey, (Func<string>)(() => TestCerts.KeyPassword));
        context.LoadCertChain(TestCerts.ServerCert, TestCerts.EncryptedServerKey, System.Text.Encoding.ASCII.GetBytes(TestCerts.KeyPassword));
    }

    [Fact]
    public void load_cert_chain_errors_are_cpythons()
    {
        var context = new SSLContext(SslModule.PROTOCOL_TLS_SERVER);
        var badPassword = Assert.Throws<SSLError>(() => context.LoadCertChain(TestCerts.ServerCert, TestCerts.EncryptedServerKey, "wrong"));
        Assert.Equal("[SSL] PEM lib (_ssl.c:3926)", badPassword.Message);
        var mismatch = Assert.Throws<SSLError>(() => context.LoadCertChain(TestCerts.ServerCert, TestCerts.ClientKey));
        Assert.Equal("[X509: KEY_VALUES_MISMATCH] key values mismatch (_ssl.c:3926)", mismatch.Message);
        Assert.Equal("KEY_VALUES_MISMATCH", mismatch.Reason);
        Assert.Throws<SSLError>(() => context.LoadCertChain(TestCerts.ServerCert, TestCerts.ServerCert));
        Assert.Equal(2, Assert.Throws<FileNotFoundError>(() => context.LoadCertChain("/nonexistent.pem")).Errno);
    }

    [Fact]
    public void set_ciphers_takes_openssl_names_and_rejects_unknown_ones()
    {
        var context = new SSLContext(SslModule.PROTOCOL_TLS_CLIENT);
        context.SetCiphers("ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384");
        Assert.NotNull(context.CipherPolicy);
        context.SetCiphers("HIGH:!aNULL:!MD5");
        Assert.Null(context.CipherPolicy);
        Assert.Equal("No cipher can be selected.", Assert.Throws<SSLError>(() => context.SetCiphers("FOO")).Message);
    }

    [Fact]
    public void cipher_names_follow_openssl()
    {
        Assert.Equal("ECDHE-RSA-AES128-GCM-SHA256", CipherNames.OpenSslName(System.Net.Security.TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256));
        Assert.Equal("ECDHE-ECDSA-CHACHA20-POLY1305",
            CipherNames.OpenSslName(System.Net.Security.TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256));
        Assert.Equal("AES256-SHA", CipherNames.OpenSslName(System.Net.Security.TlsCipherSuite.TLS_RSA_WITH_AES_256_CBC_SHA));
        Assert.Equal("TLS_AES_256_GCM_SHA384", CipherNames.OpenSslName(System.Net.Security.TlsCipherSuite.TLS_AES_256_GCM_SHA384));
    }

    [Fact]
    public void wrap_bio_checks_the_side_and_hostname()
    {
        var client = new SSLContext(SslModule.PROTOCOL_TLS_CLIENT);
        Assert.Equal("Cannot create a server socket with a PROTOCOL_TLS_CLIENT context",
            Assert.Throws<ValueError>(() => client.WrapBio(new MemoryBIO(), new MemoryBIO(), serverSide: true)).Message);
        var server = new SSLContext(SslModule.PROTOCOL_TLS_SERVER);
        Assert.Equal("Cannot create a client socket with a PROTOCOL_TLS_SERVER context",
            Assert.Throws<ValueError>(() => server.WrapBio(new MemoryBIO(), new MemoryBIO())).Message);
        Assert.Throws<ValueError>(() => client.WrapBio(new MemoryBIO(), new MemoryBIO(), serverHostname: ".example"));
    }

    [Fact]
    public void tls12_only_and_version_bounds_are_honoured()
    {
        var clientContext = new SSLContext(SslModule.PROTOCOL_TLS_CLIENT) { MaximumVersion = TLSVersion.TLSv1_2 };
        clientContext.LoadVerifyLocations(TestCerts.CaFile);
        var serverContext = new SSLContext(SslModule.PROTOCOL_TLS_SERVER);
        serverContext.LoadCertChain(TestCerts.ServerCert, TestCerts.ServerKey);
        var (client, _) = Handshake(clientContext, serverContext);
        Assert.Equal("TLSv1.2", client.Version());
        Assert.Equal("TLSv1.2", client.Cipher()!.Value.Protocol);

        var none = new SSLContext(SslModule.PROTOCOL_TLS_CLIENT) { MinimumVersion = TLSVersion.TLSv1_3, MaximumVersion = TLSVersion.TLSv1_2 };
        var obj = none.WrapBio(new MemoryBIO(), new MemoryBIO(), serverHostname: "localhost");
        Assert.Equal("NO_PROTOCOLS_AVAILABLE", Assert.Throws<SSLError>(obj.DoHandshake).Reason);
    }

    [Fact]
    public void memory_bio_is_pythons()
    {
        var bio = new MemoryBIO();
        Assert.Equal(3, bio.Write("abc"u8));
        Assert.Equal(3, bio.Pending);
        Assert.Equal("ab"u8.ToArray(), bio.Read(2));
        Assert.False(bio.Eof);
        bio.WriteEof();
        Assert.False(bio.Eof);
        Assert.Equal("c"u8.ToArray(), bio.Read());
        Assert.True(bio.Eof);
        Assert.Throws<SSLError>(() => bio.Write("x"u8));
    }

    /// <summary>Runs a handshake between two SSLObjects by moving the BIOs' bytes by hand.</summary>
    internal static (SSLObject Client, SSLObject Server) Handshake(SSLContext clientContext, SSLContext serverContext)
    {
        var ci = new MemoryBIO();
        var co = new MemoryBIO();
        var si = new MemoryBIO();
        var so = new MemoryBIO();
        var client = clientContext.WrapBio(ci, co, serverHostname: "localhost");
        var server = serverContext.WrapBio(si, so, serverSide: true);
        bool clientDone = false, serverDone = false;
        for (var i = 0; i < 50 && !(clientDone && serverDone); i++)
        {
            clientDone = Try(client.DoHandshake);
            si.Write(co.Read());
            serverDone = Try(server.DoHandshake);
            ci.Write(so.Read());
        }
        Assert.True(clientDone && serverDone);
        return (client, server);
    }

    private static bool Try(Action step)
    {
        try
        {
            step();
            return true;
        }
        catch (SSLWantReadError)
        {
            return false;
        }
    }
}
