using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace AsyncioSharp.Conformance;

/// <summary>The few <c>os</c> module functions the ported tests call (pipe, openpty, read, write, kill...).</summary>
internal static class Os
{
    [DllImport("libc", SetLastError = true)]
    private static extern int pipe(int[] fds);

    [DllImport("libc", SetLastError = true)]
    private static extern int openpty(out int amaster, out int aslave, IntPtr name, IntPtr termp, IntPtr winp);

    [DllImport("libc", SetLastError = true)]
    private static extern nint read(int fd, byte[] buf, nint count);

    [DllImport("libc", SetLastError = true)]
    private static extern nint write(int fd, byte[] buf, nint count);

    [DllImport("libc", SetLastError = true)]
    private static extern int close(int fd);

    [DllImport("libc", SetLastError = true)]
    private static extern int dup(int fd);

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);

    [DllImport("libc", SetLastError = true)]
    private static extern int link(string oldpath, string newpath);

    [DllImport("libc", SetLastError = true)]
    private static extern int setitimer(int which, long[] newValue, long[]? oldValue);

    [DllImport("libc", SetLastError = true)]
    private static extern int cfmakeraw(byte[] termios);

    [DllImport("libc", SetLastError = true)]
    private static extern int tcgetattr(int fd, byte[] termios);

    [DllImport("libc", SetLastError = true)]
    private static extern int tcsetattr(int fd, int actions, byte[] termios);

    private static int Check(int rc) => rc >= 0 ? rc : throw new IOException($"errno {Marshal.GetLastPInvokeError()}");

    /// <summary>os.pipe(): (read end, write end).</summary>
    public static (int R, int W) Pipe()
    {
        var fds = new int[2];
        Check(pipe(fds));
        return (fds[0], fds[1]);
    }

    /// <summary>os.openpty(): (master, slave).</summary>
    public static (int Master, int Slave) Openpty()
    {
        Check(openpty(out var master, out var slave, IntPtr.Zero, IntPtr.Zero, IntPtr.Zero));
        return (master, slave);
    }

    /// <summary>tty.setraw(fd).</summary>
    public static void Setraw(int fd)
    {
        var termios = new byte[256];
        Check(tcgetattr(fd, termios));
        cfmakeraw(termios);
        Check(tcsetattr(fd, 0, termios));
    }

    /// <summary>os.read(fd, n).</summary>
    public static byte[] Read(int fd, int n)
    {
        var buf = new byte[n];
        var got = (int)read(fd, buf, n);
        Check(got);
        return buf[..got];
    }

    /// <summary>os.write(fd, data).</summary>
    public static int Write(int fd, byte[] data) => Check((int)write(fd, data, data.Length));

    /// <summary>os.close(fd).</summary>
    public static void Close(int fd) => Check(close(fd));

    /// <summary>os.dup(fd).</summary>
    public static int Dup(int fd) => Check(dup(fd));

    /// <summary>os.link(src, dst): a hard link.</summary>
    public static void Link(string src, string dst) => Check(link(src, dst));

    /// <summary>os.kill(pid, sig).</summary>
    public static void Kill(int pid, int sig) => Check(kill(pid, sig));

    /// <summary>signal.setitimer(ITIMER_REAL, seconds, 0): one SIGALRM after <paramref name="seconds"/>.</summary>
    public static void SetitimerReal(double seconds)
    {
        var usec = (long)(seconds * 1_000_000);
        Check(setitimer(0, [0, 0, usec / 1_000_000, usec % 1_000_000], null));
    }

    /// <summary>io.open(fd, mode) for a pipe end: a stream owning the descriptor.</summary>
    public static FileStream Open(int fd, FileAccess access) => new(new SafeFileHandle(fd, ownsHandle: true), access, 1);
}
