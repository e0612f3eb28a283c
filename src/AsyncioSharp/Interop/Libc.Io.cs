using System;
using System.Runtime.InteropServices;

namespace AsyncioSharp.Interop;

/// <summary>Python's <c>os.read</c>/<c>os.write</c> on a non-blocking descriptor.</summary>
internal static unsafe partial class Libc
{
    /// <summary>os.read(fd, len(buf)) into buf: the count (0 at EOF), or -1 if it would block or was interrupted.</summary>
    internal static int ReadNonBlocking(int fd, Span<byte> buf)
    {
        nint n;
        fixed (byte* p = buf)
        {
            n = read(fd, p, buf.Length);
        }
        return n >= 0 ? (int)n : RetryOrThrow();
    }

    /// <summary>os.write(fd, data): the count written, or -1 if it would block or was interrupted.</summary>
    internal static int WriteNonBlocking(int fd, ReadOnlySpan<byte> data)
    {
        nint n;
        fixed (byte* p = data)
        {
            n = write(fd, p, data.Length);
        }
        return n >= 0 ? (int)n : RetryOrThrow();
    }

    private static int RetryOrThrow()
    {
        var errno = Marshal.GetLastPInvokeError();
        return errno is EAGAIN or EINTR ? -1 : throw Errno.Error(errno);
    }
}
