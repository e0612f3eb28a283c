using System.Runtime.InteropServices;

namespace AsyncioSharp.Interop;

/// <summary>stat(2), for the file type .NET does not report (is it a unix socket?).</summary>
internal static unsafe partial class Libc
{
    private const int S_IFMT = 0xF000;
    private const int S_IFSOCK = 0xC000;

    [LibraryImport("libc", EntryPoint = "stat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int stat(string path, byte* buf);

    /// <summary>Python's <c>stat.S_ISSOCK(os.stat(path).st_mode)</c>; raises the OSError of a failed stat.</summary>
    internal static bool IsSocketFile(string path)
    {
        // struct stat's st_mode: after st_dev, st_ino, st_nlink on x86-64; after st_dev, st_ino on arm64.
        var modeOffset = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 24 : 16;
        var buf = stackalloc byte[256];
        if (stat(path, buf) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw SocketErrors.FromErrno(errno);
        }
        var mode = *(uint*)(buf + modeOffset);
        return (mode & S_IFMT) == S_IFSOCK;
    }
}
