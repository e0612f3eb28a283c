using System.Runtime.InteropServices;
using AsyncioSharp.Interop;

namespace AsyncioSharp;

/// <summary>Python's <c>os.waitpid</c> and <c>os.waitstatus_to_exitcode</c>, for the child watchers.</summary>
internal static class WaitStatus
{
    /// <summary>
    /// Python's <c>os.waitpid(pid, options)</c>: (pid, status), or (0, 0) with WNOHANG while the child runs;
    /// ChildProcessError when there is no such child. Retried on EINTR, as Python does (PEP 475).
    /// </summary>
    internal static unsafe (int Pid, int Status) Waitpid(int pid, int options)
    {
        while (true)
        {
            int status;
            var result = Libc.waitpid(pid, &status, options);
            if (result >= 0)
            {
                return (result, result == 0 ? 0 : status);
            }
            var errno = Marshal.GetLastPInvokeError();
            if (errno != Errno.EINTR)
            {
                throw Errno.Error(errno);
            }
        }
    }

    /// <summary>Python's <c>os.waitstatus_to_exitcode(status)</c>: the exit code, or minus the signal that killed the process.</summary>
    internal static int ToExitcode(int status)
    {
        var termsig = status & 0x7f;
        if (termsig == 0)
        {
            return (status >> 8) & 0xff;
        }
        if (termsig != 0x7f)
        {
            return -termsig;
        }
        if ((status & 0xff) == 0x7f)
        {
            throw new ValueError($"process stopped by delivery of signal {(status >> 8) & 0xff}");
        }
        throw new ValueError($"invalid wait status: {status}");
    }
}
