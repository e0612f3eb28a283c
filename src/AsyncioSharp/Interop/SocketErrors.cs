using System;
using System.Net.Sockets;

namespace AsyncioSharp.Interop;

/// <summary>
/// Turns .NET socket failures into Python's <see cref="OSError"/> family, picking the subclass from the errno the
/// way Python's <c>OSError(errno, strerror)</c> constructor does.
/// </summary>
internal static class SocketErrors
{
    internal const int EBADF = 9;
    internal const int EAGAIN = 11;
    internal const int EPIPE = 32;
    internal const int ENOTCONN = 107;
    internal const int ESHUTDOWN = 108;
    internal const int ECONNABORTED = 103;
    internal const int ECONNRESET = 104;
    internal const int ETIMEDOUT = 110;
    internal const int ECONNREFUSED = 111;

    /// <summary>Python's <c>OSError(errno, strerror)</c>: the subclass the errno selects.</summary>
    internal static OSError FromErrno(int errno, string? strerror = null)
    {
        var text = strerror ?? Libc.StrError(errno);
        return errno switch
        {
            ECONNREFUSED => new ConnectionRefusedError(errno, text),
            ECONNRESET => new ConnectionResetError(errno, text),
            ECONNABORTED => new ConnectionAbortedError(errno, text),
            EPIPE or ESHUTDOWN => new BrokenPipeError(errno, text),
            ETIMEDOUT => new TimeoutError(errno, text),
            _ => new OSError(errno, text),
        };
    }

    /// <summary>The errno behind a .NET <see cref="SocketError"/> (on Unix, SocketException carries it).</summary>
    internal static int Errno(SocketError error) => new SocketException((int)error).NativeErrorCode;

    /// <summary>The Python error for a failed socket call reported as a <see cref="SocketError"/>.</summary>
    internal static OSError FromSocketError(SocketError error) => FromErrno(Errno(error));

    /// <summary>The Python error for an exception a .NET socket call threw; a disposed socket is EBADF, as in Python.</summary>
    internal static Exception Translate(Exception exc) => exc switch
    {
        SocketException se => FromErrno(se.NativeErrorCode),
        ObjectDisposedException => FromErrno(EBADF),
        _ => exc,
    };

    /// <summary>True for the failures Python's selector loop retries on the next readiness event (BlockingIOError, InterruptedError).</summary>
    internal static bool IsRetry(SocketError error) =>
        error is SocketError.WouldBlock or SocketError.Interrupted or SocketError.InProgress or SocketError.AlreadyInProgress;
}
