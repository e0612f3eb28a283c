using System;
using System.Linq;

namespace AsyncioSharp;

/// <summary>
/// Python's <c>asyncio.SafeChildWatcher</c>: on SIGCHLD, polls each registered child with <c>waitpid(pid, WNOHANG)</c>,
/// so children started by other code are left alone (O(n) per SIGCHLD). Its methods are called on the attached loop's
/// thread, where its SIGCHLD handler runs too.
/// </summary>
public class SafeChildWatcher : BaseChildWatcher
{
    /// <summary>Python's <c>close()</c>: forgets the handlers and detaches the loop.</summary>
    public override void Close()
    {
        Callbacks.Clear();
        base.Close();
    }

    /// <inheritdoc />
    public override AbstractChildWatcher Enter() => this;

    /// <inheritdoc />
    public override void Exit(Exception? exc)
    {
    }

    /// <inheritdoc />
    public override void AddChildHandler(int pid, Action<int, int> callback)
    {
        Callbacks[pid] = callback;
        // The child may have ended already.
        DoWaitpid(pid);
    }

    /// <inheritdoc />
    public override bool RemoveChildHandler(int pid) => Callbacks.Remove(pid);

    internal override void DoWaitpidAll()
    {
        foreach (var pid in Callbacks.Keys.ToList())
        {
            DoWaitpid(pid);
        }
    }

    internal override void DoWaitpid(int expectedPid)
    {
        int pid;
        int returncode;
        try
        {
            (pid, var status) = WaitpidNohang(expectedPid);
            if (pid == 0)
            {
                // Still running.
                return;
            }
            returncode = WaitstatusToExitcode(status);
            if (Loop!.GetDebug())
            {
                Log.Debug($"process {expectedPid} exited with returncode {returncode}");
            }
        }
        catch (ChildProcessError)
        {
            // The child was reaped elsewhere.
            pid = expectedPid;
            returncode = 255;
            Log.Warning($"Unknown child process pid {pid}, will report returncode 255");
        }
        if (Callbacks.Remove(pid, out var callback))
        {
            callback(pid, returncode);
        }
        else if (Loop!.GetDebug())
        {
            // remove_child_handler() was called after waitpid() returned.
            Log.Warning($"Child watcher got an unexpected pid: {pid}");
        }
    }
}
