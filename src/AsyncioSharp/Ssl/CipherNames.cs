using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Net.Security;

namespace AsyncioSharp.Ssl;

/// <summary>Cipher suite names as OpenSSL (and so Python) spells them, from .NET's IANA-named <see cref="TlsCipherSuite"/>.</summary>
internal static class CipherNames
{
    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal)
    {
        "ALL", "DEFAULT", "COMPLEMENTOFDEFAULT", "COMPLEMENTOFALL", "HIGH", "MEDIUM", "LOW", "eNULL", "NULL", "aNULL",
        "kRSA", "aRSA", "RSA", "kDHE", "kEDH", "DH", "DHE", "EDH", "ADH", "kECDHE", "kEECDH", "ECDH", "ECDHE", "EECDH",
        "AECDH", "aECDSA", "ECDSA", "AES", "AES128", "AES256", "AESGCM", "CHACHA20", "SHA1", "SHA", "SHA256", "SHA384",
        "MD5", "RC4", "3DES", "DES", "PSK", "SRP", "CAMELLIA", "SEED", "IDEA", "aPSK", "kPSK", "TLSv1.2", "TLSv1", "SSLv3",
        "EXPORT", "@STRENGTH", "@SECLEVEL=0", "@SECLEVEL=1", "@SECLEVEL=2",
    };

    // Worked out once per suite: every handshake asks, and naming an enum value is slow.
    private static readonly ConcurrentDictionary<TlsCipherSuite, string> OpenSslNames = new();
    private static readonly ConcurrentDictionary<TlsCipherSuite, int> Bits = new();

    /// <summary>OpenSSL's name: <c>TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256</c> -> <c>ECDHE-RSA-AES128-GCM-SHA256</c>.</summary>
    public static string OpenSslName(TlsCipherSuite suite) => OpenSslNames.GetOrAdd(suite, static s => ComputeOpenSslName(s));

    private static string ComputeOpenSslName(TlsCipherSuite suite)
    {
        var iana = suite.ToString();
        var with = iana.IndexOf("_WITH_", StringComparison.Ordinal);
        if (with < 0)
        {
            return iana;
        }
        var kx = iana[4..with];
        var cipher = iana[(with + 6)..]
            .Replace("AES_128", "AES128", StringComparison.Ordinal)
            .Replace("AES_256", "AES256", StringComparison.Ordinal)
            .Replace("_CBC", "", StringComparison.Ordinal)
            .Replace("CHACHA20_POLY1305_SHA256", "CHACHA20_POLY1305", StringComparison.Ordinal)
            .Replace('_', '-');
        return kx == "RSA" ? cipher : kx.Replace('_', '-') + "-" + cipher;
    }

    /// <summary>The secret key bits of a suite, as Python's <c>cipher()</c> reports them.</summary>
    public static int SecretBits(TlsCipherSuite suite) => Bits.GetOrAdd(suite, static s => ComputeSecretBits(s));

    private static int ComputeSecretBits(TlsCipherSuite suite)
    {
        var name = suite.ToString();
        return name.Contains("AES_128", StringComparison.Ordinal) ? 128
            : name.Contains("AES_256", StringComparison.Ordinal) || name.Contains("CHACHA20", StringComparison.Ordinal) ? 256
            : 0;
    }

    /// <summary>The TLS 1.3 suites (the ones named without a key exchange).</summary>
    public static IEnumerable<TlsCipherSuite> Tls13Suites() => Enum.GetValues<TlsCipherSuite>()
        .Where(s => s.ToString() is "TLS_AES_128_GCM_SHA256" or "TLS_AES_256_GCM_SHA384" or "TLS_CHACHA20_POLY1305_SHA256");

    /// <summary>The suites named with a key exchange (TLS 1.2 and older).</summary>
    public static IEnumerable<TlsCipherSuite> Tls12Suites() => Enum.GetValues<TlsCipherSuite>()
        .Where(s => s.ToString().Contains("_WITH_", StringComparison.Ordinal));

    /// <summary>True for an OpenSSL cipher-list keyword (a group, not a single suite).</summary>
    public static bool IsKeyword(string token) => Keywords.Contains(token) || token.Contains('+', StringComparison.Ordinal);
}
