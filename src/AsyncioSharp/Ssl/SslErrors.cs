using System;
using System.Text.RegularExpressions;

namespace AsyncioSharp.Ssl;

/// <summary>
/// Maps what <see cref="System.Net.Security.SslStream"/> throws to Python's ssl exceptions. .NET on Linux runs OpenSSL
/// and keeps its error string (<c>error:0A00010B:SSL routines::wrong version number</c>) in the exception chain,
/// from which CPython's text is rebuilt: <c>[SSL: WRONG_VERSION_NUMBER] wrong version number (_ssl.c:1006)</c>.
/// </summary>
internal static partial class SslErrors
{
    [GeneratedRegex(@"error:[0-9A-Fa-f]+:([^:]*):[^:]*:([^\r\n]+)")]
    private static partial Regex OpenSslError();

    /// <summary>The SSLError for <paramref name="exc"/>; <paramref name="line"/> is CPython's _ssl.c line for the call.</summary>
    public static SSLError Map(Exception exc, int line)
    {
        if (exc is AggregateException { InnerException: { } inner })
        {
            exc = inner;
        }
        if (exc is SSLError ssl)
        {
            return ssl;
        }
        for (Exception? e = exc; e is not null; e = e.InnerException)
        {
            var match = OpenSslError().Match(e.Message);
            if (match.Success)
            {
                var library = match.Groups[1].Value switch
                {
                    "SSL routines" => "SSL",
                    "X509 certificate routines" => "X509",
                    "PEM routines" => "PEM",
                    "asn1 encoding routines" => "ASN1",
                    var other => other.ToUpperInvariant(),
                };
                var text = match.Groups[2].Value.Trim();
                var reason = text.ToUpperInvariant().Replace(' ', '_').Replace('-', '_');
                return new SSLError(1, $"[{library}: {reason}] {text} (_ssl.c:{line})", library, reason);
            }
        }
        if (exc.Message.Contains("corrupted frame", StringComparison.Ordinal))
        {
            // .NET checks the record header itself before OpenSSL sees it; OpenSSL would call it this.
            return new SSLError(1, $"[SSL: WRONG_VERSION_NUMBER] wrong version number (_ssl.c:{line})", "SSL", "WRONG_VERSION_NUMBER");
        }
        return new SSLError(1, $"[SSL] {exc.Message} (_ssl.c:{line})", "SSL", null);
    }
}
