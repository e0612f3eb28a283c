using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using AsyncioSharp.Interop;
using AsyncioSharp.Ssl;

namespace AsyncioSharp;

/// <summary>Python's <c>base_events.BaseEventLoop</c>: name resolution, create_connection, create_server.</summary>
public abstract partial class BaseEventLoop
{
    // Python's socket.AI_PASSIVE.
    private const int AI_PASSIVE = 1;

    // Transports plug in here, as in Python (_make_socket_transport, _make_ssl_transport, _start_serving, ...).

    /// <summary>Python's <c>_make_socket_transport(sock, protocol, waiter=None, *, extra=None, server=None)</c>.</summary>
    internal virtual Transport MakeSocketTransport(Socket sock, BaseProtocol protocol, Future? waiter = null,
        Dictionary<string, object?>? extra = null, Server? server = null) => throw new NotImplementedException();

    /// <summary>
    /// Python's <c>_make_ssl_transport(rawsock, protocol, sslcontext, waiter=None, *, server_side=False,
    /// server_hostname=None, extra=None, server=None, ssl_handshake_timeout=None, ssl_shutdown_timeout=None)</c>:
    /// the seam where TLS plugs in; <paramref name="sslcontext"/> is null when Python's <c>ssl=True</c> was given.
    /// </summary>
    internal virtual Transport MakeSslTransport(Socket rawsock, BaseProtocol protocol, SSLContext? sslcontext,
        Future? waiter = null, bool serverSide = false, string? serverHostname = null,
        Dictionary<string, object?>? extra = null, Server? server = null, double? sslHandshakeTimeout = null,
        double? sslShutdownTimeout = null) => throw new NotImplementedException();

    /// <summary>Connects a non-blocking socket to a resolved address (the core of Python's <c>sock_connect</c>).</summary>
    internal virtual Coroutine SockConnectCore(Socket sock, EndPoint address) => throw new NotImplementedException();

    /// <summary>Python's <c>_start_serving(protocol_factory, sock, sslcontext, server, backlog, ...)</c>: accepts on a listening socket.</summary>
    internal virtual void StartServingSocket(Server server, Socket sock) => throw new NotImplementedException();

    /// <summary>Python's <c>_stop_serving(sock)</c>: stops accepting and closes the listening socket.</summary>
    internal virtual void StopServingSocket(Socket sock) => throw new NotImplementedException();

    // Name resolution.

    /// <inheritdoc />
    public override Coroutine<List<AddrInfo>> Getaddrinfo(string? host, object? port, AddressFamily family = AddressFamily.Unspecified,
        SocketType type = 0, ProtocolType proto = 0, int flags = 0) =>
        GetaddrinfoCore(host, port, family, type, proto, flags);

    private async Coroutine<List<AddrInfo>> GetaddrinfoCore(string? host, object? port, AddressFamily family, SocketType type,
        ProtocolType proto, int flags)
    {
        var debug = _debug;
        return await RunInExecutor(null, () =>
        {
            var t0 = Time();
            var result = Netdb.Getaddrinfo(host, port, family, type, proto, flags);
            if (debug)
            {
                Log.Debug($"Getting address info host={host}, port={port}, family={family}, type={type}, proto={proto}, " +
                          $"flags={flags} took {(Time() - t0) * 1000:F3}ms: {string.Join(", ", result)}");
            }
            return result;
        });
    }

    /// <inheritdoc />
    public override Coroutine<(string Host, string Port)> Getnameinfo(EndPoint sockaddr, int flags = 0) => GetnameinfoCore(sockaddr, flags);

    private async Coroutine<(string Host, string Port)> GetnameinfoCore(EndPoint sockaddr, int flags) =>
        await RunInExecutor(null, () => Netdb.Getnameinfo(sockaddr, flags));

    /// <summary>
    /// Python's <c>_ensure_resolved(address, *, family, type, proto, flags, loop)</c>: an IP literal is used as is
    /// (<c>_ipaddr_info</c>); anything else goes through getaddrinfo.
    /// </summary>
    internal async Coroutine<List<AddrInfo>> EnsureResolved(string? host, object? port, AddressFamily family = AddressFamily.Unspecified,
        SocketType type = SocketType.Stream, ProtocolType proto = 0, int flags = 0, bool bind = false)
    {
        if (IpaddrInfo(host, port, family, type, proto, bind) is { } info)
        {
            return new List<AddrInfo> { info };
        }
        return await Getaddrinfo(host, port, family, type, proto, flags);
    }

    /// <summary>
    /// Python's <c>_ipaddr_info(host, port, family, type, proto)</c>: the one getaddrinfo row of an IP literal, or null.
    /// A port out of range raises the OverflowError the later connect (or, with <paramref name="bind"/>, bind) would.
    /// </summary>
    internal static AddrInfo? IpaddrInfo(string? host, object? port, AddressFamily family, SocketType type, ProtocolType proto,
        bool bind = false)
    {
        if (proto is not (0 or ProtocolType.Tcp or ProtocolType.Udp) || host is null)
        {
            return null;
        }
        proto = type switch
        {
            SocketType.Stream => ProtocolType.Tcp,
            SocketType.Dgram => ProtocolType.Udp,
            _ => (ProtocolType)(-1),
        };
        if ((int)proto == -1)
        {
            return null;
        }
        int portNumber;
        switch (port)
        {
            case null:
            case "":
                portNumber = 0;
                break;
            case int i:
                portNumber = i;
                break;
            case string s when int.TryParse(s.Trim(), out var parsed):
                portNumber = parsed;
                break;
            default:
                // A service name like "http" needs getaddrinfo.
                return null;
        }
        if (host.Contains('%'))
        {
            // Linux's inet_pton does not accept an IPv6 zone index ('::1%lo0').
            return null;
        }
        foreach (var af in family == AddressFamily.Unspecified
                     ? new[] { AddressFamily.InterNetwork, AddressFamily.InterNetworkV6 }
                     : new[] { family })
        {
            if (InetPton(af, host) is { } address)
            {
                if (portNumber is < IPEndPoint.MinPort or > IPEndPoint.MaxPort)
                {
                    // What CPython's socket.connect()/bind() raise for the out-of-range port _ipaddr_info passes on.
                    throw new OverflowException($"{(bind ? "bind" : "connect")}(): port must be 0-65535.");
                }
                return new AddrInfo(af, type, proto, "", new IPEndPoint(address, portNumber));
            }
        }
        return null;
    }

    /// <summary>Python's <c>socket.inet_pton</c>: IPv4 only in the strict dotted-quad form.</summary>
    private static IPAddress? InetPton(AddressFamily family, string host)
    {
        if (!IPAddress.TryParse(host, out var address) || address.AddressFamily != family)
        {
            return null;
        }
        if (family == AddressFamily.InterNetwork &&
            (host.Count(c => c == '.') != 3 || !host.All(c => c == '.' || char.IsAsciiDigit(c))))
        {
            return null;
        }
        return address;
    }

    /// <summary>Python's <c>_interleave_addrinfos(addrinfos, first_address_family_count)</c>: alternates families.</summary>
    internal static List<AddrInfo> InterleaveAddrinfos(List<AddrInfo> addrinfos, int firstAddressFamilyCount = 1)
    {
        var byFamily = new List<List<AddrInfo>>();
        foreach (var addr in addrinfos)
        {
            var group = byFamily.Find(g => g[0].Family == addr.Family);
            if (group is null)
            {
                byFamily.Add(group = new List<AddrInfo>());
            }
            group.Add(addr);
        }
        var reordered = new List<AddrInfo>();
        if (firstAddressFamilyCount > 1 && byFamily.Count > 0)
        {
            var head = byFamily[0].Take(firstAddressFamilyCount - 1).ToList();
            reordered.AddRange(head);
            byFamily[0].RemoveRange(0, head.Count);
        }
        for (var i = 0; byFamily.Any(g => i < g.Count); i++)
        {
            reordered.AddRange(byFamily.Where(g => i < g.Count).Select(g => g[i]));
        }
        return reordered;
    }

    // create_connection.

    /// <inheritdoc />
    public override Coroutine<(BaseTransport Transport, BaseProtocol Protocol)> CreateConnection(
        Func<BaseProtocol> protocolFactory, string? host = null, int? port = null, object? ssl = null,
        AddressFamily family = AddressFamily.Unspecified, ProtocolType proto = 0, int flags = 0, Socket? sock = null,
        (string Host, int Port)? localAddr = null, string? serverHostname = null, double? sslHandshakeTimeout = null,
        double? sslShutdownTimeout = null, double? happyEyeballsDelay = null, int? interleave = null) =>
        CreateConnection(protocolFactory, host, port, ssl, family, proto, flags, sock, localAddr, serverHostname,
            sslHandshakeTimeout, sslShutdownTimeout, happyEyeballsDelay, interleave, allErrors: false);

    /// <summary>
    /// Python 3.12's <c>create_connection(..., all_errors=False)</c>: as the 3.11 method, and with
    /// <paramref name="allErrors"/> a failure to connect raises an <see cref="ExceptionGroup"/> of every attempt's error.
    /// </summary>
    public async Coroutine<(BaseTransport Transport, BaseProtocol Protocol)> CreateConnection(
        Func<BaseProtocol> protocolFactory, string? host, int? port, object? ssl,
        AddressFamily family, ProtocolType proto, int flags, Socket? sock,
        (string Host, int Port)? localAddr, string? serverHostname, double? sslHandshakeTimeout,
        double? sslShutdownTimeout, double? happyEyeballsDelay, int? interleave, bool allErrors)
    {
        var sslOn = IsTruthySsl(ssl);
        if (serverHostname is not null && !sslOn)
        {
            throw new ValueError("server_hostname is only meaningful with ssl");
        }
        if (serverHostname is null && sslOn)
        {
            if (string.IsNullOrEmpty(host))
            {
                throw new ValueError("You must set server_hostname when using ssl without a host");
            }
            serverHostname = host;
        }
        if (sslHandshakeTimeout is not null && !sslOn)
        {
            throw new ValueError("ssl_handshake_timeout is only meaningful with ssl");
        }
        if (sslShutdownTimeout is not null && !sslOn)
        {
            throw new ValueError("ssl_shutdown_timeout is only meaningful with ssl");
        }
        if (happyEyeballsDelay is not null && interleave is null)
        {
            // With happy eyeballs, interleave the addresses by family by default.
            interleave = 1;
        }

        if (host is not null || port is not null)
        {
            if (sock is not null)
            {
                throw new ValueError("host/port and sock can not be specified at the same time");
            }
            var infos = await EnsureResolved(host, port, family, SocketType.Stream, proto, flags);
            if (infos.Count == 0)
            {
                throw new OSError("getaddrinfo() returned empty list");
            }
            List<AddrInfo>? laddrInfos = null;
            if (localAddr is { } laddr)
            {
                laddrInfos = await EnsureResolved(laddr.Host, laddr.Port, family, SocketType.Stream, proto, flags, bind: true);
                if (laddrInfos.Count == 0)
                {
                    throw new OSError("getaddrinfo() returned empty list");
                }
            }
            if (interleave is { } firstCount && firstCount != 0)
            {
                infos = InterleaveAddrinfos(infos, firstCount);
            }

            var exceptions = new List<List<Exception>>();
            if (happyEyeballsDelay is null)
            {
                foreach (var addrinfo in infos)
                {
                    try
                    {
                        sock = await ConnectSock(exceptions, addrinfo, laddrInfos);
                        break;
                    }
                    catch (OSError)
                    {
                    }
                }
            }
            else
            {
                var fns = infos.Select(addrinfo => (Func<Coroutine<Socket>>)(() => ConnectSock(exceptions, addrinfo, laddrInfos)));
                (sock, _, _) = await Asyncio.StaggeredRace(fns, happyEyeballsDelay, this);
            }

            if (sock is null)
            {
                throw ConnectFailure(exceptions.SelectMany(e => e).ToList(), allErrors);
            }
        }
        else
        {
            if (sock is null)
            {
                throw new ValueError("host and port was not specified and no sock specified");
            }
            if (sock.SocketType != SocketType.Stream)
            {
                // AF_INET, AF_INET6 and AF_UNIX are all allowed, as long as they are SOCK_STREAM.
                throw new ValueError($"A Stream Socket was expected, got {SocketRepr.Repr(sock)}");
            }
        }

        var (transport, protocol) = await CreateConnectionTransport(sock, protocolFactory, ssl, serverHostname,
            sslHandshakeTimeout: sslHandshakeTimeout, sslShutdownTimeout: sslShutdownTimeout);
        if (_debug)
        {
            Log.Debug($"{transport.GetExtraInfo("socket")} connected to {host}:{port}: ({transport}, {protocol})");
        }
        return (transport, protocol);
    }

    /// <summary>Python's truth value of an <c>ssl=</c> argument: an SSLContext or True.</summary>
    private static bool IsTruthySsl(object? ssl) => ssl is not (null or false);

    /// <summary>What create_connection raises when every address failed (Python's aggregation rules).</summary>
    private static Exception ConnectFailure(List<Exception> exceptions, bool allErrors)
    {
        if (allErrors)
        {
            return new ExceptionGroup("create_connection failed", exceptions);
        }
        if (exceptions.Count == 1)
        {
            return exceptions[0];
        }
        // If they all read the same, raise one; else one error listing them all.
        var model = exceptions[0].Message;
        if (exceptions.All(exc => exc.Message == model))
        {
            return exceptions[0];
        }
        return new OSError("Multiple exceptions: " + string.Join(", ", exceptions.Select(exc => exc.Message)));
    }

    /// <summary>Python's <c>_connect_sock(exceptions, addr_info, local_addr_infos)</c>: creates, binds and connects one socket.</summary>
    private async Coroutine<Socket> ConnectSock(List<List<Exception>> exceptions, AddrInfo addrInfo, List<AddrInfo>? localAddrInfos)
    {
        var myExceptions = new List<Exception>();
        exceptions.Add(myExceptions);
        Socket? sock = null;
        try
        {
            sock = NewSocket(addrInfo.Family, addrInfo.Type, addrInfo.Proto);
            sock.Blocking = false;
            if (localAddrInfos is not null)
            {
                var bound = false;
                foreach (var local in localAddrInfos)
                {
                    // Skip local addresses of a different family.
                    if (local.Family != addrInfo.Family)
                    {
                        continue;
                    }
                    try
                    {
                        Bind(sock, local.Sockaddr);
                        bound = true;
                        break;
                    }
                    catch (OSError exc)
                    {
                        myExceptions.Add(BindError(exc, local.Sockaddr));
                    }
                }
                if (!bound)
                {
                    if (myExceptions.Count > 0)
                    {
                        var last = myExceptions[^1];
                        myExceptions.RemoveAt(myExceptions.Count - 1);
                        throw last;
                    }
                    throw new OSError($"no matching local address with family=<AddressFamily.{FamilyName(addrInfo.Family)}: " +
                                      $"{Netdb.ToNative(addrInfo.Family)}> found");
                }
            }
            await SockConnectCore(sock, addrInfo.Sockaddr);
            return sock;
        }
        catch (Exception exc)
        {
            if (exc is OSError)
            {
                myExceptions.Add(exc);
            }
            sock?.Close();
            throw;
        }
    }

    /// <summary>Python's <c>OSError(errno, 'error while attempting to bind on address ...: text')</c>.</summary>
    private static OSError BindError(OSError exc, EndPoint address) =>
        exc.Errno is { } errno
            ? Errno.Error(errno, $"error while attempting to bind on address {Errno.FormatAddress(address)}: {exc.Strerror!.ToLowerInvariant()}")
            : exc;

    private static string FamilyName(AddressFamily family) => family switch
    {
        AddressFamily.InterNetwork => "AF_INET",
        AddressFamily.InterNetworkV6 => "AF_INET6",
        AddressFamily.Unix => "AF_UNIX",
        _ => family.ToString(),
    };

    /// <summary>Python's <c>socket.socket(family, type, proto)</c>: failures are OSErrors.</summary>
    internal static Socket NewSocket(AddressFamily family, SocketType type, ProtocolType proto)
    {
        try
        {
            return new Socket(family, type, proto);
        }
        catch (SocketException exc)
        {
            throw Errno.Error(exc);
        }
    }

    /// <summary>Python's <c>sock.bind(address)</c>: failures are OSErrors.</summary>
    internal static void Bind(Socket sock, EndPoint address)
    {
        try
        {
            sock.Bind(address);
        }
        catch (SocketException exc)
        {
            throw Errno.Error(exc);
        }
    }

    /// <summary>Python's <c>_set_nodelay(sock)</c>: TCP_NODELAY on TCP sockets.</summary>
    internal static void SetNodelay(Socket sock)
    {
        if (sock.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6 &&
            sock.SocketType == SocketType.Stream && sock.ProtocolType == ProtocolType.Tcp)
        {
            sock.NoDelay = true;
        }
    }

    /// <summary>
    /// Python's <c>_create_connection_transport(sock, protocol_factory, ssl, server_hostname, server_side, ...)</c>:
    /// makes the protocol and the transport and waits until connection_made ran. If the protocol factory raises or
    /// the wait is cancelled, the socket is closed.
    /// </summary>
    private protected async Coroutine<(BaseTransport Transport, BaseProtocol Protocol)> CreateConnectionTransport(
        Socket sock, Func<BaseProtocol> protocolFactory, object? ssl, string? serverHostname, bool serverSide = false,
        double? sslHandshakeTimeout = null, double? sslShutdownTimeout = null)
    {
        sock.Blocking = false;
        BaseProtocol protocol;
        try
        {
            protocol = protocolFactory();
        }
        catch
        {
            sock.Close();
            throw;
        }
        var waiter = CreateFuture();
        Transport transport;
        if (IsTruthySsl(ssl))
        {
            transport = MakeSslTransport(sock, protocol, ssl as SSLContext, waiter, serverSide, serverHostname,
                sslHandshakeTimeout: sslHandshakeTimeout, sslShutdownTimeout: sslShutdownTimeout);
        }
        else
        {
            transport = MakeSocketTransport(sock, protocol, waiter);
        }
        try
        {
            await waiter;
        }
        catch
        {
            transport.Close();
            throw;
        }
        return (transport, protocol);
    }

    // create_server.

    /// <inheritdoc />
    public override Coroutine<AbstractServer> CreateServer(
        Func<BaseProtocol> protocolFactory, object? host = null, int? port = null,
        AddressFamily family = AddressFamily.Unspecified, int flags = AI_PASSIVE, Socket? sock = null, int backlog = 100,
        object? ssl = null, bool? reuseAddress = null, bool? reusePort = null, double? sslHandshakeTimeout = null,
        double? sslShutdownTimeout = null, bool startServing = true) =>
        CreateServerCore(protocolFactory, host, port, family, flags, sock, backlog, ssl, reuseAddress, reusePort,
            sslHandshakeTimeout, sslShutdownTimeout, startServing);

    private async Coroutine<AbstractServer> CreateServerCore(
        Func<BaseProtocol> protocolFactory, object? host, int? port, AddressFamily family, int flags, Socket? sock,
        int backlog, object? ssl, bool? reuseAddress, bool? reusePort, double? sslHandshakeTimeout,
        double? sslShutdownTimeout, bool startServing)
    {
        if (ssl is bool)
        {
            throw new TypeError("ssl argument must be an SSLContext or None");
        }
        if (ssl is not null && ssl is not SSLContext)
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

        List<Socket> sockets;
        if (host is not null || port is not null)
        {
            if (sock is not null)
            {
                throw new ValueError("host/port and sock can not be specified at the same time");
            }
            reuseAddress ??= true;
            List<string?> hosts = host switch
            {
                "" => new List<string?> { null },
                string s => new List<string?> { s },
                null => new List<string?> { null },
                IEnumerable<string> many => many.Select(h => (string?)h).ToList(),
                _ => throw new TypeError($"host must be a str or a sequence of str, got {host.GetType().Name}"),
            };
            var infos = new List<AddrInfo>();
            foreach (var h in hosts)
            {
                var resolved = await EnsureResolved(h, port, family, SocketType.Stream, 0, flags);
                if (resolved.Count == 0)
                {
                    throw new OSError($"getaddrinfo({(h is null ? "None" : $"'{h}'")}) returned empty list");
                }
                infos.AddRange(resolved);
            }
            sockets = new List<Socket>();
            var completed = false;
            try
            {
                foreach (var res in infos.Distinct())
                {
                    Socket listener;
                    try
                    {
                        listener = NewSocket(res.Family, res.Type, res.Proto);
                    }
                    catch (OSError)
                    {
                        // Assume a bad family/type/protocol combination.
                        if (_debug)
                        {
                            Log.Warning($"create_server() failed to create socket.socket({res.Family}, {res.Type}, {res.Proto})");
                        }
                        continue;
                    }
                    sockets.Add(listener);
                    if (reuseAddress == true)
                    {
                        SetRawOption(listener, SolSocket, SoReuseaddr);
                    }
                    if (reusePort == true)
                    {
                        SetReuseport(listener);
                    }
                    if (res.Family == AddressFamily.InterNetworkV6)
                    {
                        // One socket per family: no IPv4-mapped addresses on the IPv6 one (Linux enables them by default).
                        listener.SetSocketOption(SocketOptionLevel.IPv6, SocketOptionName.IPv6Only, true);
                    }
                    try
                    {
                        Bind(listener, res.Sockaddr);
                    }
                    catch (OSError err)
                    {
                        throw BindError(err, res.Sockaddr);
                    }
                }
                completed = true;
            }
            finally
            {
                if (!completed)
                {
                    foreach (var s in sockets)
                    {
                        s.Close();
                    }
                }
            }
        }
        else
        {
            if (sock is null)
            {
                throw new ValueError("Neither host/port nor sock were specified");
            }
            if (sock.SocketType != SocketType.Stream)
            {
                throw new ValueError($"A Stream Socket was expected, got {SocketRepr.Repr(sock)}");
            }
            sockets = new List<Socket> { sock };
        }
        foreach (var s in sockets)
        {
            s.Blocking = false;
        }
        var server = new Server(this, sockets, protocolFactory, (SSLContext?)ssl, backlog, sslHandshakeTimeout, sslShutdownTimeout);
        if (startServing)
        {
            server.StartServingCore();
            // Skip one loop iteration so that all the readers are registered.
            await Asyncio.Sleep(0);
        }
        if (_debug)
        {
            Log.Debug($"{server} is serving");
        }
        return server;
    }

    // Linux's SOL_SOCKET, SO_REUSEADDR, SO_REUSEPORT: set raw, because .NET's ReuseAddress sets SO_REUSEPORT too.
    private const int SolSocket = 1;
    private const int SoReuseaddr = 2;
    private const int SoReuseport = 15;

    private static void SetRawOption(Socket sock, int level, int name)
    {
        Span<byte> one = stackalloc byte[4];
        BitConverter.TryWriteBytes(one, 1);
        sock.SetRawSocketOption(level, name, one);
    }

    /// <summary>Python's <c>_set_reuseport(sock)</c>.</summary>
    internal static void SetReuseport(Socket sock)
    {
        try
        {
            SetRawOption(sock, SolSocket, SoReuseport);
        }
        catch (SocketException)
        {
            throw new ValueError("reuse_port not supported by socket module, SO_REUSEPORT defined but not implemented.");
        }
    }

    /// <inheritdoc />
    public override Coroutine<(BaseTransport Transport, BaseProtocol Protocol)> ConnectAcceptedSocket(
        Func<BaseProtocol> protocolFactory, Socket sock, object? ssl = null, double? sslHandshakeTimeout = null,
        double? sslShutdownTimeout = null) =>
        ConnectAcceptedSocketCore(protocolFactory, sock, ssl, sslHandshakeTimeout, sslShutdownTimeout);

    private async Coroutine<(BaseTransport Transport, BaseProtocol Protocol)> ConnectAcceptedSocketCore(
        Func<BaseProtocol> protocolFactory, Socket sock, object? ssl, double? sslHandshakeTimeout, double? sslShutdownTimeout)
    {
        if (sock.SocketType != SocketType.Stream)
        {
            throw new ValueError($"A Stream Socket was expected, got {SocketRepr.Repr(sock)}");
        }
        if (sslHandshakeTimeout is not null && !IsTruthySsl(ssl))
        {
            throw new ValueError("ssl_handshake_timeout is only meaningful with ssl");
        }
        if (sslShutdownTimeout is not null && !IsTruthySsl(ssl))
        {
            throw new ValueError("ssl_shutdown_timeout is only meaningful with ssl");
        }
        var (transport, protocol) = await CreateConnectionTransport(sock, protocolFactory, ssl, "", serverSide: true,
            sslHandshakeTimeout: sslHandshakeTimeout, sslShutdownTimeout: sslShutdownTimeout);
        if (_debug)
        {
            Log.Debug($"{sock} handled: ({transport}, {protocol})");
        }
        return (transport, protocol);
    }
}
