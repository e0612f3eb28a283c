using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace AsyncioSharp.Interop;

/// <summary>
/// The C library's resolver, called as Python's <c>socket.getaddrinfo</c>/<c>socket.getnameinfo</c> call it,
/// so results come in the same order and failures carry the same <c>EAI_*</c> codes and texts.
/// </summary>
internal static unsafe partial class Netdb
{
    private const int AF_INET = 2;
    private const int AF_INET6 = 10;
    private const int EAI_SYSTEM = -11;
    private const int NI_MAXHOST = 1025;
    private const int NI_MAXSERV = 32;

    /// <summary>struct addrinfo (glibc, 64-bit).</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct AddrInfoNative
    {
        public int Flags;
        public int Family;
        public int SockType;
        public int Protocol;
        public uint AddrLen;
        public byte* Addr;
        public byte* CanonName;
        public AddrInfoNative* Next;
    }

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int getaddrinfo(string? node, string? service, AddrInfoNative* hints, AddrInfoNative** res);

    [LibraryImport("libc")]
    private static partial void freeaddrinfo(AddrInfoNative* res);

    [LibraryImport("libc")]
    private static partial nint gai_strerror(int errcode);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int getnameinfo(byte* sa, uint salen, byte* host, uint hostlen, byte* serv, uint servlen, int flags);

    /// <summary>Python's <c>socket.getaddrinfo(host, port, family, type, proto, flags)</c> (blocking).</summary>
    internal static List<AddrInfo> Getaddrinfo(string? host, object? port, AddressFamily family, SocketType type,
        ProtocolType proto, int flags)
    {
        var service = port switch
        {
            null => null,
            int i => i.ToString(System.Globalization.CultureInfo.InvariantCulture),
            string s => s,
            _ => throw new OSError("Int or String expected"),
        };
        var hints = new AddrInfoNative
        {
            Flags = flags,
            Family = ToNative(family),
            SockType = (int)type,
            Protocol = (int)proto,
        };
        AddrInfoNative* res = null;
        var rc = getaddrinfo(host, service, &hints, &res);
        if (rc != 0)
        {
            throw GaiError(rc);
        }
        try
        {
            var result = new List<AddrInfo>();
            for (var ai = res; ai != null; ai = ai->Next)
            {
                var sockaddr = ToEndPoint(ai->Addr);
                if (sockaddr is null)
                {
                    continue;
                }
                var canon = ai->CanonName == null ? "" : Marshal.PtrToStringUTF8((nint)ai->CanonName) ?? "";
                result.Add(new AddrInfo(sockaddr.AddressFamily, (SocketType)ai->SockType, (ProtocolType)ai->Protocol, canon, sockaddr));
            }
            return result;
        }
        finally
        {
            freeaddrinfo(res);
        }
    }

    /// <summary>Python's <c>socket.getnameinfo(sockaddr, flags)</c> (blocking): (host, service).</summary>
    internal static (string Host, string Port) Getnameinfo(EndPoint sockaddr, int flags)
    {
        if (sockaddr is not IPEndPoint ip)
        {
            throw new TypeError("getnameinfo() argument 1 must be a tuple");
        }
        var sa = stackalloc byte[28];
        new Span<byte>(sa, 28).Clear();
        uint len;
        if (ip.AddressFamily == AddressFamily.InterNetwork)
        {
            *(ushort*)sa = AF_INET;
            len = 16;
            ip.Address.TryWriteBytes(new Span<byte>(sa + 4, 4), out _);
        }
        else
        {
            *(ushort*)sa = AF_INET6;
            len = 28;
            ip.Address.TryWriteBytes(new Span<byte>(sa + 8, 16), out _);
            *(uint*)(sa + 24) = (uint)ip.Address.ScopeId;
        }
        sa[2] = (byte)(ip.Port >> 8);
        sa[3] = (byte)ip.Port;
        var host = stackalloc byte[NI_MAXHOST];
        var serv = stackalloc byte[NI_MAXSERV];
        var rc = getnameinfo(sa, len, host, NI_MAXHOST, serv, NI_MAXSERV, flags);
        if (rc != 0)
        {
            throw GaiError(rc);
        }
        return (Marshal.PtrToStringUTF8((nint)host) ?? "", Marshal.PtrToStringUTF8((nint)serv) ?? "");
    }

    private static OSError GaiError(int rc)
    {
        if (rc == EAI_SYSTEM)
        {
            return Errno.Error(Marshal.GetLastPInvokeError());
        }
        return new Gaierror(rc, Marshal.PtrToStringUTF8(gai_strerror(rc)) ?? $"Unknown error {rc}");
    }

    /// <summary>The Linux AF_* value of a .NET address family (they differ for IPv6).</summary>
    internal static int ToNative(AddressFamily family) => family switch
    {
        AddressFamily.InterNetworkV6 => AF_INET6,
        _ => (int)family,
    };

    private static IPEndPoint? ToEndPoint(byte* sa)
    {
        if (sa == null)
        {
            return null;
        }
        int family = *(ushort*)sa;
        var port = (sa[2] << 8) | sa[3];
        return family switch
        {
            AF_INET => new IPEndPoint(new IPAddress(new ReadOnlySpan<byte>(sa + 4, 4)), port),
            AF_INET6 => new IPEndPoint(new IPAddress(new ReadOnlySpan<byte>(sa + 8, 16), *(uint*)(sa + 24)), port),
            _ => null,
        };
    }
}
