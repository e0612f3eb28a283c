using System.Runtime.InteropServices;

namespace AsyncioSharp.Interop;

/// <summary>
/// What the subprocess transport needs to start and watch a child the way Python's subprocess.Popen does: pipes,
/// posix_spawn with dup2 file actions and default signal dispositions, pidfd_open to see the exit on the selector,
/// waitpid and kill.
/// </summary>
internal static unsafe partial class Libc
{
    internal const int O_CLOEXEC = 0x80000;
    internal const int O_RDWR = 2;
    internal const int WNOHANG = 1;
    internal const int SIGKILL = 9;
    internal const int SIGTERM = 15;
    internal const int SIGPIPE = 13;
    internal const int SIGXFSZ = 25;
    internal const short POSIX_SPAWN_SETSIGDEF = 0x04;
    internal const short POSIX_SPAWN_SETSIGMASK = 0x08;
    internal const short POSIX_SPAWN_SETSID = 0x80;
    private const long SYS_pidfd_open = 434;

    /// <summary>Room for glibc's posix_spawn_file_actions_t (80 bytes) and posix_spawnattr_t (336 bytes), with margin.</summary>
    internal const int SpawnStructSize = 1024;

    /// <summary>Room for a sigset_t (128 bytes).</summary>
    internal const int SigsetSize = 128;

    [LibraryImport("libc", SetLastError = true)]
    internal static partial int pipe2(int* fds, int flags);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int open(string path, int flags);

    [LibraryImport("libc")]
    internal static partial int posix_spawn_file_actions_init(void* actions);

    [LibraryImport("libc")]
    internal static partial int posix_spawn_file_actions_destroy(void* actions);

    [LibraryImport("libc")]
    internal static partial int posix_spawn_file_actions_adddup2(void* actions, int fd, int newfd);

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int posix_spawn_file_actions_addchdir_np(void* actions, string path);

    [LibraryImport("libc")]
    internal static partial int posix_spawnattr_init(void* attr);

    [LibraryImport("libc")]
    internal static partial int posix_spawnattr_destroy(void* attr);

    [LibraryImport("libc")]
    internal static partial int posix_spawnattr_setflags(void* attr, short flags);

    [LibraryImport("libc")]
    internal static partial int posix_spawnattr_setsigdefault(void* attr, void* sigset);

    [LibraryImport("libc")]
    internal static partial int posix_spawnattr_setsigmask(void* attr, void* sigset);

    [LibraryImport("libc")]
    internal static partial int sigemptyset(void* sigset);

    [LibraryImport("libc")]
    internal static partial int sigaddset(void* sigset, int signum);

    [LibraryImport("libc")]
    internal static partial int posix_spawnp(int* pid, byte* file, void* actions, void* attr, byte** argv, byte** envp);

    [LibraryImport("libc", SetLastError = true)]
    private static partial long syscall(long number, int pid, uint flags);

    /// <summary>pidfd_open(2): a descriptor that becomes readable when the process exits.</summary>
    internal static int PidfdOpen(int pid) => (int)syscall(SYS_pidfd_open, pid, 0);

    [LibraryImport("libc", SetLastError = true)]
    internal static partial int waitpid(int pid, int* status, int options);

    [LibraryImport("libc", SetLastError = true)]
    internal static partial int kill(int pid, int sig);

    private const int P_PID = 1;
    private const int WEXITED = 4;
    private const int WNOWAIT = 0x01000000;

    /// <summary>Room for a siginfo_t (128 bytes on Linux); si_pid is at offset 16 on 64-bit targets.</summary>
    private const int SiginfoSize = 128;

    [LibraryImport("libc")]
    private static partial int waitid(int idtype, int id, byte* infop, int options);

    /// <summary>
    /// True while child <paramref name="pid"/> has not exited: waitid(WNOHANG | WNOWAIT) peeks without reaping; a child
    /// already reaped (ECHILD) counts as exited.
    /// </summary>
    internal static bool ChildRunning(int pid)
    {
        var info = stackalloc byte[SiginfoSize];
        new System.Span<byte>(info, SiginfoSize).Clear();
        if (waitid(P_PID, pid, info, WEXITED | WNOHANG | WNOWAIT) != 0)
        {
            return false;
        }
        return *(int*)(info + 16) == 0;
    }

    [LibraryImport("libc")]
    private static partial int gettid();

    [LibraryImport("libc")]
    private static partial int getpid();

    /// <summary>Python's <c>threading.current_thread() is threading.main_thread()</c>: Linux's main thread has the process's id.</summary>
    internal static bool IsMainThread() => gettid() == getpid();
}
