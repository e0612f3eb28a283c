using System.Net;
using System.Net.Sockets;

namespace AsyncioSharp.Interop;

/// <summary>Socket addresses as Python shows and builds them.</summary>
internal static class SocketAddresses
{
    /// <summary>Python's repr of a socket address: <c>('127.0.0.1', 80)</c>, <c>('::1', 80, 0, 0)</c>, <c>'/path'</c>.</summary>
    internal static string Repr(EndPoint? address) => address switch
    {
        IPEndPoint { AddressFamily: AddressFamily.InterNetworkV6 } ip =>
            $"('{ip.Address.ToString().Split('%')[0]}', {ip.Port}, 0, {ip.Address.ScopeId})",
        IPEndPoint ip => $"('{ip.Address}', {ip.Port})",
        DnsEndPoint dns => $"('{dns.Host}', {dns.Port})",
        UnixDomainSocketEndPoint unix => $"'{unix}'",
        null => "None",
        _ => address.ToString() ?? "",
    };

    /// <summary>An address of the socket's family for <see cref="Socket.ReceiveFrom(System.Span{byte}, ref EndPoint)"/> to fill in.</summary>
    internal static EndPoint Any(Socket sock) => sock.AddressFamily switch
    {
        AddressFamily.InterNetworkV6 => new IPEndPoint(IPAddress.IPv6Any, 0),
        AddressFamily.Unix => new UnixDomainSocketEndPoint("\0"),
        _ => new IPEndPoint(IPAddress.Any, 0),
    };
}
