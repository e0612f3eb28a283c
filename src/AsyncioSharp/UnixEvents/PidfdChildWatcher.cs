using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using AsyncioSharp.Interop;

namespace AsyncioSharp;

/// <summary>
/// Python's <c>asyncio.PidfdChildWatcher</c>: a pidfd per child on the attached loop's selector, readable once the
/// child exits; then the child is reaped and the callback runs, on the loop's thread. No signals, no threads, and no
/// interference with children started elsewhere (Linux 5.3 and later). Its methods are called on the loop's thread.
/// </summary>
public class PidfdChildWatcher : AbstractChildWatcher
{
    private AbstractEventLoop? _loop;
    private readonly Dictionary<int, (int Pidfd, Action<int, int> Callback)> _callbacks = new();

    /// <inheritdoc />
    public override AbstractChildWatcher Enter() => this;

    /// <inheritdoc />
    public override void Exit(Exception? exc)
    {
    }

    /// <summary>Python's <c>is_active()</c>: attached to a running loop.</summary>
    public override bool IsActive() => _loop is not null && _loop.IsRunning();

    /// <summary>Python's <c>close()</c>: detaches the loop.</summary>
    public override void Close() => AttachLoop(null);

    /// <summary>Python's <c>attach_loop(loop)</c>: drops the pending handlers (closing their pidfds) and takes the new loop.</summary>
    public override void AttachLoop(AbstractEventLoop? loop)
    {
        if (_loop is not null && loop is null && _callbacks.Count > 0)
        {
            WarnDetachedWithPendingHandlers();
        }
        foreach (var (pidfd, _) in _callbacks.Values)
        {
            _loop!.RemoveReader(pidfd);
            Libc.close(pidfd);
        }
        _callbacks.Clear();
        _loop = loop;
    }

    /// <inheritdoc />
    public override void AddChildHandler(int pid, Action<int, int> callback)
    {
        if (_callbacks.TryGetValue(pid, out var existing))
        {
            _callbacks[pid] = (existing.Pidfd, callback);
            return;
        }
        var pidfd = Libc.PidfdOpen(pid);
        if (pidfd < 0)
        {
            throw Errno.Error(Marshal.GetLastPInvokeError());
        }
        var loop = _loop ?? throw new AttributeError("'NoneType' object has no attribute '_add_reader'");
        loop.AddReader(pidfd, () => DoWait(pid));
        _callbacks[pid] = (pidfd, callback);
    }

    /// <summary>Python's <c>_do_wait(pid)</c>: the pidfd is readable, the child has exited.</summary>
    private void DoWait(int pid)
    {
        _callbacks.Remove(pid, out var entry);
        _loop!.RemoveReader(entry.Pidfd);
        int returncode;
        try
        {
            returncode = WaitstatusToExitcode(Waitpid(pid, 0).Status);
        }
        catch (ChildProcessError)
        {
            // The child was reaped elsewhere.
            returncode = 255;
            Log.Warning($"child process pid {pid} exit status already read:  will report returncode 255");
        }
        Libc.close(entry.Pidfd);
        entry.Callback(pid, returncode);
    }

    /// <inheritdoc />
    public override bool RemoveChildHandler(int pid)
    {
        if (!_callbacks.Remove(pid, out var entry))
        {
            return false;
        }
        _loop!.RemoveReader(entry.Pidfd);
        Libc.close(entry.Pidfd);
        return true;
    }
}
