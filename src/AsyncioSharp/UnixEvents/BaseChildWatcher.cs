using System;
using System.Collections.Generic;
using AsyncioSharp.Interop;

namespace AsyncioSharp;

/// <summary>
/// Python's <c>unix_events.BaseChildWatcher</c>: the base of the watchers that reap children from a SIGCHLD handler
/// on the attached loop (<see cref="SafeChildWatcher"/>, <see cref="FastChildWatcher"/>). As in Python, its own reaping
/// hooks raise <see cref="NotImplementedException"/>.
/// </summary>
public class BaseChildWatcher : AbstractChildWatcher
{
    private const int SIGCHLD = 17;

    /// <summary>Python's <c>_loop</c>: the attached loop.</summary>
    internal AbstractEventLoop? Loop { get; private set; }

    /// <summary>Python's <c>_callbacks</c>: pid -> callback. Guarded by itself where a subclass reaps off the loop thread.</summary>
    private protected readonly Dictionary<int, Action<int, int>> Callbacks = new();

    /// <summary>How many handlers are registered (Python's <c>len(watcher._callbacks)</c>).</summary>
    internal int CallbackCount => Callbacks.Count;

    /// <summary>Python's <c>close()</c>: detaches the loop.</summary>
    public override void Close() => AttachLoop(null);

    /// <summary>Python's <c>is_active()</c>: attached to a running loop.</summary>
    public override bool IsActive() => Loop is not null && Loop.IsRunning();

    /// <summary>Python's <c>_do_waitpid(expected_pid)</c>: reaps one child if it ended.</summary>
    internal virtual void DoWaitpid(int expectedPid) => throw new NotImplementedException();

    /// <summary>Python's <c>_do_waitpid_all()</c>: reaps every ended child.</summary>
    internal virtual void DoWaitpidAll() => throw new NotImplementedException();

    /// <summary>
    /// Python's <c>attach_loop(loop)</c>: moves the SIGCHLD handler from the previous loop to this one, then reaps the
    /// children that ended meanwhile.
    /// </summary>
    public override void AttachLoop(AbstractEventLoop? loop)
    {
        if (Loop is not null && loop is null && Callbacks.Count > 0)
        {
            WarnDetachedWithPendingHandlers();
        }
        Loop?.RemoveSignalHandler(SIGCHLD);
        Loop = loop;
        if (loop is not null)
        {
            loop.AddSignalHandler(SIGCHLD, SigChld);
            // A child may have ended during the switch.
            DoWaitpidAll();
        }
    }

    /// <summary>Python's <c>_sig_chld()</c>: the SIGCHLD handler, on the loop's thread.</summary>
    internal void SigChld()
    {
        try
        {
            DoWaitpidAll();
        }
        catch (Exception exc) when (exc is not (SystemExit or KeyboardInterrupt))
        {
            Loop!.CallExceptionHandler(new Dictionary<string, object?>
            {
                ["message"] = "Unknown exception in SIGCHLD handler",
                ["exception"] = exc,
            });
        }
    }

    /// <summary>Python's <c>waitpid(pid, WNOHANG)</c> as the watchers use it.</summary>
    private protected (int Pid, int Status) WaitpidNohang(int pid) => Waitpid(pid, Libc.WNOHANG);
}
