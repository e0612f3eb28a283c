using System;
using System.Collections.Generic;
using System.Threading;

namespace AsyncioSharp;

/// <summary>
/// Python's <c>asyncio.ThreadedChildWatcher</c>: a background thread per child blocks in <c>waitpid(pid, 0)</c> and
/// hands the exit to the loop that started the child. No signals and no loop to attach; a thread per child.
/// </summary>
public class ThreadedChildWatcher : AbstractChildWatcher
{
    private readonly object _lock = new();
    private readonly Dictionary<int, Thread> _threads = new();
    private int _pidCounter;

    /// <summary>Python's <c>is_active()</c>: always true.</summary>
    public override bool IsActive() => true;

    /// <summary>Python's <c>close()</c>: nothing to free.</summary>
    public override void Close()
    {
    }

    /// <inheritdoc />
    public override AbstractChildWatcher Enter() => this;

    /// <inheritdoc />
    public override void Exit(Exception? exc)
    {
    }

    /// <summary>Python's <c>add_child_handler()</c>: starts the waiting thread; the callback runs on the caller's running loop.</summary>
    public override void AddChildHandler(int pid, Action<int, int> callback)
    {
        var loop = Asyncio.GetRunningLoop();
        var thread = new Thread(() => DoWaitpid(loop, pid, callback))
        {
            Name = $"asyncio-waitpid-{Interlocked.Increment(ref _pidCounter) - 1}",
            IsBackground = true,
        };
        lock (_lock)
        {
            _threads[pid] = thread;
        }
        thread.Start();
    }

    /// <summary>Python's <c>remove_child_handler()</c>: does nothing (asyncio never calls it) and returns true.</summary>
    public override bool RemoveChildHandler(int pid) => true;

    /// <summary>Python's <c>attach_loop()</c>: nothing to attach.</summary>
    public override void AttachLoop(AbstractEventLoop? loop)
    {
    }


    private void DoWaitpid(AbstractEventLoop loop, int expectedPid, Action<int, int> callback)
    {
        int pid;
        int returncode;
        try
        {
            (pid, var status) = Waitpid(expectedPid, 0);
            returncode = WaitstatusToExitcode(status);
            if (loop.GetDebug())
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
        try
        {
            loop.CallSoonThreadsafe(() => callback(pid, returncode));
        }
        catch (RuntimeError) when (loop.IsClosed())
        {
            Log.Warning($"Loop {loop} that handles pid {pid} is closed");
        }
        lock (_lock)
        {
            _threads.Remove(expectedPid);
        }
    }
}
