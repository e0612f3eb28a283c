using System.Collections.Generic;
using System.IO;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace AsyncioSharp.Ssl;

/// <summary>
/// Python's <c>ssl</c> module: its functions and constants. Named SslModule because a class named <c>Ssl</c> would
/// collide with this namespace (docs/naming.md).
/// </summary>
public static class SslModule
{
    /// <summary>Python's <c>ssl.PROTOCOL_TLS_CLIENT</c>.</summary>
    public const _SSLMethod PROTOCOL_TLS_CLIENT = _SSLMethod.PROTOCOL_TLS_CLIENT;

    /// <summary>Python's <c>ssl.PROTOCOL_TLS_SERVER</c>.</summary>
    public const _SSLMethod PROTOCOL_TLS_SERVER = _SSLMethod.PROTOCOL_TLS_SERVER;

    /// <summary>Python's <c>ssl.PROTOCOL_TLS</c>.</summary>
    public const _SSLMethod PROTOCOL_TLS = _SSLMethod.PROTOCOL_TLS;

    /// <summary>Python's <c>ssl.CERT_NONE</c>.</summary>
    public const VerifyMode CERT_NONE = VerifyMode.CERT_NONE;

    /// <summary>Python's <c>ssl.CERT_OPTIONAL</c>.</summary>
    public const VerifyMode CERT_OPTIONAL = VerifyMode.CERT_OPTIONAL;

    /// <summary>Python's <c>ssl.CERT_REQUIRED</c>.</summary>
    public const VerifyMode CERT_REQUIRED = VerifyMode.CERT_REQUIRED;

    /// <summary>Python's <c>ssl.HAS_ALPN</c>.</summary>
    public const bool HAS_ALPN = true;

    /// <summary>Python's <c>ssl.HAS_SNI</c>.</summary>
    public const bool HAS_SNI = true;

    /// <summary>
    /// Python's <c>ssl.create_default_context(purpose=Purpose.SERVER_AUTH, *, cafile=None, capath=None, cadata=None)</c>:
    /// for SERVER_AUTH a client context (hostname checked, certificate required), for CLIENT_AUTH a server context;
    /// trusting the given CAs, or the system store when none are given.
    /// </summary>
    public static SSLContext CreateDefaultContext(Purpose purpose = Purpose.SERVER_AUTH, string? cafile = null,
        string? capath = null, object? cadata = null)
    {
        var context = new SSLContext(purpose == Purpose.SERVER_AUTH ? _SSLMethod.PROTOCOL_TLS_CLIENT : _SSLMethod.PROTOCOL_TLS_SERVER);
        if (cafile is not null || capath is not null || cadata is not null)
        {
            context.LoadVerifyLocations(cafile, capath, cadata);
        }
        else if (context.VerifyMode != VerifyMode.CERT_NONE)
        {
            context.LoadDefaultCerts(purpose);
        }
        return context;
    }

    /// <summary>
    /// Python's <c>ssl._ssl._test_decode_cert(path)</c>: the <c>getpeercert()</c> dict of the first certificate in a
    /// PEM file (lists stand for Python's tuples).
    /// </summary>
    public static Dictionary<string, object?> _TestDecodeCert(string path)
    {
        X509Certificate2 cert;
        try
        {
            cert = X509Certificate2.CreateFromPem(File.ReadAllText(path));
        }
        catch (CryptographicException)
        {
            throw new SSLError("Error decoding PEM-encoded file");
        }
        using (cert)
        {
            return CertificateDecoder.Decode(cert);
        }
    }
}
