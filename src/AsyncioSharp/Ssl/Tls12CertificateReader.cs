using System;
using System.Buffers.Binary;
using System.Collections.Generic;

namespace AsyncioSharp.Ssl;

/// <summary>
/// Finds the server's Certificate message in the ciphertext a TLS client receives, while it is still plaintext: up to
/// the server's ChangeCipherSpec of a TLS 1.2 (or older) handshake. .NET verifies the server only after its own
/// Finished went out and the server's came back; with the certificate read here, the client verifies it before its
/// last flight is written, as OpenSSL does. A TLS 1.3 ServerHello (the rest is encrypted), a resumed session (no
/// Certificate), or anything malformed ends the search without a result.
/// </summary>
internal sealed class Tls12CertificateReader
{
    private const byte ChangeCipherSpec = 20;
    private const byte Handshake = 22;
    private const byte ServerHello = 2;
    private const byte Certificate = 11;
    private const ushort SupportedVersions = 0x002b;

    private readonly List<byte> _records = new();
    private readonly List<byte> _messages = new();

    /// <summary>True once the search ended, with <see cref="Certificates"/> or without.</summary>
    public bool Done { get; private set; }

    /// <summary>The server's certificate chain (DER, leaf first), once found.</summary>
    public List<byte[]>? Certificates { get; private set; }

    /// <summary>Reads the next ciphertext received.</summary>
    public void Feed(ReadOnlySpan<byte> data)
    {
        if (Done)
        {
            return;
        }
        foreach (var b in data)
        {
            _records.Add(b);
        }
        while (!Done && _records.Count >= 5)
        {
            var length = (_records[3] << 8) | _records[4];
            if (_records.Count < 5 + length)
            {
                return;
            }
            var type = _records[0];
            var fragment = _records.GetRange(5, length);
            _records.RemoveRange(0, 5 + length);
            if (type != Handshake)
            {
                // ChangeCipherSpec, an alert or application data: no plaintext Certificate comes.
                Done = true;
                return;
            }
            _messages.AddRange(fragment);
            ReadMessages();
        }
    }

    private void ReadMessages()
    {
        while (!Done && _messages.Count >= 4)
        {
            var length = (_messages[1] << 16) | (_messages[2] << 8) | _messages[3];
            if (_messages.Count < 4 + length)
            {
                return;
            }
            var type = _messages[0];
            var body = _messages.GetRange(4, length).ToArray();
            _messages.RemoveRange(0, 4 + length);
            try
            {
                if (type == ServerHello && NegotiatesTls13(body))
                {
                    Done = true;
                }
                else if (type == Certificate)
                {
                    Certificates = CertificateList(body);
                    Done = true;
                }
            }
            catch (Exception exc) when (exc is ArgumentOutOfRangeException or IndexOutOfRangeException)
            {
                Done = true;
            }
        }
    }

    /// <summary>Whether a ServerHello (or HelloRetryRequest) carries supported_versions, which only TLS 1.3 sends.</summary>
    private static bool NegotiatesTls13(ReadOnlySpan<byte> body)
    {
        var at = 2 + 32;
        at += 1 + body[at];
        at += 2 + 1;
        if (at >= body.Length)
        {
            return false;
        }
        var end = at + 2 + BinaryPrimitives.ReadUInt16BigEndian(body[at..]);
        at += 2;
        while (at + 4 <= end)
        {
            var type = BinaryPrimitives.ReadUInt16BigEndian(body[at..]);
            var length = BinaryPrimitives.ReadUInt16BigEndian(body[(at + 2)..]);
            if (type == SupportedVersions)
            {
                return true;
            }
            at += 4 + length;
        }
        return false;
    }

    private static List<byte[]> CertificateList(ReadOnlySpan<byte> body)
    {
        var certificates = new List<byte[]>();
        var end = Math.Min(body.Length, 3 + ((body[0] << 16) | (body[1] << 8) | body[2]));
        var at = 3;
        while (at + 3 <= end)
        {
            var length = (body[at] << 16) | (body[at + 1] << 8) | body[at + 2];
            certificates.Add(body.Slice(at + 3, length).ToArray());
            at += 3 + length;
        }
        return certificates;
    }
}
