using System;
using System.Net.Sockets;

namespace AsyncioSharp.Interop;

/// <summary>
/// Socket failures as Python's <see cref="OSError"/> family: the shorthands the selector loop's socket code uses,
/// over the one errno mapping in <see cref="AsyncioSharp.Errno"/>.
/// </summary>
internal static class SocketErrors
{
    internal const int EBADF = AsyncioSharp.Errno.EBADF;
    internal const int EAGAIN = AsyncioSharp.Errno.EAGAIN;
    internal const int EPIPE = AsyncioSharp.Errno.EPIPE;
    internal const int ENOTCONN = AsyncioSharp.Errno.ENOTCONN;
    internal const int ESHUTDOWN = AsyncioSharp.Errno.ESHUTDOWN;
    internal const int ECONNABORTED = AsyncioSharp.Errno.ECONNABORTED;
    internal const int ECONNRESET = AsyncioSharp.Errno.ECONNRESET;
    internal const int ETIMEDOUT = AsyncioSharp.Errno.ETIMEDOUT;
    internal const int ECONNREFUSED = AsyncioSharp.Errno.ECONNREFUSED;

    /// <summary>Python's <c>OSError(errno, strerror)</c>: the subclass the errno selects.</summary>
    internal static OSError FromErrno(int errno, string? strerror = null) => AsyncioSharp.Errno.Error(errno, strerror);

    /// <summary>The errno behind a .NET <see cref="SocketError"/>.</summary>
    internal static int Errno(SocketError error) => AsyncioSharp.Errno.FromSocketError(error);

    /// <summary>The Python error for a failed socket call reported as a <see cref="SocketError"/>.</summary>
    internal static OSError FromSocketError(SocketError error) => AsyncioSharp.Errno.Error(error);

    /// <summary>The Python error for an exception a .NET socket call threw; a disposed socket is EBADF, as in Python.</summary>
    internal static Exception Translate(Exception exc) => exc switch
    {
        SocketException se => AsyncioSharp.Errno.Error(se),
        ObjectDisposedException => FromErrno(EBADF),
        _ => exc,
    };

    /// <summary>True for the failures Python's selector loop retries on the next readiness event (BlockingIOError, InterruptedError).</summary>
    internal static bool IsRetry(SocketError error) =>
        error is SocketError.WouldBlock or SocketError.Interrupted or SocketError.InProgress or SocketError.AlreadyInProgress;
}
