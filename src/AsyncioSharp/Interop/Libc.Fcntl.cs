using System.Runtime.InteropServices;

namespace AsyncioSharp.Interop;

/// <summary>fcntl(2) for Python's <c>os.set_blocking(fd, False)</c>.</summary>
internal static partial class Libc
{
    private const int F_GETFL = 3;
    private const int F_SETFL = 4;
    private const int O_NONBLOCK = 0x800;

    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static partial int fcntl(int fd, int cmd, int arg);

    /// <summary>Python's <c>os.set_blocking(fd, blocking)</c>.</summary>
    internal static void SetBlocking(int fd, bool blocking)
    {
        var flags = fcntl(fd, F_GETFL, 0);
        if (flags < 0)
        {
            throw Errno.Error(Marshal.GetLastPInvokeError());
        }
        var wanted = blocking ? flags & ~O_NONBLOCK : flags | O_NONBLOCK;
        if (wanted != flags && fcntl(fd, F_SETFL, wanted) < 0)
        {
            throw Errno.Error(Marshal.GetLastPInvokeError());
        }
    }
}
