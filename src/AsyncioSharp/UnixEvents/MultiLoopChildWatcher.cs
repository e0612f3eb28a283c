using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.InteropServices;
using AsyncioSharp.Interop;

namespace AsyncioSharp;

/// <summary>
/// Python's <c>asyncio.MultiLoopChildWatcher</c>: one process-wide SIGCHLD handler (installed by the first
/// <see cref="AttachLoop"/>) polls each registered child with <c>waitpid(pid, WNOHANG)</c> and hands the exit to the
/// loop that registered it, so loops in any thread can start children. Python replaces the process's SIGCHLD
/// handler; here it is a <see cref="PosixSignalRegistration"/>, run on the runtime's signal thread.
/// </summary>
public class MultiLoopChildWatcher : AbstractChildWatcher
{
    private const int SIGCHLD = 17;

    private readonly object _lock = new();
    private readonly Dictionary<int, (AbstractEventLoop Loop, Action<int, int> Callback)> _callbacks = new();
    private PosixSignalRegistration? _registration;

    /// <summary>Python's <c>is_active()</c>: the SIGCHLD handler is installed.</summary>
    public override bool IsActive() => _registration is not null;

    /// <summary>Python's <c>close()</c>: forgets the handlers and removes the SIGCHLD handler.</summary>
    public override void Close()
    {
        lock (_lock)
        {
            _callbacks.Clear();
        }
        _registration?.Dispose();
        _registration = null;
    }

    /// <inheritdoc />
    public override AbstractChildWatcher Enter() => this;

    /// <inheritdoc />
    public override void Exit(Exception? exc)
    {
    }

    /// <summary>Python's <c>add_child_handler()</c>: the callback runs on the running loop of the caller.</summary>
    public override void AddChildHandler(int pid, Action<int, int> callback)
    {
        var loop = Asyncio.GetRunningLoop();
        lock (_lock)
        {
            _callbacks[pid] = (loop, callback);
        }
        // The child may have ended already.
        DoWaitpid(pid);
    }

    /// <inheritdoc />
    public override bool RemoveChildHandler(int pid)
    {
        lock (_lock)
        {
            return _callbacks.Remove(pid);
        }
    }

    /// <summary>Python's <c>attach_loop(loop)</c>: keeps no loop, but installs the SIGCHLD handler the first time.</summary>
    public override void AttachLoop(AbstractEventLoop? loop)
    {
        _registration ??= PosixSignalRegistration.Create((PosixSignal)SIGCHLD, _ => SigChld());
    }

    private void DoWaitpidAll()
    {
        List<int> pids;
        lock (_lock)
        {
            pids = _callbacks.Keys.ToList();
        }
        foreach (var pid in pids)
        {
            DoWaitpid(pid);
        }
    }

    private void DoWaitpid(int expectedPid)
    {
        int pid;
        int returncode;
        var debugLog = true;
        try
        {
            (pid, var status) = Waitpid(expectedPid, Libc.WNOHANG);
            if (pid == 0)
            {
                // Still running.
                return;
            }
            returncode = WaitstatusToExitcode(status);
        }
        catch (ChildProcessError)
        {
            // The child was reaped elsewhere.
            pid = expectedPid;
            returncode = 255;
            Log.Warning($"Unknown child process pid {pid}, will report returncode 255");
            debugLog = false;
        }
        (AbstractEventLoop Loop, Action<int, int> Callback) entry;
        lock (_lock)
        {
            if (!_callbacks.Remove(pid, out entry))
            {
                // remove_child_handler() was called after waitpid() returned.
                Log.Warning($"Child watcher got an unexpected pid: {pid}");
                return;
            }
        }
        if (entry.Loop.IsClosed())
        {
            Log.Warning($"Loop {entry.Loop} that handles pid {pid} is closed");
            return;
        }
        if (debugLog && entry.Loop.GetDebug())
        {
            Log.Debug($"process {expectedPid} exited with returncode {returncode}");
        }
        entry.Loop.CallSoonThreadsafe(() => entry.Callback(pid, returncode));
    }

    /// <summary>Python's <c>_sig_chld(signum, frame)</c>, on the runtime's signal thread.</summary>
    private void SigChld()
    {
        try
        {
            DoWaitpidAll();
        }
        catch (Exception exc) when (exc is not (SystemExit or KeyboardInterrupt))
        {
            Log.Warning($"Unknown exception in SIGCHLD handler\n{exc}");
        }
    }
}
