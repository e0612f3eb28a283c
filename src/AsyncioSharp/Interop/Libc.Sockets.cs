using System.Net;
using System.Runtime.InteropServices;

namespace AsyncioSharp.Interop;

/// <summary>Socket system calls .NET will not make where Python does.</summary>
internal static unsafe partial class Libc
{
    [LibraryImport("libc", EntryPoint = "connect", SetLastError = true)]
    private static partial int connect(int fd, byte* addr, int addrlen);

    /// <summary>
    /// connect(2) on the socket's descriptor: .NET refuses a second Connect after a failed one once the handle was
    /// exposed, where Python (and Linux) allow it. True if connected, false if the connection is in progress.
    /// </summary>
    internal static bool Connect(int fd, EndPoint address)
    {
        var sa = address.Serialize();
        int rc;
        fixed (byte* p = sa.Buffer.Span)
        {
            rc = connect(fd, p, sa.Size);
        }
        if (rc == 0)
        {
            return true;
        }
        var errno = Marshal.GetLastPInvokeError();
        if (errno is Errno.EINPROGRESS or Errno.EINTR or Errno.EAGAIN)
        {
            return false;
        }
        throw Errno.Error(errno);
    }
}
