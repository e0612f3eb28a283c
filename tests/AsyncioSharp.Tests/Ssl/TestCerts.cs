using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace AsyncioSharp.Tests.Ssl;

/// <summary>
/// Certificates made by the tests, written as PEM files to a temporary directory once per process: a CA, a server
/// certificate for localhost/127.0.0.1/::1 (RSA), one with an EC key, an expired one, a client certificate, a
/// self-signed one, an encrypted key, and a second CA nobody trusts.
/// </summary>
public static class TestCerts
{
    private static readonly Lazy<string> DirLazy = new(Create);

    /// <summary>The directory holding the PEM files.</summary>
    public static string Dir => DirLazy.Value;

    /// <summary>The CA certificate (PEM) that signed every certificate below except the self-signed and untrusted ones.</summary>
    public static string CaFile => Path.Combine(Dir, "ca.pem");

    /// <summary>Server certificate with SANs localhost, 127.0.0.1, ::1 (RSA 2048).</summary>
    public static string ServerCert => Path.Combine(Dir, "server.pem");

    /// <summary>The server certificate's private key.</summary>
    public static string ServerKey => Path.Combine(Dir, "server.key");

    /// <summary>Certificate and EC key in one file.</summary>
    public static string EcCertAndKey => Path.Combine(Dir, "ec.pem");

    /// <summary>An expired server certificate for localhost.</summary>
    public static string ExpiredCert => Path.Combine(Dir, "expired.pem");

    /// <summary>The expired certificate's key.</summary>
    public static string ExpiredKey => Path.Combine(Dir, "expired.key");

    /// <summary>Client certificate (clientAuth usage), signed by the CA.</summary>
    public static string ClientCert => Path.Combine(Dir, "client.pem");

    /// <summary>The client certificate's key.</summary>
    public static string ClientKey => Path.Combine(Dir, "client.key");

    /// <summary>The server key, PKCS#8-encrypted with <see cref="KeyPassword"/>.</summary>
    public static string EncryptedServerKey => Path.Combine(Dir, "server-encrypted.key");

    /// <summary>The password of <see cref="EncryptedServerKey"/>.</summary>
    public const string KeyPassword = "somepass";

    /// <summary>A localhost certificate signed by a CA that is not in <see cref="CaFile"/>.</summary>
    public static string UntrustedCert => Path.Combine(Dir, "untrusted.pem");

    /// <summary>The key of <see cref="UntrustedCert"/>.</summary>
    public static string UntrustedKey => Path.Combine(Dir, "untrusted.key");

    /// <summary>A certificate for "otherhost" only, signed by the CA (for hostname mismatches).</summary>
    public static string OtherHostCert => Path.Combine(Dir, "otherhost.pem");

    /// <summary>The key of <see cref="OtherHostCert"/>.</summary>
    public static string OtherHostKey => Path.Combine(Dir, "otherhost.key");

    private static string Create()
    {
        var dir = Path.Combine(Path.GetTempPath(), "asynciosharp-certs-" + Environment.ProcessId);
        Directory.CreateDirectory(dir);
        var now = DateTimeOffset.UtcNow;
        using var ca = MakeCa("AsyncioSharp Test CA", now);
        using var other = MakeCa("Untrusted CA", now);
        File.WriteAllText(Path.Combine(dir, "ca.pem"), ca.ExportCertificatePem());

        using var serverKey = RSA.Create(2048);
        WriteLeaf(dir, "server", ca, serverKey, "localhost", now.AddDays(-1), now.AddDays(30), server: true, new[] { "localhost" });
        File.WriteAllText(Path.Combine(dir, "server-encrypted.key"), serverKey.ExportEncryptedPkcs8PrivateKeyPem(KeyPassword,
            new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 10000)));

        using var ecKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var ec = Sign(ca, new CertificateRequest("CN=localhost", ecKey, HashAlgorithmName.SHA256), now.AddDays(-1), now.AddDays(30), true, new[] { "localhost" });
        File.WriteAllText(Path.Combine(dir, "ec.pem"), ec.ExportCertificatePem() + "\n" + ecKey.ExportECPrivateKeyPem());

        using var expiredKey = RSA.Create(2048);
        WriteLeaf(dir, "expired", ca, expiredKey, "localhost", now.AddDays(-30), now.AddDays(-1), server: true, new[] { "localhost" });
        using var clientKey = RSA.Create(2048);
        WriteLeaf(dir, "client", ca, clientKey, "client", now.AddDays(-1), now.AddDays(30), server: false, Array.Empty<string>());
        using var untrustedKey = RSA.Create(2048);
        WriteLeaf(dir, "untrusted", other, untrustedKey, "localhost", now.AddDays(-1), now.AddDays(30), server: true, new[] { "localhost" });
        using var otherKey = RSA.Create(2048);
        WriteLeaf(dir, "otherhost", ca, otherKey, "otherhost", now.AddDays(-1), now.AddDays(30), server: true, new[] { "otherhost" }, withIps: false);
        return dir;
    }

    private static X509Certificate2 MakeCa(string name, DateTimeOffset now)
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(now.AddDays(-60), now.AddYears(1));
    }

    private static void WriteLeaf(string dir, string name, X509Certificate2 ca, RSA key, string cn, DateTimeOffset notBefore,
        DateTimeOffset notAfter, bool server, string[] dnsNames, bool withIps = true)
    {
        var request = new CertificateRequest($"CN={cn}", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var cert = Sign(ca, request, notBefore, notAfter, server, dnsNames, withIps && server);
        File.WriteAllText(Path.Combine(dir, name + ".pem"), cert.ExportCertificatePem());
        File.WriteAllText(Path.Combine(dir, name + ".key"), key.ExportPkcs8PrivateKeyPem());
    }

    private static X509Certificate2 Sign(X509Certificate2 ca, CertificateRequest request, DateTimeOffset notBefore, DateTimeOffset notAfter,
        bool server, string[] dnsNames, bool withIps = true)
    {
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            new OidCollection { new Oid(server ? "1.3.6.1.5.5.7.3.1" : "1.3.6.1.5.5.7.3.2") }, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        if (dnsNames.Length > 0)
        {
            var san = new SubjectAlternativeNameBuilder();
            foreach (var dns in dnsNames)
            {
                san.AddDnsName(dns);
            }
            if (withIps)
            {
                san.AddIpAddress(IPAddress.Loopback);
                san.AddIpAddress(IPAddress.IPv6Loopback);
            }
            request.CertificateExtensions.Add(san.Build());
        }
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using var caKey = ca.GetRSAPrivateKey()!;
        var generator = X509SignatureGenerator.CreateForRSA(caKey, RSASignaturePadding.Pkcs1);
        return request.Create(ca.SubjectName, generator, notBefore, notAfter, serial);
    }
}
