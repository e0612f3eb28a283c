using System.Net;
using System.Net.Sockets;
using AsyncioSharp.Interop;

namespace AsyncioSharp;

/// <summary>
/// Python's <c>errno</c> values (Linux) and the one place that turns a failed system call into the Python
/// exception for it: <c>OSError(errno, text)</c> picks the PEP 3151 subclass (ConnectionRefusedError, ...).
/// .NET reports socket failures as <see cref="SocketError"/>; <see cref="FromSocketError(SocketError)"/> maps back.
/// </summary>
internal static class Errno
{
    internal const int EPERM = 1;
    internal const int ENOENT = 2;
    internal const int ESRCH = 3;
    internal const int EINTR = 4;
    internal const int EBADF = 9;
    internal const int ECHILD = 10;
    internal const int EAGAIN = 11;
    internal const int EACCES = 13;
    internal const int EFAULT = 14;
    internal const int EEXIST = 17;
    internal const int ENOTDIR = 20;
    internal const int EISDIR = 21;
    internal const int EINVAL = 22;
    internal const int EMFILE = 24;
    internal const int EPIPE = 32;
    internal const int ENOTSOCK = 88;
    internal const int EDESTADDRREQ = 89;
    internal const int EMSGSIZE = 90;
    internal const int EPROTOTYPE = 91;
    internal const int ENOPROTOOPT = 92;
    internal const int EPROTONOSUPPORT = 93;
    internal const int ESOCKTNOSUPPORT = 94;
    internal const int EOPNOTSUPP = 95;
    internal const int EPFNOSUPPORT = 96;
    internal const int EAFNOSUPPORT = 97;
    internal const int EADDRINUSE = 98;
    internal const int EADDRNOTAVAIL = 99;
    internal const int ENETDOWN = 100;
    internal const int ENETUNREACH = 101;
    internal const int ENETRESET = 102;
    internal const int ECONNABORTED = 103;
    internal const int ECONNRESET = 104;
    internal const int ENOBUFS = 105;
    internal const int EISCONN = 106;
    internal const int ENOTCONN = 107;
    internal const int ESHUTDOWN = 108;
    internal const int ETIMEDOUT = 110;
    internal const int ECONNREFUSED = 111;
    internal const int EHOSTDOWN = 112;
    internal const int EHOSTUNREACH = 113;
    internal const int EALREADY = 114;
    internal const int EINPROGRESS = 115;
    internal const int ECANCELED = 125;

    /// <summary>The C library's text for an errno (Python's <c>os.strerror</c>).</summary>
    internal static string Strerror(int errno) => Libc.StrError(errno);

    /// <summary>Python's <c>OSError(errno, strerror)</c>: an instance of the subclass the errno selects.</summary>
    internal static OSError Error(int errno, string? strerror = null)
    {
        strerror ??= Strerror(errno);
        return errno switch
        {
            EAGAIN or EALREADY or EINPROGRESS => new BlockingIOError(errno, strerror),
            ECHILD => new ChildProcessError(errno, strerror),
            EPIPE or ESHUTDOWN => new BrokenPipeError(errno, strerror),
            ECONNABORTED => new ConnectionAbortedError(errno, strerror),
            ECONNREFUSED => new ConnectionRefusedError(errno, strerror),
            ECONNRESET => new ConnectionResetError(errno, strerror),
            EEXIST => new FileExistsError(errno, strerror),
            ENOENT => new FileNotFoundError(errno, strerror),
            EISDIR => new IsADirectoryError(errno, strerror),
            ENOTDIR => new NotADirectoryError(errno, strerror),
            EINTR => new InterruptedError(errno, strerror),
            EACCES or EPERM => new PermissionError(errno, strerror),
            ESRCH => new ProcessLookupError(errno, strerror),
            ETIMEDOUT => new TimeoutError(errno, strerror),
            _ => new OSError(errno, strerror),
        };
    }

    /// <summary>The Python exception for a failed socket call, with the C library's text.</summary>
    internal static OSError Error(SocketError error, string? strerror = null) => Error(FromSocketError(error), strerror);

    /// <summary>The Python exception for a <see cref="SocketException"/> .NET threw.</summary>
    /// <remarks>On Unix the exception carries the real errno, which .NET's SocketError enum may blur (ENOENT reads as EADDRNOTAVAIL).</remarks>
    internal static OSError Error(SocketException exc) => exc.NativeErrorCode > 0 ? Error(exc.NativeErrorCode) : Error(exc.SocketErrorCode);

    /// <summary>The Linux errno behind a <see cref="SocketError"/>.</summary>
    internal static int FromSocketError(SocketError error) => error switch
    {
        SocketError.WouldBlock or SocketError.IOPending => EAGAIN,
        SocketError.InProgress => EINPROGRESS,
        SocketError.AlreadyInProgress => EALREADY,
        SocketError.ConnectionRefused => ECONNREFUSED,
        SocketError.ConnectionReset => ECONNRESET,
        SocketError.ConnectionAborted => ECONNABORTED,
        SocketError.Shutdown => EPIPE,
        SocketError.Disconnecting => ESHUTDOWN,
        SocketError.TimedOut => ETIMEDOUT,
        SocketError.AddressAlreadyInUse => EADDRINUSE,
        SocketError.AddressNotAvailable => EADDRNOTAVAIL,
        SocketError.NetworkDown => ENETDOWN,
        SocketError.NetworkUnreachable => ENETUNREACH,
        SocketError.NetworkReset => ENETRESET,
        SocketError.HostDown => EHOSTDOWN,
        SocketError.HostUnreachable => EHOSTUNREACH,
        SocketError.NotConnected => ENOTCONN,
        SocketError.IsConnected => EISCONN,
        SocketError.AccessDenied => EACCES,
        SocketError.AddressFamilyNotSupported => EAFNOSUPPORT,
        SocketError.ProtocolFamilyNotSupported => EPFNOSUPPORT,
        SocketError.ProtocolNotSupported => EPROTONOSUPPORT,
        SocketError.ProtocolType => EPROTOTYPE,
        SocketError.ProtocolOption => ENOPROTOOPT,
        SocketError.SocketNotSupported => ESOCKTNOSUPPORT,
        SocketError.OperationNotSupported => EOPNOTSUPP,
        SocketError.MessageSize => EMSGSIZE,
        SocketError.NoBufferSpaceAvailable => ENOBUFS,
        SocketError.TooManyOpenSockets => EMFILE,
        SocketError.Fault => EFAULT,
        SocketError.Interrupted => EINTR,
        SocketError.NotSocket => ENOTSOCK,
        SocketError.DestinationAddressRequired => EDESTADDRREQ,
        SocketError.OperationAborted => ECANCELED,
        _ => EINVAL,
    };

    /// <summary>An address as Python prints it: <c>('127.0.0.1', 80)</c>, <c>('::1', 80, 0, 0)</c>, or a unix path.</summary>
    internal static string FormatAddress(EndPoint? address) => address switch
    {
        IPEndPoint { AddressFamily: AddressFamily.InterNetworkV6 } ip =>
            $"('{WithoutScope(ip.Address)}', {ip.Port}, 0, {ip.Address.ScopeId})",
        IPEndPoint ip => $"('{ip.Address}', {ip.Port})",
        UnixDomainSocketEndPoint unix => $"'{unix}'",
        null => "None",
        _ => address.ToString() ?? "",
    };

    private static string WithoutScope(IPAddress address)
    {
        var text = address.ToString();
        var percent = text.IndexOf('%');
        return percent < 0 ? text : text[..percent];
    }
}
