using System.Runtime.InteropServices;

namespace AsyncioSharp.Interop;

/// <summary>stat(2)/fstat(2), for the file types .NET does not report (socket, FIFO, character device).</summary>
internal static unsafe partial class Libc
{
    internal const uint S_IFMT = 0xF000;
    internal const uint S_IFIFO = 0x1000;
    internal const uint S_IFCHR = 0x2000;
    internal const uint S_IFSOCK = 0xC000;

    [LibraryImport("libc", EntryPoint = "stat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int stat(string path, byte* buf);

    [LibraryImport("libc", EntryPoint = "fstat", SetLastError = true)]
    private static partial int fstat(int fd, byte* buf);

    // struct stat's st_mode: after st_dev, st_ino, st_nlink on x86-64; after st_dev, st_ino on arm64.
    private static readonly int ModeOffset = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 24 : 16;

    /// <summary>Python's <c>os.stat(path).st_mode</c>; raises the OSError of a failed stat.</summary>
    internal static uint StatMode(string path)
    {
        var buf = stackalloc byte[256];
        if (stat(path, buf) != 0)
        {
            throw Errno.Error(Marshal.GetLastPInvokeError());
        }
        return *(uint*)(buf + ModeOffset);
    }

    /// <summary>Python's <c>os.fstat(fd).st_mode</c>; raises the OSError of a failed fstat.</summary>
    internal static uint FstatMode(int fd)
    {
        var buf = stackalloc byte[256];
        if (fstat(fd, buf) != 0)
        {
            throw Errno.Error(Marshal.GetLastPInvokeError());
        }
        return *(uint*)(buf + ModeOffset);
    }

    /// <summary>Python's <c>stat.S_ISSOCK(os.stat(path).st_mode)</c>.</summary>
    internal static bool IsSocketFile(string path) => (StatMode(path) & S_IFMT) == S_IFSOCK;
}
