namespace AsyncioSharp;

/// <summary>
/// Python's <c>sslproto.AppProtocolState</c>: which callbacks the application protocol has had,
/// INIT -connection_made-> CON_MADE [-data_received*->] [-eof_received-> EOF] -connection_lost-> CON_LOST.
/// </summary>
public enum AppProtocolState
{
    /// <summary>Nothing called yet.</summary>
    STATE_INIT,

    /// <summary>connection_made() was called.</summary>
    STATE_CON_MADE,

    /// <summary>eof_received() was called.</summary>
    STATE_EOF,

    /// <summary>connection_lost() was called.</summary>
    STATE_CON_LOST,
}
