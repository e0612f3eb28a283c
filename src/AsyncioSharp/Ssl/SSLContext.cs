using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace AsyncioSharp.Ssl;

/// <summary>
/// Python's <c>ssl.SSLContext</c>: TLS settings for connections and servers — certificates, trust, verification,
/// ALPN, protocol versions, ciphers — turned into <see cref="SslStream"/> options when a connection is wrapped.
/// </summary>
public class SSLContext
{
    private readonly X509Certificate2Collection _trusted = new();
    private VerifyMode _verifyMode;
    private bool _checkHostname;
    private bool _useSystemTrust;
    private List<SslApplicationProtocol>? _alpnProtocols;

    /// <summary>Python's <c>SSLContext(protocol)</c>; PROTOCOL_TLS_CLIENT checks hostnames and requires a certificate.</summary>
    public SSLContext(_SSLMethod protocol = _SSLMethod.PROTOCOL_TLS)
    {
        Protocol = protocol;
        if (protocol == _SSLMethod.PROTOCOL_TLS_CLIENT)
        {
            _checkHostname = true;
            _verifyMode = VerifyMode.CERT_REQUIRED;
        }
    }

    /// <summary>Python's <c>protocol</c>.</summary>
    public _SSLMethod Protocol { get; }

    /// <summary>Python's <c>check_hostname</c>; turning it on also turns CERT_NONE into CERT_REQUIRED, as in Python.</summary>
    public bool CheckHostname
    {
        get => _checkHostname;
        set
        {
            if (value && _verifyMode == VerifyMode.CERT_NONE)
            {
                _verifyMode = VerifyMode.CERT_REQUIRED;
            }
            _checkHostname = value;
        }
    }

    /// <summary>Python's <c>verify_mode</c>.</summary>
    public VerifyMode VerifyMode
    {
        get => _verifyMode;
        set
        {
            if (value == VerifyMode.CERT_NONE && _checkHostname)
            {
                throw new ValueError("Cannot set verify_mode to CERT_NONE when check_hostname is enabled.");
            }
            _verifyMode = value;
        }
    }

    /// <summary>Python's <c>minimum_version</c>; TLS 1.2 by default, as CPython 3.11 with OpenSSL 3 has it.</summary>
    public TLSVersion MinimumVersion { get; set; } = TLSVersion.TLSv1_2;

    /// <summary>Python's <c>maximum_version</c>.</summary>
    public TLSVersion MaximumVersion { get; set; } = TLSVersion.MAXIMUM_SUPPORTED;

    /// <summary>The certificate (with private key and chain) this side presents, from <see cref="LoadCertChain"/>.</summary>
    internal SslStreamCertificateContext? Certificate { get; private set; }

    /// <summary>The cipher suites <see cref="SetCiphers"/> selected, or null for the platform's defaults.</summary>
    internal CipherSuitesPolicy? CipherPolicy { get; private set; }

    /// <summary>
    /// Python's <c>load_cert_chain(certfile, keyfile=None, password=None)</c>: the PEM certificate (then its chain)
    /// and the RSA or EC private key (in <paramref name="certfile"/> when <paramref name="keyfile"/> is null).
    /// <paramref name="password"/> decrypts an encrypted PKCS#8 key: a string, bytes, or a function returning either.
    /// </summary>
    public void LoadCertChain(string certfile, string? keyfile = null, object? password = null)
    {
        var certText = ReadText(certfile);
        var keyText = keyfile is null ? certText : ReadText(keyfile);
        var chain = new X509Certificate2Collection();
        try
        {
            chain.ImportFromPem(certText);
        }
        catch (CryptographicException)
        {
            throw PemLibError();
        }
        if (chain.Count == 0)
        {
            throw PemLibError();
        }
        var leafPem = chain[0].ExportCertificatePem();
        X509Certificate2 leaf;
        try
        {
            if (keyText.Contains("-----BEGIN ENCRYPTED PRIVATE KEY-----", StringComparison.Ordinal))
            {
                leaf = X509Certificate2.CreateFromEncryptedPem(leafPem, keyText, PasswordText(password));
            }
            else
            {
                leaf = X509Certificate2.CreateFromPem(leafPem, keyText);
            }
        }
        catch (CryptographicException exc) when (exc.Message.Contains("does not match", StringComparison.Ordinal))
        {
            throw new SSLError(116, "[X509: KEY_VALUES_MISMATCH] key values mismatch (_ssl.c:3926)", "X509", "KEY_VALUES_MISMATCH");
        }
        catch (Exception exc) when (exc is CryptographicException or ArgumentException)
        {
            throw PemLibError();
        }
        var intermediates = new X509Certificate2Collection();
        for (var i = 1; i < chain.Count; i++)
        {
            intermediates.Add(chain[i]);
        }
        Certificate = SslStreamCertificateContext.Create(leaf, intermediates, offline: true);
    }

    /// <summary>
    /// Python's <c>load_verify_locations(cafile=None, capath=None, cadata=None)</c>: trusted CA certificates from a PEM
    /// file, a directory of PEM files, or PEM text (a string) / DER bytes (a byte array).
    /// </summary>
    public void LoadVerifyLocations(string? cafile = null, string? capath = null, object? cadata = null)
    {
        if (cafile is null && capath is null && cadata is null)
        {
            throw new TypeError("cafile, capath and cadata cannot be all omitted");
        }
        if (cafile is not null)
        {
            _trusted.ImportFromPem(ReadText(cafile));
        }
        if (capath is not null)
        {
            if (!Directory.Exists(capath))
            {
                throw new FileNotFoundError(2, "No such file or directory");
            }
            foreach (var path in Directory.EnumerateFiles(capath))
            {
                var text = File.ReadAllText(path);
                if (text.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal))
                {
                    _trusted.ImportFromPem(text);
                }
            }
        }
        switch (cadata)
        {
            case null:
                break;
            case string pem:
                var before = _trusted.Count;
                _trusted.ImportFromPem(pem);
                if (_trusted.Count == before)
                {
                    throw new SSLError(0, "no start line: cadata does not contain a certificate (_ssl.c:4020)");
                }
                break;
            case byte[] der:
                try
                {
                    _trusted.Add(X509CertificateLoader.LoadCertificate(der));
                }
                catch (CryptographicException)
                {
                    throw new SSLError(0, "not enough data: cadata does not contain a certificate (_ssl.c:4020)");
                }
                break;
            default:
                throw new TypeError("cadata should be an ASCII string or a bytes-like object");
        }
    }

    /// <summary>Python's <c>load_default_certs(purpose=Purpose.SERVER_AUTH)</c>: trust the system's CA store.</summary>
    public void LoadDefaultCerts(Purpose purpose = Purpose.SERVER_AUTH) => _useSystemTrust = true;

    /// <summary>Python's <c>set_default_verify_paths()</c>: trust the system's CA store.</summary>
    public void SetDefaultVerifyPaths() => _useSystemTrust = true;

    /// <summary>Python's <c>get_ca_certs(binary_form=False)</c>, in binary (DER) form: the CAs loaded with load_verify_locations.</summary>
    public IReadOnlyList<byte[]> GetCaCerts() => _trusted.Select(c => c.RawData).ToList();

    /// <summary>Python's <c>set_alpn_protocols(protocols)</c>: the ALPN protocols offered, most preferred first.</summary>
    public void SetAlpnProtocols(IEnumerable<string> protocols)
    {
        var list = new List<SslApplicationProtocol>();
        foreach (var name in protocols)
        {
            var bytes = Encoding.ASCII.GetBytes(name);
            if (bytes.Length == 0 || bytes.Length > 255)
            {
                throw new ValueError($"ALPN protocols must be 1 to 255 in length");
            }
            list.Add(new SslApplicationProtocol(bytes));
        }
        _alpnProtocols = list;
    }

    /// <summary>
    /// Python's <c>set_ciphers(ciphers)</c>, where .NET allows: an OpenSSL cipher list whose named TLS 1.2 suites
    /// (ECDHE-RSA-AES128-GCM-SHA256, ...) are enabled, with the TLS 1.3 suites, which OpenSSL's cipher list never
    /// affects. A list of only keywords (HIGH, !aNULL, DEFAULT) keeps the platform's defaults.
    /// </summary>
    public void SetCiphers(string ciphers)
    {
        var tokens = ciphers.Split(new[] { ':', ',', ' ' }, StringSplitOptions.RemoveEmptyEntries);
        var named = tokens.Where(t => t.Contains('-', StringComparison.Ordinal) || t.StartsWith("TLS_", StringComparison.Ordinal))
            .Where(t => t[0] is not ('!' or '-' or '+'))
            .ToList();
        var keywords = tokens.Where(t => !named.Contains(t)).Select(t => t.TrimStart('!', '-', '+')).ToList();
        var suites = CipherNames.Tls12Suites().Where(s => named.Contains(CipherNames.OpenSslName(s))).ToList();
        if (suites.Count > 0)
        {
            // Windows (SChannel) takes no cipher list; there the platform's defaults stay.
            CipherPolicy = OperatingSystem.IsWindows() ? null : new CipherSuitesPolicy(suites.Concat(CipherNames.Tls13Suites()));
        }
        else if (keywords.Count == 0 || keywords.Any(k => !CipherNames.IsKeyword(k)))
        {
            throw new SSLError("No cipher can be selected.");
        }
        else
        {
            CipherPolicy = null;
        }
    }

    /// <summary>
    /// Python's <c>wrap_bio(incoming, outgoing, server_side=False, server_hostname=None)</c>: a TLS object that reads
    /// ciphertext from <paramref name="incoming"/> and writes it to <paramref name="outgoing"/>.
    /// </summary>
    public SSLObject WrapBio(MemoryBIO incoming, MemoryBIO outgoing, bool serverSide = false, string? serverHostname = null)
    {
        if (serverSide && Protocol == _SSLMethod.PROTOCOL_TLS_CLIENT)
        {
            throw new ValueError("Cannot create a server socket with a PROTOCOL_TLS_CLIENT context");
        }
        if (!serverSide && Protocol == _SSLMethod.PROTOCOL_TLS_SERVER)
        {
            throw new ValueError("Cannot create a client socket with a PROTOCOL_TLS_SERVER context");
        }
        if (serverSide && serverHostname is not null)
        {
            throw new ValueError("server_hostname can only be specified in client mode");
        }
        if (serverHostname is not null && (serverHostname.Length == 0 || serverHostname[0] == '.'))
        {
            throw new ValueError("server_hostname cannot be an empty string or start with a leading dot.");
        }
        return new SSLObject(this, incoming, outgoing, serverSide, serverHostname);
    }

    /// <summary>The chain policy a peer's certificate is checked against: the loaded CAs, the system store, or both.</summary>
    // The system's trusted roots, read once per context: opening the store per handshake cost each handshake.
    private X509Certificate2Collection? _systemRoots;

    private X509Certificate2Collection SystemRoots()
    {
        if (_systemRoots is null)
        {
            using var store = new X509Store(StoreName.Root, StoreLocation.LocalMachine);
            store.Open(OpenFlags.ReadOnly);
            _systemRoots = store.Certificates;
        }
        return _systemRoots;
    }

    internal X509ChainPolicy ChainPolicy(bool peerIsServer)
    {
        var policy = new X509ChainPolicy
        {
            RevocationMode = X509RevocationMode.NoCheck,
            DisableCertificateDownloads = true,
        };
        policy.ApplicationPolicy.Add(new Oid(peerIsServer ? "1.3.6.1.5.5.7.3.1" : "1.3.6.1.5.5.7.3.2"));
        if (_trusted.Count > 0)
        {
            policy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            policy.CustomTrustStore.AddRange(_trusted);
            if (_useSystemTrust)
            {
                policy.CustomTrustStore.AddRange(SystemRoots());
            }
        }
        else if (!_useSystemTrust)
        {
            // Nothing trusted: like OpenSSL with an empty store, every chain fails.
            policy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        }
        return policy;
    }

    /// <summary>The protocol versions between <see cref="MinimumVersion"/> and <see cref="MaximumVersion"/>.</summary>
    internal SslProtocols EnabledProtocols()
    {
        var min = MinimumVersion == TLSVersion.MINIMUM_SUPPORTED ? (int)TLSVersion.TLSv1 : (int)MinimumVersion;
        var max = MaximumVersion == TLSVersion.MAXIMUM_SUPPORTED ? (int)TLSVersion.TLSv1_3 : (int)MaximumVersion;
        var result = SslProtocols.None;
#pragma warning disable SYSLIB0039 // TLS 1.0 and 1.1 stay selectable because Python's TLSVersion offers them.
        foreach (var (version, flag) in new[]
                 {
                     (TLSVersion.TLSv1, SslProtocols.Tls), (TLSVersion.TLSv1_1, SslProtocols.Tls11),
                     (TLSVersion.TLSv1_2, SslProtocols.Tls12), (TLSVersion.TLSv1_3, SslProtocols.Tls13),
                 })
#pragma warning restore SYSLIB0039
        {
            if ((int)version >= min && (int)version <= max)
            {
                result |= flag;
            }
        }
        return result;
    }

    /// <summary>The ALPN protocols set with <see cref="SetAlpnProtocols"/>, or null.</summary>
    internal List<SslApplicationProtocol>? AlpnProtocols => _alpnProtocols;

    private static string ReadText(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundError(2, "No such file or directory");
        }
        return File.ReadAllText(path);
    }

    private static string PasswordText(object? password) => password switch
    {
        null => "",
        string s => s,
        byte[] b => Encoding.UTF8.GetString(b),
        Func<string> f => f(),
        Func<byte[]> f => Encoding.UTF8.GetString(f()),
        _ => throw new TypeError("password should be a string or callable"),
    };

    private static SSLError PemLibError() => new(524297, "[SSL] PEM lib (_ssl.c:3926)", "SSL", null);
}
