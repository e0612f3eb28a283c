using System;
using System.Net.Sockets;

namespace AsyncioSharp;

public static partial class Asyncio
{
    /// <summary>Python's <c>streams._DEFAULT_LIMIT</c>: 64 KiB.</summary>
    public const int _DEFAULT_LIMIT = 64 * 1024;

    /// <summary>
    /// Python's <c>asyncio.open_connection(host=None, port=None, *, limit=_DEFAULT_LIMIT, **kwds)</c>: connects
    /// with <c>create_connection</c> (same keyword arguments) and returns a (reader, writer) pair.
    /// </summary>
    public static async Coroutine<(StreamReader Reader, StreamWriter Writer)> OpenConnection(
        string? host = null, int? port = null, int limit = _DEFAULT_LIMIT, object? ssl = null,
        AddressFamily family = AddressFamily.Unspecified, ProtocolType proto = 0, int flags = 0, Socket? sock = null,
        (string Host, int Port)? localAddr = null, string? serverHostname = null, double? sslHandshakeTimeout = null,
        double? sslShutdownTimeout = null, double? happyEyeballsDelay = null, int? interleave = null)
    {
        var loop = GetRunningLoop();
        var reader = new StreamReader(limit, loop);
        var protocol = new StreamReaderProtocol(reader, loop: loop);
        var (transport, _) = await loop.CreateConnection(() => protocol, host, port, ssl, family, proto, flags, sock,
            localAddr, serverHostname, sslHandshakeTimeout, sslShutdownTimeout, happyEyeballsDelay, interleave);
        return (reader, new StreamWriter(transport, protocol, reader, loop));
    }

    /// <summary>
    /// Python's <c>asyncio.start_server(client_connected_cb, host=None, port=None, *, limit=_DEFAULT_LIMIT, **kwds)</c>:
    /// a server (as <c>create_server</c>, same keyword arguments) that calls <paramref name="clientConnectedCb"/> with a
    /// (reader, writer) pair per connection; a coroutine it returns runs as a task.
    /// </summary>
    public static async Coroutine<AbstractServer> StartServer(
        Func<StreamReader, StreamWriter, Coroutine?> clientConnectedCb, object? host = null, int? port = null,
        int limit = _DEFAULT_LIMIT, AddressFamily family = AddressFamily.Unspecified, int flags = 1, Socket? sock = null,
        int backlog = 100, object? ssl = null, bool? reuseAddress = null, bool? reusePort = null,
        double? sslHandshakeTimeout = null, double? sslShutdownTimeout = null, bool startServing = true)
    {
        var loop = GetRunningLoop();
        return await loop.CreateServer(StreamProtocolFactory(clientConnectedCb, limit, loop), host, port, family, flags,
            sock, backlog, ssl, reuseAddress, reusePort, sslHandshakeTimeout, sslShutdownTimeout, startServing);
    }

    /// <summary>
    /// Python's <c>asyncio.open_unix_connection(path=None, *, limit=_DEFAULT_LIMIT, **kwds)</c>: as
    /// <see cref="OpenConnection"/>, over a Unix domain socket.
    /// </summary>
    public static async Coroutine<(StreamReader Reader, StreamWriter Writer)> OpenUnixConnection(
        string? path = null, int limit = _DEFAULT_LIMIT, object? ssl = null, Socket? sock = null,
        string? serverHostname = null, double? sslHandshakeTimeout = null, double? sslShutdownTimeout = null)
    {
        var loop = GetRunningLoop();
        var reader = new StreamReader(limit, loop);
        var protocol = new StreamReaderProtocol(reader, loop: loop);
        var (transport, _) = await loop.CreateUnixConnection(() => protocol, path, ssl, sock, serverHostname,
            sslHandshakeTimeout, sslShutdownTimeout);
        return (reader, new StreamWriter(transport, protocol, reader, loop));
    }

    /// <summary>
    /// Python's <c>asyncio.start_unix_server(client_connected_cb, path=None, *, limit=_DEFAULT_LIMIT, **kwds)</c>: as
    /// <see cref="StartServer"/>, on a Unix domain socket.
    /// </summary>
    public static async Coroutine<AbstractServer> StartUnixServer(
        Func<StreamReader, StreamWriter, Coroutine?> clientConnectedCb, string? path = null, int limit = _DEFAULT_LIMIT,
        Socket? sock = null, int backlog = 100, object? ssl = null, double? sslHandshakeTimeout = null,
        double? sslShutdownTimeout = null, bool startServing = true)
    {
        var loop = GetRunningLoop();
        return await loop.CreateUnixServer(StreamProtocolFactory(clientConnectedCb, limit, loop), path, sock, backlog,
            ssl, sslHandshakeTimeout, sslShutdownTimeout, startServing);
    }

    /// <summary>The protocol factory of start_server/start_unix_server: a reader and its protocol per connection.</summary>
    private static Func<BaseProtocol> StreamProtocolFactory(
        Func<StreamReader, StreamWriter, Coroutine?> clientConnectedCb, int limit, AbstractEventLoop loop) =>
        () => new StreamReaderProtocol(new StreamReader(limit, loop), clientConnectedCb, loop);
}
