using System;
using System.Net;
using System.Runtime.InteropServices;

namespace AsyncioSharp.Interop;

/// <summary>Socket system calls .NET will not make where Python does.</summary>
internal static unsafe partial class Libc
{
    private const int MSG_NOSIGNAL = 0x4000;

    // No SetLastError: errno is read only when the call failed, right after it, which is what the generated
    // SetLastError code does too (the runtime keeps errno across its return from native code); clearing errno
    // before every call and saving it after every call would add two calls to each of the hottest system calls.
    [LibraryImport("libc", EntryPoint = "recv")]
    private static partial nint recv(int fd, byte* buf, nint len, int flags);

    [LibraryImport("libc", EntryPoint = "send")]
    private static partial nint send(int fd, byte* buf, nint len, int flags);

    /// <summary>
    /// Python's <c>sock.recv_into(buf)</c> on a non-blocking socket's descriptor, without .NET's Socket layer (its
    /// handle reference counting and error translation cost as much as the rest of a transport's read): the count
    /// (0 at EOF), or -1 with the errno.
    /// </summary>
    internal static int Recv(int fd, Span<byte> buf, out int errno)
    {
        nint n;
        fixed (byte* p = buf)
        {
            n = recv(fd, p, buf.Length, 0);
        }
        errno = n < 0 ? Marshal.GetLastSystemError() : 0;
        return (int)n;
    }

    [LibraryImport("libc", EntryPoint = "readv")]
    private static partial nint readv(int fd, IoVec* iov, int iovcnt);

    /// <summary>Receives into <paramref name="first"/>, then what does not fit into <paramref name="second"/>, in one call, as <see cref="Recv"/>.</summary>
    internal static int RecvSplit(int fd, Span<byte> first, Span<byte> second, out int errno)
    {
        nint n;
        fixed (byte* p = first)
        fixed (byte* q = second)
        {
            var iov = stackalloc IoVec[2];
            iov[0] = new IoVec { Base = p, Length = first.Length };
            iov[1] = new IoVec { Base = q, Length = second.Length };
            n = readv(fd, iov, 2);
        }
        errno = n < 0 ? Marshal.GetLastSystemError() : 0;
        return (int)n;
    }

    private struct IoVec
    {
        public byte* Base;
        public nint Length;
    }

    /// <summary>Python's <c>sock.send(data)</c> on a non-blocking socket's descriptor (no SIGPIPE): the count sent, or -1 with the errno.</summary>
    internal static int Send(int fd, ReadOnlySpan<byte> data, out int errno)
    {
        nint n;
        fixed (byte* p = data)
        {
            n = send(fd, p, data.Length, MSG_NOSIGNAL);
        }
        errno = n < 0 ? Marshal.GetLastSystemError() : 0;
        return (int)n;
    }

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
