using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using AsyncioSharp.Interop;

namespace AsyncioSharp;

/// <summary>Python's <c>BaseEventLoop.create_datagram_endpoint</c> (base_events.py).</summary>
public abstract partial class BaseEventLoop
{
    /// <summary>Python's <c>_make_datagram_transport(sock, protocol, address=None, waiter=None, extra=None)</c>.</summary>
    private protected virtual DatagramTransport MakeDatagramTransport(Socket sock, DatagramProtocol protocol, EndPoint? address,
        Future waiter) => throw new NotImplementedException();

    /// <summary>
    /// Python's <c>create_datagram_endpoint</c>. <paramref name="localAddr"/> and <paramref name="remoteAddr"/> are a
    /// <c>(string Host, int Port)</c> tuple, or a path string for AF_UNIX, as Python's take a tuple or a str.
    /// As in CPython 3.11, <paramref name="reuseAddress"/> is not accepted: passing it raises TypeError.
    /// </summary>
    public override async Coroutine<(DatagramTransport Transport, BaseProtocol Protocol)> CreateDatagramEndpoint(
        Func<BaseProtocol> protocolFactory, object? localAddr = null, object? remoteAddr = null,
        AddressFamily family = AddressFamily.Unspecified, ProtocolType proto = 0, int flags = 0, bool? reuseAddress = null,
        bool? reusePort = null, bool? allowBroadcast = null, Socket? sock = null)
    {
        if (reuseAddress is not null)
        {
            throw new TypeError("BaseEventLoop.create_datagram_endpoint() got an unexpected keyword argument 'reuse_address'");
        }
        EndPoint? rAddr = null;
        if (sock is not null)
        {
            if (sock.SocketType != SocketType.Dgram)
            {
                throw new ValueError($"A UDP Socket was expected, got {SocketRepr.Repr(sock)}");
            }
            var problems = new List<string>();
            void Problem(string name, object? value, bool given)
            {
                if (given)
                {
                    problems.Add($"{name}={value}");
                }
            }
            Problem("local_addr", localAddr is null ? null : AddressRepr(localAddr), localAddr is not null);
            Problem("remote_addr", remoteAddr is null ? null : AddressRepr(remoteAddr), remoteAddr is not null);
            Problem("family", (int)family, family != AddressFamily.Unspecified);
            Problem("proto", (int)proto, proto != 0);
            Problem("flags", flags, flags != 0);
            Problem("reuse_port", "True", reusePort == true);
            Problem("allow_broadcast", "True", allowBroadcast == true);
            if (problems.Count > 0)
            {
                throw new ValueError(
                    $"socket modifier keyword arguments can not be used when sock is specified. ({string.Join(", ", problems)})");
            }
            sock.Blocking = false;
        }
        else
        {
            var addrPairsInfo = await DatagramAddressPairs(localAddr, remoteAddr, family, proto, flags);
            var exceptions = new List<Exception>();
            foreach (var ((fam, pro), (localAddress, remoteAddress)) in addrPairsInfo)
            {
                sock = null;
                rAddr = null;
                try
                {
                    sock = NewSocket(fam, SocketType.Dgram, pro);
                    if (reusePort == true)
                    {
                        SetReuseport(sock);
                    }
                    if (allowBroadcast == true)
                    {
                        sock.EnableBroadcast = true;
                    }
                    sock.Blocking = false;
                    if (localAddr is not null)
                    {
                        Bind(sock, localAddress!);
                    }
                    if (remoteAddr is not null)
                    {
                        if (allowBroadcast != true)
                        {
                            await SockConnect(sock, remoteAddress!);
                        }
                        rAddr = remoteAddress;
                    }
                    break;
                }
                catch (OSError exc)
                {
                    sock?.Dispose();
                    sock = null;
                    exceptions.Add(exc);
                }
                catch (Exception)
                {
                    sock?.Dispose();
                    throw;
                }
            }
            if (sock is null)
            {
                throw exceptions[0];
            }
        }

        var protocol = protocolFactory();
        var waiter = CreateFuture();
        var transport = MakeDatagramTransport(sock, (DatagramProtocol)protocol, rAddr, waiter);
        if (GetDebug())
        {
            Log.Debug(localAddr is not null
                ? $"Datagram endpoint local_addr={AddressRepr(localAddr)} remote_addr={AddressRepr(remoteAddr)} created: ({transport}, {protocol})"
                : $"Datagram endpoint remote_addr={AddressRepr(remoteAddr)} created: ({transport}, {protocol})");
        }
        try
        {
            await waiter;
        }
        catch (Exception)
        {
            transport.Close();
            throw;
        }
        return (transport, protocol);
    }

    /// <summary>
    /// The (family, proto) -> (local, remote) address pairs Python's create_datagram_endpoint tries in order:
    /// each given address resolved, keeping the pairs every given address has an entry for.
    /// </summary>
    private async Coroutine<List<((AddressFamily, ProtocolType), (EndPoint?, EndPoint?))>> DatagramAddressPairs(
        object? localAddr, object? remoteAddr, AddressFamily family, ProtocolType proto, int flags)
    {
        if (localAddr is null && remoteAddr is null)
        {
            if (family == AddressFamily.Unspecified)
            {
                throw new ValueError("unexpected address family");
            }
            return [((family, proto), (null, null))];
        }
        if (family == AddressFamily.Unix)
        {
            foreach (var addr in new[] { localAddr, remoteAddr })
            {
                if (addr is not null && addr is not string)
                {
                    throw new TypeError("string is expected");
                }
            }
            if (localAddr is string path && path.Length > 0 && path[0] != '\0')
            {
                RemoveStaleUnixSocket(path);
            }
            return [((family, proto), (UnixEndPoint(localAddr), UnixEndPoint(remoteAddr)))];
        }
        // Join the addresses by (family, protocol), in resolution order.
        var addrInfos = new List<((AddressFamily, ProtocolType) Key, EndPoint?[] Pair)>();
        foreach (var (idx, addr) in new[] { (0, localAddr), (1, remoteAddr) })
        {
            if (addr is null)
            {
                continue;
            }
            if (addr is not ValueTuple<string, int> hostPort)
            {
                throw new TypeError("2-tuple is expected");
            }
            var infos = await EnsureResolved(hostPort.Item1, hostPort.Item2, family, SocketType.Dgram, proto, flags, bind: idx == 0);
            if (infos.Count == 0)
            {
                throw new OSError("getaddrinfo() returned empty list");
            }
            foreach (var info in infos)
            {
                var key = (info.Family, info.Proto);
                var entry = addrInfos.FirstOrDefault(e => e.Key == key);
                if (entry.Pair is null)
                {
                    entry = (key, new EndPoint?[2]);
                    addrInfos.Add(entry);
                }
                entry.Pair[idx] ??= info.Sockaddr;
            }
        }
        // Each given address has to have an entry for each (family, proto) pair.
        var pairs = addrInfos
            .Where(e => !((localAddr is not null && e.Pair[0] is null) || (remoteAddr is not null && e.Pair[1] is null)))
            .Select(e => (e.Key, (e.Pair[0], e.Pair[1])))
            .ToList();
        if (pairs.Count == 0)
        {
            throw new ValueError("can not get address information");
        }
        return pairs;
    }

    private static UnixDomainSocketEndPoint? UnixEndPoint(object? path) =>
        path is string p ? new UnixDomainSocketEndPoint(p) : null;

    /// <summary>Removes a stale unix socket file at <paramref name="path"/>, as Python does before binding.</summary>
    private protected static void RemoveStaleUnixSocket(string path)
    {
        try
        {
            if (Libc.IsSocketFile(path))
            {
                File.Delete(path);
            }
        }
        catch (OSError err) when (err.Errno == Libc.ENOENT)
        {
        }
        catch (Exception err) when (err is OSError or IOException or UnauthorizedAccessException)
        {
            // The directory may allow creating a socket only.
            Log.Error($"Unable to check or remove stale UNIX socket '{path}': {err.Message}");
        }
    }

    /// <summary>Python's repr of an address argument: a tuple or a quoted path.</summary>
    private static string AddressRepr(object? addr) => addr switch
    {
        null => "None",
        ValueTuple<string, int> t => $"('{t.Item1}', {t.Item2})",
        string s => $"'{s}'",
        EndPoint e => Errno.FormatAddress(e),
        _ => addr.ToString() ?? "",
    };
}
