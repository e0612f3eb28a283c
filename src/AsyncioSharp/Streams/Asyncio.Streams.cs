using System;
using System.Net.Sockets;

namespace AsyncioSharp;

/// <summary>The functions of Python's <c>asyncio.streams</c> module.</summary>
public static partial class Asyncio
{
    /// <summary>
    /// Python's <c>open_connection(host=None, port=None, *, limit=_DEFAULT_LIMIT, **kwds)</c>: connects with
    /// <c>loop.create_connection()</c> (the other parameters are its own) and returns a (reader, writer) pair.
    /// </summary>
    public static async Coroutine<(StreamReader Reader, StreamWriter Writer)> OpenConnection(
        string? host = null, int? port = null, int limit = StreamReader._DEFAULT_LIMIT, object? ssl = null,
        AddressFamily family = AddressFamily.Unspecified, ProtocolType proto = 0, int flags = 0, Socket? sock = null,
        (string Host, int Port)? localAddr = null, string? serverHostname = null, double? sslHandshakeTimeout = null,
        double? sslShutdownTimeout = null, double? happyEyeballsDelay = null, int? interleave = null)
    {
        var loop = GetRunningLoop();
        var reader = new StreamReader(limit, loop);
        var protocol = new StreamReaderProtocol(reader, loop: loop);
        var (transport, _) = await loop.CreateConnection(() => protocol, host, port, ssl, family, proto, flags, sock,
            localAddr, serverHostname, sslHandshakeTimeout, sslShutdownTimeout, happyEyeballsDelay, interleave);
        return (reader, new StreamWriter((WriteTransport)transport, protocol, reader, loop));
    }

    /// <summary>
    /// Python's <c>start_server(client_connected_cb, host=None, port=None, *, limit=_DEFAULT_LIMIT, **kwds)</c> with a
    /// coroutine function: each client gets a (reader, writer) pair and a task running the callback. The other
    /// parameters are <c>loop.create_server()</c>'s.
    /// </summary>
    public static Coroutine<AbstractServer> StartServer(
        Func<StreamReader, StreamWriter, Coroutine> clientConnectedCb, object? host = null, int? port = null,
        int limit = StreamReader._DEFAULT_LIMIT, AddressFamily family = AddressFamily.Unspecified, int flags = 1,
        Socket? sock = null, int backlog = 100, object? ssl = null, bool? reuseAddress = null, bool? reusePort = null,
        double? sslHandshakeTimeout = null, double? sslShutdownTimeout = null, bool startServing = true) =>
        StartServerCore(loop => new StreamReaderProtocol(new StreamReader(limit, loop), clientConnectedCb, loop),
            host, port, family, flags, sock, backlog, ssl, reuseAddress, reusePort, sslHandshakeTimeout,
            sslShutdownTimeout, startServing);

    /// <summary>Python's <c>start_server(client_connected_cb, ...)</c> with a plain callback.</summary>
    public static Coroutine<AbstractServer> StartServer(
        Action<StreamReader, StreamWriter> clientConnectedCb, object? host = null, int? port = null,
        int limit = StreamReader._DEFAULT_LIMIT, AddressFamily family = AddressFamily.Unspecified, int flags = 1,
        Socket? sock = null, int backlog = 100, object? ssl = null, bool? reuseAddress = null, bool? reusePort = null,
        double? sslHandshakeTimeout = null, double? sslShutdownTimeout = null, bool startServing = true) =>
        StartServerCore(loop => new StreamReaderProtocol(new StreamReader(limit, loop), clientConnectedCb, loop),
            host, port, family, flags, sock, backlog, ssl, reuseAddress, reusePort, sslHandshakeTimeout,
            sslShutdownTimeout, startServing);

    private static async Coroutine<AbstractServer> StartServerCore(
        Func<AbstractEventLoop, StreamReaderProtocol> factory, object? host, int? port, AddressFamily family, int flags,
        Socket? sock, int backlog, object? ssl, bool? reuseAddress, bool? reusePort, double? sslHandshakeTimeout,
        double? sslShutdownTimeout, bool startServing)
    {
        var loop = GetRunningLoop();
        return await loop.CreateServer(() => factory(loop), host, port, family, flags, sock, backlog, ssl,
            reuseAddress, reusePort, sslHandshakeTimeout, sslShutdownTimeout, startServing);
    }

    /// <summary>
    /// Python's <c>open_unix_connection(path=None, *, limit=_DEFAULT_LIMIT, **kwds)</c>: <see cref="OpenConnection"/>
    /// over <c>loop.create_unix_connection()</c>.
    /// </summary>
    public static async Coroutine<(StreamReader Reader, StreamWriter Writer)> OpenUnixConnection(
        string? path = null, int limit = StreamReader._DEFAULT_LIMIT, object? ssl = null, Socket? sock = null,
        string? serverHostname = null, double? sslHandshakeTimeout = null, double? sslShutdownTimeout = null)
    {
        var loop = GetRunningLoop();
        var reader = new StreamReader(limit, loop);
        var protocol = new StreamReaderProtocol(reader, loop: loop);
        var (transport, _) = await loop.CreateUnixConnection(() => protocol, path, ssl, sock, serverHostname,
            sslHandshakeTimeout, sslShutdownTimeout);
        return (reader, new StreamWriter((WriteTransport)transport, protocol, reader, loop));
    }

    /// <summary>
    /// Python's <c>start_unix_server(client_connected_cb, path=None, *, limit=_DEFAULT_LIMIT, **kwds)</c> with a
    /// coroutine function: <see cref="StartServer(Func{StreamReader, StreamWriter, Coroutine}, object?, int?, int, AddressFamily, int, Socket?, int, object?, bool?, bool?, double?, double?, bool)"/>
    /// over <c>loop.create_unix_server()</c>.
    /// </summary>
    public static Coroutine<AbstractServer> StartUnixServer(
        Func<StreamReader, StreamWriter, Coroutine> clientConnectedCb, string? path = null,
        int limit = StreamReader._DEFAULT_LIMIT, Socket? sock = null, int backlog = 100, object? ssl = null,
        double? sslHandshakeTimeout = null, double? sslShutdownTimeout = null, bool startServing = true) =>
        StartUnixServerCore(loop => new StreamReaderProtocol(new StreamReader(limit, loop), clientConnectedCb, loop),
            path, sock, backlog, ssl, sslHandshakeTimeout, sslShutdownTimeout, startServing);

    /// <summary>Python's <c>start_unix_server(client_connected_cb, ...)</c> with a plain callback.</summary>
    public static Coroutine<AbstractServer> StartUnixServer(
        Action<StreamReader, StreamWriter> clientConnectedCb, string? path = null,
        int limit = StreamReader._DEFAULT_LIMIT, Socket? sock = null, int backlog = 100, object? ssl = null,
        double? sslHandshakeTimeout = null, double? sslShutdownTimeout = null, bool startServing = true) =>
        StartUnixServerCore(loop => new StreamReaderProtocol(new StreamReader(limit, loop), clientConnectedCb, loop),
            path, sock, backlog, ssl, sslHandshakeTimeout, sslShutdownTimeout, startServing);

    private static async Coroutine<AbstractServer> StartUnixServerCore(
        Func<AbstractEventLoop, StreamReaderProtocol> factory, string? path, Socket? sock, int backlog, object? ssl,
        double? sslHandshakeTimeout, double? sslShutdownTimeout, bool startServing)
    {
        var loop = GetRunningLoop();
        return await loop.CreateUnixServer(() => factory(loop), path, sock, backlog, ssl, sslHandshakeTimeout,
            sslShutdownTimeout, startServing);
    }
}
