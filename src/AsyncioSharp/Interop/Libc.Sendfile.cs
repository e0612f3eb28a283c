using System.Runtime.InteropServices;

namespace AsyncioSharp.Interop;

/// <summary>sendfile(2) (Python's <c>os.sendfile</c>) and the file size from fstat(2).</summary>
internal static unsafe partial class Libc
{
    [LibraryImport("libc", EntryPoint = "sendfile", SetLastError = true)]
    private static partial nint sendfile(int outFd, int inFd, long* offset, nint count);

    /// <summary>
    /// Python's <c>os.sendfile(out_fd, in_fd, offset, count)</c>: bytes sent from <paramref name="offset"/> (the file
    /// position is not used nor moved), 0 at EOF, -1 if it would block; other failures raise the OSError.
    /// </summary>
    internal static long Sendfile(int outFd, int inFd, long offset, long count)
    {
        var n = sendfile(outFd, inFd, &offset, (nint)count);
        return n >= 0 ? n : RetryOrThrow();
    }

    /// <summary>Python's <c>os.fstat(fd).st_size</c>.</summary>
    internal static long FstatSize(int fd)
    {
        var buf = stackalloc byte[256];
        if (fstat(fd, buf) != 0)
        {
            throw Errno.Error(Marshal.GetLastPInvokeError());
        }
        // st_size follows st_rdev at offset 48 on both x86-64 and arm64.
        return *(long*)(buf + 48);
    }
}
