namespace AsyncioSharp.Ssl;

/// <summary>Python's <c>ssl.VerifyMode</c>: whether and how the peer's certificate is checked.</summary>
public enum VerifyMode
{
    /// <summary>Python's <c>ssl.CERT_NONE</c>.</summary>
    CERT_NONE = 0,

    /// <summary>Python's <c>ssl.CERT_OPTIONAL</c>.</summary>
    CERT_OPTIONAL = 1,

    /// <summary>Python's <c>ssl.CERT_REQUIRED</c>.</summary>
    CERT_REQUIRED = 2,
}

/// <summary>Python's <c>ssl.TLSVersion</c>: the values of minimum_version/maximum_version.</summary>
public enum TLSVersion
{
    /// <summary>Python's <c>TLSVersion.MINIMUM_SUPPORTED</c>.</summary>
    MINIMUM_SUPPORTED = -2,

    /// <summary>Python's <c>TLSVersion.MAXIMUM_SUPPORTED</c>.</summary>
    MAXIMUM_SUPPORTED = -1,

    /// <summary>Python's <c>TLSVersion.SSLv3</c>.</summary>
    SSLv3 = 0x300,

    /// <summary>Python's <c>TLSVersion.TLSv1</c>.</summary>
    TLSv1 = 0x301,

    /// <summary>Python's <c>TLSVersion.TLSv1_1</c>.</summary>
    TLSv1_1 = 0x302,

    /// <summary>Python's <c>TLSVersion.TLSv1_2</c>.</summary>
    TLSv1_2 = 0x303,

    /// <summary>Python's <c>TLSVersion.TLSv1_3</c>.</summary>
    TLSv1_3 = 0x304,
}

/// <summary>Python's <c>ssl._SSLMethod</c>: the protocol an SSLContext is made for.</summary>
public enum _SSLMethod
{
    /// <summary>Python's <c>ssl.PROTOCOL_TLS</c> (deprecated in Python): either side, no hostname check.</summary>
    PROTOCOL_TLS = 2,

    /// <summary>Python's <c>ssl.PROTOCOL_TLS_CLIENT</c>: client side, hostname checked, certificate required.</summary>
    PROTOCOL_TLS_CLIENT = 16,

    /// <summary>Python's <c>ssl.PROTOCOL_TLS_SERVER</c>: server side.</summary>
    PROTOCOL_TLS_SERVER = 17,
}

/// <summary>Python's <c>ssl.Purpose</c>: what <c>create_default_context</c> makes a context for.</summary>
public enum Purpose
{
    /// <summary>Python's <c>Purpose.SERVER_AUTH</c>: a client context, which authenticates servers.</summary>
    SERVER_AUTH,

    /// <summary>Python's <c>Purpose.CLIENT_AUTH</c>: a server context, which may authenticate clients.</summary>
    CLIENT_AUTH,
}
