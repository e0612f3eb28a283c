using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using AsyncioSharp.Ssl;
using Xunit;

namespace AsyncioSharp.Tests.Ssl;

/// <summary>
/// getpeercert()'s dict as CPython's _ssl._decode_certificate builds it with OpenSSL (the values below are what stock
/// python3's ssl._ssl._test_decode_cert prints for such a certificate). pyproject-tests/tests/test_dotnet_certs.py
/// compares against stock python3 itself for every certificate of CPython's Lib/test/certdata.
/// </summary>
public class CertificateDecoderTests
{
    [Fact]
    public void decode_gives_openssl_fields_and_formats()
    {
        using var key = RSA.Create(2048);
        var name = new X500DistinguishedNameBuilder();
        name.AddCountryOrRegion("XY");
        name.AddCommonName("decoder");
        var request = new CertificateRequest(name.Build(), key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("localhost");
        san.AddIpAddress(IPAddress.IPv6Loopback);
        san.AddIpAddress(IPAddress.Parse("192.0.2.1"));
        san.AddEmailAddress("user@example.org");
        san.AddUri(new Uri("https://www.python.org/"));
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509AuthorityInformationAccessExtension(
            ["http://ca.example/ocsp"], ["http://ca.example/ca.cer"]));
        request.CertificateExtensions.Add(CertificateRevocationListBuilder.BuildCrlDistributionPointExtension(
            ["http://ca.example/ca.crl"]));
        using var cert = request.Create(request.SubjectName, X509SignatureGenerator.CreateForRSA(key, RSASignaturePadding.Pkcs1),
            new DateTimeOffset(2020, 1, 5, 3, 4, 5, TimeSpan.Zero), new DateTimeOffset(2037, 10, 28, 14, 23, 16, TimeSpan.Zero),
            [0x00, 0x98, 0xA7]);
        var path = Path.Combine(Path.GetTempPath(), $"decoder-{Guid.NewGuid():N}.pem");
        File.WriteAllText(path, cert.ExportCertificatePem());
        try
        {
            var dict = SslModule._TestDecodeCert(path);
            Assert.Equal(["subject", "issuer", "version", "serialNumber", "notBefore", "notAfter", "subjectAltName",
                "OCSP", "caIssuers", "crlDistributionPoints"], dict.Keys);
            var subject = (List<List<(string, string)>>)dict["subject"]!;
            // In DER order, which X500DistinguishedNameBuilder makes the reverse of the calls'.
            Assert.Equal([[("commonName", "decoder")], [("countryName", "XY")]], subject);
            Assert.Equal(3, dict["version"]);
            // i2a_ASN1_INTEGER: the magnitude, without DER's sign byte.
            Assert.Equal("98A7", dict["serialNumber"]);
            // ASN1_TIME_print pads the day with a space.
            Assert.Equal("Jan  5 03:04:05 2020 GMT", dict["notBefore"]);
            Assert.Equal("Oct 28 14:23:16 2037 GMT", dict["notAfter"]);
            Assert.Equal(new List<(string, object)>
            {
                ("DNS", "localhost"), ("IP Address", "0:0:0:0:0:0:0:1"), ("IP Address", "192.0.2.1"),
                ("email", "user@example.org"), ("URI", "https://www.python.org/"),
            }, (List<(string, object)>)dict["subjectAltName"]!);
            Assert.Equal(["http://ca.example/ocsp"], (List<object>)dict["OCSP"]!);
            Assert.Equal(["http://ca.example/ca.cer"], (List<object>)dict["caIssuers"]!);
            Assert.Equal(["http://ca.example/ca.crl"], (List<object>)dict["crlDistributionPoints"]!);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void decode_of_a_file_without_a_certificate_is_an_ssl_error()
    {
        var path = Path.Combine(Path.GetTempPath(), $"decoder-{Guid.NewGuid():N}.pem");
        File.WriteAllText(path, "not a certificate");
        try
        {
            var e = Assert.Throws<SSLError>(() => SslModule._TestDecodeCert(path));
            Assert.Equal("Error decoding PEM-encoded file", e.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
