using System;
using System.Net.Sockets;
using AsyncioSharp.Interop;

namespace AsyncioSharp;

/// <summary>Python's <c>repr(socket)</c>, which asyncio's error messages embed (<c>A Stream Socket was expected, got ...</c>).</summary>
internal static class SocketRepr
{
    /// <summary><c>&lt;socket.socket fd=3, family=2, type=2, proto=0, laddr=('0.0.0.0', 0)&gt;</c>.</summary>
    internal static string Repr(Socket sock)
    {
        var family = Netdb.ToNative(sock.AddressFamily);
        var type = (int)sock.SocketType;
        var proto = sock.ProtocolType == ProtocolType.Unspecified ? 0 : (int)sock.ProtocolType;
        if (sock.SafeHandle.IsClosed)
        {
            return $"<socket.socket [closed] fd=-1, family={family}, type={type}, proto={proto}>";
        }
        var text = $"<socket.socket fd={(int)sock.Handle}, family={family}, type={type}, proto={proto}";
        try
        {
            if (sock.LocalEndPoint is { } local)
            {
                text += $", laddr={Errno.FormatAddress(local)}";
            }
            if (sock.RemoteEndPoint is { } remote)
            {
                text += $", raddr={Errno.FormatAddress(remote)}";
            }
        }
        catch (SocketException)
        {
        }
        return text + ">";
    }
}
