using System.Runtime.InteropServices;

namespace AsyncioSharp.Interop;

/// <summary>fcntl(2) for Python's <c>os.set_blocking(fd, False)</c>, <c>os.get_inheritable(fd)</c> and <c>socket.dup()</c>.</summary>
internal static partial class Libc
{
    private const int F_GETFL = 3;
    private const int F_SETFL = 4;
    private const int O_NONBLOCK = 0x800;
    private const int F_GETFD = 1;
    private const int F_DUPFD_CLOEXEC = 1030;
    private const int FD_CLOEXEC = 1;

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

    /// <summary>Python's <c>os.get_inheritable(fd)</c>: the descriptor has no close-on-exec flag.</summary>
    internal static bool GetInheritable(int fd)
    {
        var flags = fcntl(fd, F_GETFD, 0);
        if (flags < 0)
        {
            throw Errno.Error(Marshal.GetLastPInvokeError());
        }
        return (flags & FD_CLOEXEC) == 0;
    }

    /// <summary>Python's <c>os.dup(fd)</c>: a close-on-exec duplicate of the descriptor.</summary>
    internal static int DupCloexec(int fd)
    {
        var dup = fcntl(fd, F_DUPFD_CLOEXEC, 0);
        if (dup < 0)
        {
            throw Errno.Error(Marshal.GetLastPInvokeError());
        }
        return dup;
    }
}
