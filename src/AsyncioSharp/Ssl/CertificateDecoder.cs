using System;
using System.Collections.Generic;
using System.Formats.Asn1;
using System.Globalization;
using System.Numerics;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace AsyncioSharp.Ssl;

/// <summary>
/// CPython's <c>_ssl._decode_certificate</c>: the dict <c>getpeercert()</c> returns, field for field as OpenSSL
/// prints them (subject and issuer as tuples of RDNs, serialNumber in uppercase hex, dates as ASN1_TIME_print,
/// subjectAltName of every GeneralName kind, OCSP, caIssuers and crlDistributionPoints URIs). Lists stand for
/// Python's tuples; the extensions are read with <see cref="AsnReader"/>.
/// </summary>
internal static class CertificateDecoder
{
    private const string SubjectAltNameOid = "2.5.29.17";
    private const string AuthorityInfoAccessOid = "1.3.6.1.5.5.7.1.1";
    private const string CrlDistributionPointsOid = "2.5.29.31";
    private const string OcspOid = "1.3.6.1.5.5.7.48.1";
    private const string CaIssuersOid = "1.3.6.1.5.5.7.48.2";

    /// <summary>The dict for <paramref name="cert"/>.</summary>
    public static Dictionary<string, object?> Decode(X509Certificate2 cert)
    {
        var result = new Dictionary<string, object?>
        {
            ["subject"] = Name(cert.SubjectName.RawData),
            ["issuer"] = Name(cert.IssuerName.RawData),
            ["version"] = cert.Version,
            ["serialNumber"] = SerialNumber(cert.SerialNumberBytes.Span),
            ["notBefore"] = AsnTime(cert.NotBefore),
            ["notAfter"] = AsnTime(cert.NotAfter),
        };
        List<(string, object)>? altNames = null;
        List<object>? ocsp = null;
        List<object>? caIssuers = null;
        List<object>? crl = null;
        foreach (var extension in cert.Extensions)
        {
            switch (extension.Oid?.Value)
            {
                case SubjectAltNameOid:
                    // Every SAN extension counts, as in _get_peer_alt_names.
                    altNames ??= new();
                    altNames.AddRange(GeneralNames(extension.RawData));
                    break;
                case AuthorityInfoAccessOid when ocsp is null:
                    (ocsp, caIssuers) = AuthorityInfoAccess(extension.RawData);
                    break;
                case CrlDistributionPointsOid when crl is null:
                    crl = CrlDistributionPoints(extension.RawData);
                    break;
            }
        }
        if (altNames is not null)
        {
            result["subjectAltName"] = altNames;
        }
        // Python leaves each of these out when it holds no URI.
        if (ocsp is { Count: > 0 })
        {
            result["OCSP"] = ocsp;
        }
        if (caIssuers is { Count: > 0 })
        {
            result["caIssuers"] = caIssuers;
        }
        if (crl is { Count: > 0 })
        {
            result["crlDistributionPoints"] = crl;
        }
        return result;
    }

    /// <summary>_create_tuple_for_X509_NAME: one list of (long name, value) pairs per RDN, in certificate order.</summary>
    internal static List<List<(string Name, string Value)>> Name(ReadOnlyMemory<byte> der) =>
        Name(new AsnReader(der, AsnEncodingRules.BER));

    private static List<List<(string Name, string Value)>> Name(AsnReader outer)
    {
        var rdns = new List<List<(string, string)>>();
        var sequence = outer.ReadSequence();
        while (sequence.HasData)
        {
            var set = sequence.ReadSetOf(skipSortOrderValidation: true);
            var rdn = new List<(string, string)>();
            while (set.HasData)
            {
                var attribute = set.ReadSequence();
                var oid = attribute.ReadObjectIdentifier();
                rdn.Add((LongName(oid), DirectoryString(attribute.ReadEncodedValue())));
            }
            rdns.Add(rdn);
        }
        return rdns;
    }

    /// <summary>ASN1_STRING_to_UTF8: one-byte string types are Latin-1, BMPString UTF-16, UniversalString UTF-32.</summary>
    private static string DirectoryString(ReadOnlyMemory<byte> encoded)
    {
        var reader = new AsnReader(encoded, AsnEncodingRules.BER);
        var tag = reader.PeekTag();
        var content = reader.PeekContentBytes().Span;
        Encoding encoding = (UniversalTagNumber)tag.TagValue switch
        {
            UniversalTagNumber.UTF8String => Encoding.UTF8,
            UniversalTagNumber.BMPString => Encoding.BigEndianUnicode,
            UniversalTagNumber.UniversalString => new UTF32Encoding(bigEndian: true, byteOrderMark: false),
            _ => Encoding.Latin1,
        };
        return encoding.GetString(content);
    }

    /// <summary>_get_peer_alt_names: (kind, value) for each GeneralName.</summary>
    private static IEnumerable<(string, object)> GeneralNames(byte[] der)
    {
        var names = new AsnReader(der, AsnEncodingRules.BER).ReadSequence();
        var result = new List<(string, object)>();
        while (names.HasData)
        {
            result.Add(GeneralName(names));
        }
        return result;
    }

    private static (string, object) GeneralName(AsnReader reader)
    {
        var tag = reader.PeekTag();
        if (tag.TagClass != TagClass.ContextSpecific)
        {
            reader.ReadEncodedValue();
            return ("othername", "<unsupported>");
        }
        switch (tag.TagValue)
        {
            case 1:
                return ("email", Ia5(reader, tag));
            case 2:
                return ("DNS", Ia5(reader, tag));
            case 4:
                return ("DirName", Name(reader.ReadSequence(tag)));
            case 6:
                return ("URI", Ia5(reader, tag));
            case 7:
                return ("IP Address", IpAddress(reader.ReadOctetString(tag)));
            case 8:
                var oid = reader.ReadObjectIdentifier(tag);
                return ("Registered ID", KnownNames.TryGetValue(oid, out var name) ? name : oid);
            default:
                reader.ReadEncodedValue();
                return (tag.TagValue switch { 3 => "X400Name", 5 => "EdiPartyName", _ => "othername" }, "<unsupported>");
        }
    }

    /// <summary>The bytes of an IA5String name as CPython decodes them (UTF-8, NULs kept).</summary>
    private static string Ia5(AsnReader reader, Asn1Tag tag) =>
        Encoding.UTF8.GetString(reader.ReadOctetString(tag.AsPrimitive()));

    /// <summary>_get_peer_alt_names' own IP format: dotted IPv4, eight uppercase hex groups for IPv6.</summary>
    private static string IpAddress(byte[] address)
    {
        if (address.Length == 4)
        {
            return string.Join('.', address);
        }
        if (address.Length == 16)
        {
            var groups = new string[8];
            for (var i = 0; i < 8; i++)
            {
                groups[i] = ((address[2 * i] << 8) | address[2 * i + 1]).ToString("X", CultureInfo.InvariantCulture);
            }
            return string.Join(':', groups);
        }
        return "<invalid>";
    }

    /// <summary>_get_aia_uri for OCSP and caIssuers: the URI locations of each access method.</summary>
    private static (List<object> Ocsp, List<object> CaIssuers) AuthorityInfoAccess(byte[] der)
    {
        var ocsp = new List<object>();
        var caIssuers = new List<object>();
        var descriptions = new AsnReader(der, AsnEncodingRules.BER).ReadSequence();
        while (descriptions.HasData)
        {
            var description = descriptions.ReadSequence();
            var method = description.ReadObjectIdentifier();
            var (kind, location) = GeneralName(description);
            if (kind != "URI")
            {
                continue;
            }
            if (method == OcspOid)
            {
                ocsp.Add(location);
            }
            else if (method == CaIssuersOid)
            {
                caIssuers.Add(location);
            }
        }
        return (ocsp, caIssuers);
    }

    /// <summary>_get_crl_dp: the URIs among each distribution point's full name.</summary>
    private static List<object> CrlDistributionPoints(byte[] der)
    {
        var uris = new List<object>();
        var points = new AsnReader(der, AsnEncodingRules.BER).ReadSequence();
        var distributionPoint = new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true);
        while (points.HasData)
        {
            var point = points.ReadSequence();
            if (!point.HasData || !point.PeekTag().HasSameClassAndValue(distributionPoint))
            {
                continue;
            }
            var name = point.ReadSequence(distributionPoint);
            if (!name.PeekTag().HasSameClassAndValue(distributionPoint))
            {
                // nameRelativeToCRLIssuer holds no URI.
                continue;
            }
            var fullName = name.ReadSequence(distributionPoint);
            while (fullName.HasData)
            {
                var (kind, value) = GeneralName(fullName);
                if (kind == "URI")
                {
                    uris.Add(value);
                }
            }
        }
        return uris;
    }

    /// <summary>i2a_ASN1_INTEGER: uppercase hex of the magnitude, "-" first when negative, "\\\n" every 35 bytes.</summary>
    internal static string SerialNumber(ReadOnlySpan<byte> der)
    {
        if (der.IsEmpty)
        {
            return "00";
        }
        var prefix = "";
        byte[] magnitude;
        if ((der[0] & 0x80) != 0)
        {
            prefix = "-";
            magnitude = BigInteger.Abs(new BigInteger(der, isUnsigned: false, isBigEndian: true)).ToByteArray(isUnsigned: true, isBigEndian: true);
        }
        else
        {
            magnitude = (der.Length > 1 && der[0] == 0 ? der[1..] : der).ToArray();
        }
        var text = new StringBuilder(prefix);
        for (var i = 0; i < magnitude.Length; i++)
        {
            if (i != 0 && i % 35 == 0)
            {
                text.Append("\\\n");
            }
            text.Append(magnitude[i].ToString("X2", CultureInfo.InvariantCulture));
        }
        return text.ToString();
    }

    /// <summary>ASN1_TIME_print: <c>Aug  7 13:12:52 2013 GMT</c>.</summary>
    internal static string AsnTime(DateTime time)
    {
        var utc = time.ToUniversalTime();
        return utc.ToString("MMM ", CultureInfo.InvariantCulture) + utc.Day.ToString(CultureInfo.InvariantCulture).PadLeft(2)
            + utc.ToString(" HH:mm:ss yyyy", CultureInfo.InvariantCulture) + " GMT";
    }

    private static string LongName(string oid) => KnownNames.TryGetValue(oid, out var name) ? name : oid;

    /// <summary>OpenSSL's long names (OBJ_obj2txt) for the attribute types and identifiers certificates use.</summary>
    private static readonly Dictionary<string, string> KnownNames = new()
    {
        ["2.5.4.3"] = "commonName",
        ["2.5.4.4"] = "surname",
        ["2.5.4.5"] = "serialNumber",
        ["2.5.4.6"] = "countryName",
        ["2.5.4.7"] = "localityName",
        ["2.5.4.8"] = "stateOrProvinceName",
        ["2.5.4.9"] = "streetAddress",
        ["2.5.4.10"] = "organizationName",
        ["2.5.4.11"] = "organizationalUnitName",
        ["2.5.4.12"] = "title",
        ["2.5.4.13"] = "description",
        ["2.5.4.14"] = "searchGuide",
        ["2.5.4.15"] = "businessCategory",
        ["2.5.4.16"] = "postalAddress",
        ["2.5.4.17"] = "postalCode",
        ["2.5.4.18"] = "postOfficeBox",
        ["2.5.4.20"] = "telephoneNumber",
        ["2.5.4.41"] = "name",
        ["2.5.4.42"] = "givenName",
        ["2.5.4.43"] = "initials",
        ["2.5.4.44"] = "generationQualifier",
        ["2.5.4.45"] = "x500UniqueIdentifier",
        ["2.5.4.46"] = "dnQualifier",
        ["2.5.4.65"] = "pseudonym",
        ["2.5.4.72"] = "role",
        ["2.5.4.97"] = "organizationIdentifier",
        ["0.9.2342.19200300.100.1.1"] = "userId",
        ["0.9.2342.19200300.100.1.25"] = "domainComponent",
        ["1.2.840.113549.1.9.1"] = "emailAddress",
        ["1.2.840.113549.1.9.2"] = "unstructuredName",
        ["1.3.6.1.4.1.311.60.2.1.1"] = "jurisdictionLocalityName",
        ["1.3.6.1.4.1.311.60.2.1.2"] = "jurisdictionStateOrProvinceName",
        ["1.3.6.1.4.1.311.60.2.1.3"] = "jurisdictionCountryName",
        [OcspOid] = "OCSP",
        [CaIssuersOid] = "CA Issuers",
    };
}
