using System;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using AsyncioSharp.Interop;

namespace AsyncioSharp;

/// <summary>
/// Python's <c>asyncio.TransportSocket</c> (trsock.py): what <c>get_extra_info("socket")</c> and
/// <c>Server.Sockets</c> give, a view of a transport's socket without the operations that would disrupt the
/// transport (close, send, recv, blocking mode...: those methods do not exist here, as in Python).
/// </summary>
public sealed class TransportSocket
{
    private readonly Socket _sock;

    /// <summary>Python's <c>TransportSocket(sock)</c>.</summary>
    public TransportSocket(Socket sock) => _sock = sock;

    /// <summary>
    /// The .NET socket behind the view (Python's private <c>_sock</c>): for .NET APIs that take a
    /// <see cref="System.Net.Sockets.Socket"/>. Closing or reading it behind the transport's back breaks the transport.
    /// </summary>
    public Socket Socket => _sock;

    /// <summary>Python's <c>family</c> property.</summary>
    public AddressFamily Family => _sock.AddressFamily;

    /// <summary>Python's <c>type</c> property.</summary>
    public SocketType Type => _sock.SocketType;

    /// <summary>Python's <c>proto</c> property (0 where .NET says <see cref="ProtocolType.Unspecified"/>).</summary>
    public int Proto => _sock.ProtocolType is ProtocolType.Unspecified or ProtocolType.Unknown ? 0 : (int)_sock.ProtocolType;

    /// <summary>Python's <c>repr()</c>: <c>&lt;asyncio.TransportSocket fd=6, family=2, type=1, proto=6, laddr=...&gt;</c>.</summary>
    public override string ToString()
    {
        var fd = Fileno();
        var text = $"<asyncio.TransportSocket fd={fd}, family={Netdb.ToNative(Family)}, type={(int)Type}, proto={Proto}";
        if (fd != -1)
        {
            text += Address("laddr", Getsockname) + Address("raddr", Getpeername);
        }
        return text + ">";
    }

    private static string Address(string name, Func<EndPoint> get)
    {
        try
        {
            return $", {name}={Errno.FormatAddress(get())}";
        }
        catch (OSError)
        {
            return "";
        }
    }

    /// <summary>Python's <c>fileno()</c>: the descriptor, -1 once the socket is closed.</summary>
    public int Fileno() => _sock.SafeHandle.IsClosed ? -1 : (int)_sock.Handle;

    /// <summary>Python's <c>dup()</c>: a new socket over a duplicate of the descriptor (close-on-exec, as Python's).</summary>
    public Socket Dup()
    {
        var fd = Libc.DupCloexec(Fileno());
        return new Socket(new SafeSocketHandle(new IntPtr(fd), ownsHandle: true));
    }

    /// <summary>Python's <c>get_inheritable()</c>: whether the descriptor survives an exec.</summary>
    public bool GetInheritable() => Libc.GetInheritable(Fileno());

    /// <summary>Python's <c>shutdown(how)</c> (<c>SHUT_RD</c>/<c>SHUT_WR</c>/<c>SHUT_RDWR</c> have .NET's values).</summary>
    public void Shutdown(SocketShutdown how) => Call(() => _sock.Shutdown(how));

    /// <summary>Python's <c>getsockopt(level, optname)</c>: an integer option, with the platform's level and name numbers.</summary>
    public int Getsockopt(int level, int optname)
    {
        var value = new byte[sizeof(int)];
        Call(() => _sock.GetRawSocketOption(level, optname, value));
        return BitConverter.ToInt32(value);
    }

    /// <summary>Python's <c>getsockopt(level, optname, buflen)</c>: the option's bytes (at most <paramref name="buflen"/>).</summary>
    public byte[] Getsockopt(int level, int optname, int buflen)
    {
        if (buflen <= 0 || buflen > 1024)
        {
            throw new OSError("getsockopt buflen out of range");
        }
        var value = new byte[buflen];
        var n = 0;
        Call(() => n = _sock.GetRawSocketOption(level, optname, value));
        return value[..n];
    }

    /// <summary>Python's <c>setsockopt(level, optname, value)</c> with an integer value.</summary>
    public void Setsockopt(int level, int optname, int value) =>
        Setsockopt(level, optname, BitConverter.GetBytes(value));

    /// <summary>Python's <c>setsockopt(level, optname, value)</c> with a bytes value.</summary>
    public void Setsockopt(int level, int optname, byte[] value) =>
        Call(() => _sock.SetRawSocketOption(level, optname, value));

    /// <summary>Python's <c>getpeername()</c>: the remote address; OSError (ENOTCONN) when not connected.</summary>
    public EndPoint Getpeername()
    {
        EndPoint? remote = null;
        Call(() => remote = _sock.RemoteEndPoint);
        return remote ?? throw Errno.Error(Errno.ENOTCONN);
    }

    /// <summary>Python's <c>getsockname()</c>: the local address.</summary>
    public EndPoint Getsockname()
    {
        EndPoint? local = null;
        Call(() => local = _sock.LocalEndPoint);
        return local ?? SocketAddresses.Any(_sock);
    }

    /// <summary>
    /// Python's <c>getsockbyname()</c>: Python's TransportSocket forwards it to a method that <c>socket.socket</c>
    /// does not have, so it raises AttributeError.
    /// </summary>
    public EndPoint Getsockbyname() => throw new AttributeError("'socket' object has no attribute 'getsockbyname'");

    /// <summary>Python's <c>settimeout(value)</c>: only 0 is accepted (a transport's socket is non-blocking).</summary>
    public void Settimeout(double? value)
    {
        if (value == 0)
        {
            return;
        }
        throw new ValueError("settimeout(): only 0 timeout is allowed on transport sockets");
    }

    /// <summary>Python's <c>gettimeout()</c>: always 0.</summary>
    public double Gettimeout() => 0;

    /// <summary>Python's <c>setblocking(flag)</c>: only false is accepted.</summary>
    public void Setblocking(bool flag)
    {
        if (!flag)
        {
            return;
        }
        throw new ValueError("setblocking(): transport sockets cannot be blocking");
    }

    /// <summary>Runs a .NET socket call, raising Python's OSError (EBADF once closed) for its failures.</summary>
    private static void Call(Action call)
    {
        try
        {
            call();
        }
        catch (SocketException e)
        {
            throw Errno.Error(e);
        }
        catch (ObjectDisposedException)
        {
            throw Errno.Error(Errno.EBADF);
        }
    }
}
