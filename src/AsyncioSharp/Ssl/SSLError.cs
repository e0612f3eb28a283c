namespace AsyncioSharp.Ssl;

/// <summary>
/// Python's <c>ssl.SSLError</c> (an <see cref="OSError"/>): the TLS layer failed. Its text reads like CPython's,
/// <c>[SSL: REASON] description (_ssl.c:N)</c>, and it carries <see cref="Library"/> and <see cref="Reason"/>.
/// </summary>
public class SSLError : OSError
{
    /// <summary>Creates the error from Python's <c>SSLError(errno, strerror)</c> arguments.</summary>
    public SSLError(int errno, string strerror, string? library = null, string? reason = null) : base(errno, strerror)
    {
        Library = library;
        Reason = reason;
    }

    /// <summary>Creates the error with only a message (Python: <c>SSLError(msg)</c>).</summary>
    public SSLError(string message) : base(message) { }

    /// <summary>Python's <c>library</c> attribute: the OpenSSL library that failed ('SSL', 'X509', 'PEM'), or null.</summary>
    public string? Library { get; }

    /// <summary>Python's <c>reason</c> attribute: the OpenSSL reason ('CERTIFICATE_VERIFY_FAILED', ...), or null.</summary>
    public string? Reason { get; }

    /// <summary>Python's <c>str(exc)</c>: the strerror alone, as <c>SSLError.__str__</c> gives it.</summary>
    public override string Message => Strerror ?? base.Message;
}

/// <summary>Python's <c>ssl.SSLZeroReturnError</c>: the peer closed the TLS session cleanly (close_notify).</summary>
public class SSLZeroReturnError : SSLError
{
    /// <summary>Creates the error as CPython's <c>_ssl</c> module does.</summary>
    public SSLZeroReturnError(int errno, string strerror) : base(errno, strerror, "SSL", null) { }
}

/// <summary>Python's <c>ssl.SSLWantReadError</c>: the TLS object needs more bytes from the peer before it can go on.</summary>
public class SSLWantReadError : SSLError
{
    /// <summary>Creates the error with CPython's text.</summary>
    public SSLWantReadError() : base(2, "The operation did not complete (read) (_ssl.c:2580)", "SSL", null) { }
}

/// <summary>Python's <c>ssl.SSLEOFError</c>: the transport ended in violation of the TLS protocol.</summary>
public class SSLEOFError : SSLError
{
    /// <summary>Creates the error with CPython's text.</summary>
    public SSLEOFError() : base(8, "EOF occurred in violation of protocol (_ssl.c:2393)", "SSL", null) { }
}

/// <summary>
/// Python's <c>ssl.SSLCertVerificationError</c> (also <c>ssl.CertificateError</c>): the peer's certificate failed
/// verification. Python derives it from both SSLError and ValueError; C# has single inheritance, so it is an SSLError.
/// </summary>
public class SSLCertVerificationError : SSLError
{
    /// <summary>Creates the error from OpenSSL's verify code and message, with CPython's text.</summary>
    public SSLCertVerificationError(int verifyCode, string verifyMessage)
        : base(1, $"[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: {verifyMessage} (_ssl.c:1006)",
            "SSL", "CERTIFICATE_VERIFY_FAILED")
    {
        VerifyCode = verifyCode;
        VerifyMessage = verifyMessage;
    }

    /// <summary>Python's <c>verify_code</c>: OpenSSL's X509_V_ERR_* number.</summary>
    public int VerifyCode { get; }

    /// <summary>Python's <c>verify_message</c>: OpenSSL's text for <see cref="VerifyCode"/>.</summary>
    public string VerifyMessage { get; }
}
