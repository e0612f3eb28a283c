using System.Net;
using System.Net.Sockets;

namespace AsyncioSharp.Interop;

/// <summary>Socket addresses for the receive calls.</summary>
internal static class SocketAddresses
{
    /// <summary>An address of the socket's family for <see cref="Socket.ReceiveFrom(System.Span{byte}, ref EndPoint)"/> to fill in.</summary>
    internal static EndPoint Any(Socket sock) => sock.AddressFamily switch
    {
        AddressFamily.InterNetworkV6 => new IPEndPoint(IPAddress.IPv6Any, 0),
        AddressFamily.Unix => new UnixDomainSocketEndPoint("\0"),
        _ => new IPEndPoint(IPAddress.Any, 0),
    };
}
