using System;
using System.Collections.Generic;
using System.Net.Sockets;
using AsyncioSharp.Ssl;

namespace AsyncioSharp;

/// <summary>Python's <c>_UnixSelectorEventLoop.create_unix_connection</c>/<c>create_unix_server</c> (unix_events.py).</summary>
public partial class SelectorEventLoop
{
    /// <inheritdoc />
    public override async Coroutine<(BaseTransport Transport, BaseProtocol Protocol)> CreateUnixConnection(
        Func<BaseProtocol> protocolFactory, string? path = null, object? ssl = null, Socket? sock = null,
        string? serverHostname = null, double? sslHandshakeTimeout = null, double? sslShutdownTimeout = null)
    {
        if (ssl is not (null or false))
        {
            if (serverHostname is null)
            {
                throw new ValueError("you have to pass server_hostname when using ssl");
            }
        }
        else
        {
            if (serverHostname is not null)
            {
                throw new ValueError("server_hostname is only meaningful with ssl");
            }
            if (sslHandshakeTimeout is not null)
            {
                throw new ValueError("ssl_handshake_timeout is only meaningful with ssl");
            }
            if (sslShutdownTimeout is not null)
            {
                throw new ValueError("ssl_shutdown_timeout is only meaningful with ssl");
            }
        }
        if (path is not null)
        {
            if (sock is not null)
            {
                throw new ValueError("path and sock can not be specified at the same time");
            }
            sock = NewSocket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                sock.Blocking = false;
                await SockConnect(sock, new UnixDomainSocketEndPoint(path));
            }
            catch
            {
                sock.Close();
                throw;
            }
        }
        else
        {
            if (sock is null)
            {
                throw new ValueError("no path and sock were specified");
            }
            CheckUnixStreamSocket(sock);
            sock.Blocking = false;
        }
        return await CreateConnectionTransport(sock, protocolFactory, ssl, serverHostname,
            sslHandshakeTimeout: sslHandshakeTimeout, sslShutdownTimeout: sslShutdownTimeout);
    }

    /// <inheritdoc />
    public override async Coroutine<AbstractServer> CreateUnixServer(
        Func<BaseProtocol> protocolFactory, string? path = null, Socket? sock = null, int backlog = 100,
        object? ssl = null, double? sslHandshakeTimeout = null, double? sslShutdownTimeout = null, bool startServing = true)
    {
        if (ssl is bool || (ssl is not null && ssl is not SSLContext))
        {
            throw new TypeError("ssl argument must be an SSLContext or None");
        }
        if (sslHandshakeTimeout is not null && ssl is null)
        {
            throw new ValueError("ssl_handshake_timeout is only meaningful with ssl");
        }
        if (sslShutdownTimeout is not null && ssl is null)
        {
            throw new ValueError("ssl_shutdown_timeout is only meaningful with ssl");
        }
        if (path is not null)
        {
            if (sock is not null)
            {
                throw new ValueError("path and sock can not be specified at the same time");
            }
            sock = NewSocket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            // An abstract socket (a path starting with NUL) has no file to check.
            if (path.Length > 0 && path[0] != '\0')
            {
                RemoveStaleUnixSocket(path);
            }
            try
            {
                sock.Bind(new UnixDomainSocketEndPoint(path));
            }
            catch (Exception exc)
            {
                sock.Close();
                if (exc is SocketException se && se.SocketErrorCode == SocketError.AddressAlreadyInUse)
                {
                    // Say which address is in use.
                    throw Errno.Error(Errno.EADDRINUSE, $"Address '{path}' is already in use");
                }
                throw exc is SocketException s ? Errno.Error(s) : exc;
            }
        }
        else
        {
            if (sock is null)
            {
                throw new ValueError("path was not specified, and no sock specified");
            }
            CheckUnixStreamSocket(sock);
        }
        sock.Blocking = false;
        var server = new Server(this, new List<Socket> { sock }, protocolFactory, (SSLContext?)ssl, backlog,
            sslHandshakeTimeout, sslShutdownTimeout);
        if (startServing)
        {
            server.StartServingCore();
            // Skip one loop iteration so that all the readers are registered.
            await Asyncio.Sleep(0);
        }
        return server;
    }

    private static void CheckUnixStreamSocket(Socket sock)
    {
        if (sock.AddressFamily != AddressFamily.Unix || sock.SocketType != SocketType.Stream)
        {
            throw new ValueError($"A UNIX Domain Stream Socket was expected, got {SocketRepr.Repr(sock)}");
        }
    }
}
