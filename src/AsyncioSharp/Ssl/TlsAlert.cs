using System.Security.Authentication;

namespace AsyncioSharp.Ssl;

/// <summary>
/// The fatal alert OpenSSL sends when it rejects the peer's certificate, for the verdicts .NET reaches after its
/// OpenSSL handshake is over (SslStream on Linux validates the peer once OpenSSL is done, and sends no alert).
/// </summary>
internal static class TlsAlert
{
    /// <summary>handshake_failure: also what a TLS 1.2 server sends a client that gave no certificate though one was required.</summary>
    public const byte HandshakeFailure = 40;
    private const byte BadCertificate = 42;
    private const byte UnsupportedCertificate = 43;
    private const byte CertificateRevoked = 44;
    private const byte CertificateExpired = 45;
    private const byte CertificateUnknown = 46;
    private const byte UnknownCa = 48;
    private const byte DecryptError = 51;
    private const byte InternalError = 80;

    /// <summary>
    /// A plaintext fatal alert record. Plaintext is what TLS 1.2 sends before ChangeCipherSpec; in TLS 1.3 the
    /// alert would be encrypted, which needs OpenSSL's keys, but an OpenSSL peer accepts a plaintext alert until it
    /// decrypted the first protected record of ours (ENC_READ_STATE_ALLOW_PLAIN_ALERTS).
    /// </summary>
    public static byte[] Record(SslProtocols protocol, byte description)
    {
#pragma warning disable SYSLIB0039 // naming an old protocol's record version is not using it
        byte minor = protocol switch
        {
            SslProtocols.Tls => 1,
            SslProtocols.Tls11 => 2,
            _ => 3,
        };
#pragma warning restore SYSLIB0039
        return [21, 3, minor, 0, 2, 2, description];
    }

    /// <summary>OpenSSL's <c>ssl_x509err2alert</c>: the alert for a verify error (X509_V_ERR_* code).</summary>
    public static byte ForVerifyCode(int verifyCode) => verifyCode switch
    {
        50 => HandshakeFailure, // X509_V_ERR_APPLICATION_VERIFICATION
        10 or 12 => CertificateExpired, // CERT_HAS_EXPIRED, CRL_HAS_EXPIRED
        4 or 5 or 6 or 9 or 11 or 13 or 14 or 15 or 16 or 27 or 28 or (>= 62 and <= 68) or 94 => BadCertificate,
        23 => CertificateRevoked,
        7 or 8 => DecryptError, // CERT_SIGNATURE_FAILURE, CRL_SIGNATURE_FAILURE
        2 or 3 or 18 or 19 or 20 or 21 or 22 or 24 or 25 or 33 => UnknownCa,
        26 => UnsupportedCertificate, // INVALID_PURPOSE
        1 or 17 or 69 or 70 => InternalError, // UNSPECIFIED, OUT_OF_MEM, INVALID_CALL, STORE_LOOKUP
        _ => CertificateUnknown,
    };
}
