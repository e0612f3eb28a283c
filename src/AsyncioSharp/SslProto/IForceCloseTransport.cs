using System;

namespace AsyncioSharp;

/// <summary>
/// Python's private <c>transport._force_close(exc)</c>: closes at once and hands the exception to the
/// protocol's connection_lost. SSLProtocol reports fatal TLS errors this way; a transport without it is aborted.
/// </summary>
internal interface IForceCloseTransport
{
    /// <summary>Closes the transport now; the protocol's connection_lost gets <paramref name="exc"/>.</summary>
    void ForceClose(Exception? exc);
}
