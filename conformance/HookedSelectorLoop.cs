using System.Net;
using System.Net.Sockets;
using AsyncioSharp;
using AsyncioSharp.Ssl;

namespace AsyncioSharp.Conformance;

/// <summary>
/// A selector loop whose resolver, connect and TLS seams a test can replace: what CPython's tests do with
/// <c>self.loop.getaddrinfo = ...</c>, <c>mock.patch.object(self.loop, 'sock_connect')</c> and <c>_make_ssl_transport</c>.
/// </summary>
public sealed class HookedSelectorLoop : SelectorEventLoop
{
    public Func<string?, object?, Coroutine<List<AddrInfo>>>? GetaddrinfoHook;
    public Func<Socket, EndPoint, Coroutine>? SockConnectHook;
    public Func<Socket, BaseProtocol, Future?, string?, double?, double?, Transport>? MakeSslTransportHook;
    public Func<BaseTransport, Stream, long, long?, Coroutine<long>>? SendfileNativeHook;

    public override Coroutine<List<AddrInfo>> Getaddrinfo(string? host, object? port, AddressFamily family = AddressFamily.Unspecified,
        SocketType type = 0, ProtocolType proto = 0, int flags = 0) =>
        GetaddrinfoHook is { } hook ? hook(host, port) : base.Getaddrinfo(host, port, family, type, proto, flags);

    internal override Coroutine SockConnectCore(Socket sock, EndPoint address) =>
        SockConnectHook is { } hook ? hook(sock, address) : base.SockConnectCore(sock, address);

    internal override Transport MakeSslTransport(Socket rawsock, BaseProtocol protocol, SSLContext? sslcontext,
        Future? waiter = null, bool serverSide = false, string? serverHostname = null,
        Dictionary<string, object?>? extra = null, Server? server = null, double? sslHandshakeTimeout = null,
        double? sslShutdownTimeout = null) =>
        MakeSslTransportHook is { } hook
            ? hook(rawsock, protocol, waiter, serverHostname, sslHandshakeTimeout, sslShutdownTimeout)
            : base.MakeSslTransport(rawsock, protocol, sslcontext, waiter, serverSide, serverHostname, extra, server,
                sslHandshakeTimeout, sslShutdownTimeout);

    internal override Coroutine<long> SendfileNative(BaseTransport transport, Stream file, long offset, long? count) =>
        SendfileNativeHook is { } hook ? hook(transport, file, offset, count) : base.SendfileNative(transport, file, offset, count);

    /// <summary>An async getaddrinfo result, like CPython's <c>getaddrinfo_task</c>.</summary>
    public static async Coroutine<List<AddrInfo>> Result(List<AddrInfo> infos)
    {
        await Asyncio.Sleep(0);
        return infos;
    }

    public static AddrInfo Inet(string host, int port) =>
        new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp, "", new IPEndPoint(IPAddress.Parse(host), port));

    public static async Coroutine Raise(Exception exc)
    {
        await Asyncio.Sleep(0);
        throw exc;
    }
}
