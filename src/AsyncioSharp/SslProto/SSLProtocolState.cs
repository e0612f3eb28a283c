namespace AsyncioSharp;

/// <summary>Python's <c>sslproto.SSLProtocolState</c>: the TLS layer's state (see the diagram on <see cref="SSLProtocol"/>).</summary>
public enum SSLProtocolState
{
    /// <summary>Plain bytes: before the handshake or after the connection is gone.</summary>
    UNWRAPPED,

    /// <summary>The handshake is running.</summary>
    DO_HANDSHAKE,

    /// <summary>The session is up; application data flows.</summary>
    WRAPPED,

    /// <summary>Closing: delivering what was already received before shutting down.</summary>
    FLUSHING,

    /// <summary>close_notify sent; waiting for the peer's.</summary>
    SHUTDOWN,
}
