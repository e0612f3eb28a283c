using AsyncioSharp.Ssl;
using AsyncioSharp.Tests.Ssl;

namespace AsyncioSharp.Conformance;

/// <summary>
/// Shared by the TLS test classes: the test certificates, CPython's test_utils TLS helpers, and a one-time
/// handshake that lets the runtime open what OpenSSL opens once per process, so those descriptors are not leaks.
/// </summary>
internal static class TlsSupport
{
    private static readonly Lazy<bool> Primed = new(() =>
    {
        var ci = new MemoryBIO();
        var co = new MemoryBIO();
        var si = new MemoryBIO();
        var so = new MemoryBIO();
        var client = ClientContext().WrapBio(ci, co, false, "localhost");
        var server = ServerContext().WrapBio(si, so, true);
        for (var i = 0; i < 20; i++)
        {
            Step(client.DoHandshake);
            si.Write(co.Read());
            Step(server.DoHandshake);
            ci.Write(so.Read());
        }
        return true;
    });

    /// <summary>Runs the one-time handshake.</summary>
    public static void Prime() => _ = Primed.Value;

    /// <summary>CPython's <c>test_utils.simple_server_sslcontext()</c>: the server certificate, no client verification.</summary>
    public static SSLContext ServerContext()
    {
        var context = new SSLContext(SslModule.PROTOCOL_TLS_SERVER);
        context.LoadCertChain(TestCerts.ServerCert, TestCerts.ServerKey);
        return context;
    }

    /// <summary>A client context trusting the test CA (hostname checked).</summary>
    public static SSLContext ClientContext()
    {
        var context = new SSLContext(SslModule.PROTOCOL_TLS_CLIENT);
        context.LoadVerifyLocations(TestCerts.CaFile);
        return context;
    }

    /// <summary>CPython's <c>test_utils.simple_client_sslcontext()</c>: a client context that verifies nothing.</summary>
    public static SSLContext DummyClientContext() =>
        new(SslModule.PROTOCOL_TLS_CLIENT) { CheckHostname = false, VerifyMode = VerifyMode.CERT_NONE };

    private static void Step(Action handshake)
    {
        try
        {
            handshake();
        }
        catch (SSLWantReadError)
        {
        }
    }
}
