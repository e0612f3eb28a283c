using System;
using System.Linq;
using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace AsyncioSharp.Ssl;

/// <summary>
/// Turns .NET's verdict on a peer certificate into OpenSSL's first verify error (code and text), in OpenSSL's
/// order: trust (the chain reaches a trusted root), then the hostname, then validity dates and signatures.
/// </summary>
internal static class CertVerifier
{
    /// <summary>The verification error, or null when the certificate passes.</summary>
    public static SSLCertVerificationError? Check(X509Certificate cert, X509Chain? chain, SslPolicyErrors errors, string? hostname)
    {
        var status = X509ChainStatusFlags.NoError;
        if (chain is not null)
        {
            foreach (var s in chain.ChainStatus)
            {
                status |= s.Status;
            }
        }
        if ((errors & SslPolicyErrors.RemoteCertificateChainErrors) != 0 && status == X509ChainStatusFlags.NoError)
        {
            status = X509ChainStatusFlags.PartialChain;
        }
        if ((status & (X509ChainStatusFlags.UntrustedRoot | X509ChainStatusFlags.PartialChain)) != 0)
        {
            var elements = chain?.ChainElements.Select(e => e.Certificate).ToList() ?? new();
            var top = elements.Count > 0 ? elements[^1] : null;
            var topSelfSigned = top is not null && top.SubjectName.RawData.AsSpan().SequenceEqual(top.IssuerName.RawData);
            if ((status & X509ChainStatusFlags.PartialChain) == 0 && topSelfSigned)
            {
                return elements.Count == 1
                    ? new SSLCertVerificationError(18, "self-signed certificate")
                    : new SSLCertVerificationError(19, "self-signed certificate in certificate chain");
            }
            return new SSLCertVerificationError(20, "unable to get local issuer certificate");
        }
        if (hostname is not null && (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
        {
            return IPAddress.TryParse(hostname, out _)
                ? new SSLCertVerificationError(64, $"IP address mismatch, certificate is not valid for '{hostname}'.")
                : new SSLCertVerificationError(62, $"Hostname mismatch, certificate is not valid for '{hostname}'.");
        }
        if ((status & X509ChainStatusFlags.NotTimeValid) != 0)
        {
            var leaf = cert as X509Certificate2 ?? new X509Certificate2(cert);
            return leaf.NotBefore > DateTime.Now
                ? new SSLCertVerificationError(9, "certificate is not yet valid")
                : new SSLCertVerificationError(10, "certificate has expired");
        }
        if ((status & X509ChainStatusFlags.NotSignatureValid) != 0)
        {
            return new SSLCertVerificationError(7, "certificate signature failure");
        }
        if ((status & X509ChainStatusFlags.Revoked) != 0)
        {
            return new SSLCertVerificationError(23, "certificate revoked");
        }
        if ((status & X509ChainStatusFlags.InvalidBasicConstraints) != 0)
        {
            return new SSLCertVerificationError(24, "invalid CA certificate");
        }
        if ((status & (X509ChainStatusFlags.NotValidForUsage | X509ChainStatusFlags.InvalidExtension)) != 0)
        {
            return new SSLCertVerificationError(26, "unsupported certificate purpose");
        }
        if (status != X509ChainStatusFlags.NoError)
        {
            var text = chain!.ChainStatus.First(s => s.Status != X509ChainStatusFlags.NoError).StatusInformation.Trim();
            return new SSLCertVerificationError(1, text);
        }
        return null;
    }
}
