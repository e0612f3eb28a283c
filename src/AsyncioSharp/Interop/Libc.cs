using System.Runtime.InteropServices;

namespace AsyncioSharp.Interop;

/// <summary>The few Linux system calls the selector needs that .NET does not expose: epoll and eventfd.</summary>
internal static unsafe partial class Libc
{
    internal const int EPOLL_CLOEXEC = 0x80000;
    internal const int EPOLL_CTL_ADD = 1;
    internal const int EPOLL_CTL_DEL = 2;
    internal const int EPOLL_CTL_MOD = 3;
    internal const uint EPOLLIN = 0x001;
    internal const uint EPOLLOUT = 0x004;
    internal const uint EPOLLERR = 0x008;
    internal const uint EPOLLHUP = 0x010;
    internal const int EFD_CLOEXEC = 0x80000;
    internal const int EFD_NONBLOCK = 0x800;
    internal const int EINTR = 4;
    internal const int EAGAIN = 11;
    internal const int EBADF = 9;
    internal const int ENOENT = 2;
    internal const int EEXIST = 17;

    /// <summary>struct epoll_event; packed on x86-64, as the kernel ABI has it there.</summary>
    [StructLayout(LayoutKind.Sequential, Pack = 4)]
    internal struct EpollEvent
    {
        public uint Events;
        public ulong Data;
    }

    [LibraryImport("libc", SetLastError = true)]
    internal static partial int epoll_create1(int flags);

    [LibraryImport("libc", SetLastError = true)]
    internal static partial int epoll_ctl(int epfd, int op, int fd, EpollEvent* ev);

    /// <summary>epoll_wait(2); on failure the errno is <see cref="Marshal.GetLastSystemError"/>, read at once (see <see cref="Recv"/>).</summary>
    [LibraryImport("libc")]
    internal static partial int epoll_wait(int epfd, EpollEvent* events, int maxevents, int timeout);

    [LibraryImport("libc", SetLastError = true)]
    internal static partial int eventfd(uint initval, int flags);

    [LibraryImport("libc", SetLastError = true)]
    internal static partial nint read(int fd, void* buf, nint count);

    [LibraryImport("libc", SetLastError = true)]
    internal static partial nint write(int fd, void* buf, nint count);

    [LibraryImport("libc", SetLastError = true)]
    internal static partial int close(int fd);

    [LibraryImport("libc")]
    private static partial nint strerror(int errnum);

    /// <summary>The C library's text for an errno, as Python's <c>os.strerror</c> gives it.</summary>
    internal static string StrError(int errno) => Marshal.PtrToStringUTF8(strerror(errno)) ?? $"Unknown error {errno}";

    /// <summary>An <see cref="OSError"/> for the last errno (the subclass it selects, as Python raises), with Python's message.</summary>
    internal static OSError LastError()
    {
        var errno = Marshal.GetLastPInvokeError();
        return Errno.Error(errno, StrError(errno));
    }
}
