using System.Collections.Generic;
using System.Net.Sockets;
using AsyncioSharp.Ssl;

namespace AsyncioSharp;

/// <summary>Python's <c>selector_events.BaseSelectorEventLoop._make_ssl_transport</c>.</summary>
public partial class SelectorEventLoop
{
    /// <summary>
    /// Python's <c>_make_ssl_transport</c>: an <see cref="SSLProtocol"/> over a socket transport; the application
    /// protocol gets the TLS transport once the handshake is done, and <paramref name="waiter"/> learns how it went.
    /// </summary>
    internal override Transport MakeSslTransport(Socket rawsock, BaseProtocol protocol, SSLContext? sslcontext,
        Future? waiter = null, bool serverSide = false, string? serverHostname = null,
        Dictionary<string, object?>? extra = null, Server? server = null, double? sslHandshakeTimeout = null,
        double? sslShutdownTimeout = null)
    {
        var sslProtocol = new SSLProtocol(this, protocol, sslcontext, waiter, serverSide, serverHostname,
            sslHandshakeTimeout: sslHandshakeTimeout, sslShutdownTimeout: sslShutdownTimeout);
        MakeSocketTransport(rawsock, sslProtocol, extra: extra, server: server);
        return sslProtocol.GetAppTransport();
    }
}
