using System;

namespace AsyncioSharp;

/// <summary>
/// Python's <c>asyncio.AbstractChildWatcher</c> (unix_events.py): watches child processes and reports their exit
/// through <c>callback(pid, returncode)</c>. Starting a process is done between <see cref="Enter"/> and
/// <see cref="Exit"/> (Python's <c>with watcher:</c>; <c>using (watcher.Enter())</c> calls <c>Exit(null)</c>), so an
/// implementation can hold back until the new child is registered. Implementations must be thread-safe. As in
/// Python, every method of this base raises <see cref="NotImplementedException"/>.
/// </summary>
public class AbstractChildWatcher : IDisposable
{
    /// <summary>
    /// Python's <c>os.waitpid</c> and <c>waitstatus_to_exitcode</c> as the watchers call them: CPython's tests patch
    /// those module functions, the ported tests replace these.
    /// </summary>
    internal Func<int, int, (int Pid, int Status)> Waitpid = WaitStatus.Waitpid;

    /// <inheritdoc cref="Waitpid"/>
    internal Func<int, int> WaitstatusToExitcode = WaitStatus.ToExitcode;

    /// <summary>
    /// Python's <c>add_child_handler(pid, callback, *args)</c>: calls <c>callback(pid, returncode)</c> when process
    /// <paramref name="pid"/> ends (a negative return code is the signal that killed it); a second call for the same
    /// pid replaces the callback. The callback may run on another thread. (Python's <c>*args</c> are bound in the lambda.)
    /// </summary>
    public virtual void AddChildHandler(int pid, Action<int, int> callback) => throw new NotImplementedException();

    /// <summary>Python's <c>remove_child_handler(pid)</c>: true if a handler was removed.</summary>
    public virtual bool RemoveChildHandler(int pid) => throw new NotImplementedException();

    /// <summary>Python's <c>attach_loop(loop)</c>: attaches the watcher to a loop (detaching it from the previous one); null detaches.</summary>
    public virtual void AttachLoop(AbstractEventLoop? loop) => throw new NotImplementedException();

    /// <summary>Python's <c>close()</c>: frees what the watcher holds.</summary>
    public virtual void Close() => throw new NotImplementedException();

    /// <summary>Python's <c>is_active()</c>: the watcher is ready to report process exits.</summary>
    public virtual bool IsActive() => throw new NotImplementedException();

    /// <summary>Python's <c>__enter__()</c>: returns the watcher, now ready for new processes.</summary>
    public virtual AbstractChildWatcher Enter() => throw new NotImplementedException();

    /// <summary>Python's <c>__exit__(exc_type, exc, tb)</c>: leaves the block, with the exception leaving it, if any.</summary>
    public virtual void Exit(Exception? exc) => throw new NotImplementedException();

    /// <summary>The end of a <c>using (watcher.Enter())</c> block: <see cref="Exit"/> with no exception (not <see cref="Close"/>).</summary>
    public void Dispose()
    {
        Exit(null);
        GC.SuppressFinalize(this);
    }

    /// <summary>Python's <c>warnings.warn('A loop is being detached from a child watcher with pending handlers', RuntimeWarning)</c>.</summary>
    private protected static void WarnDetachedWithPendingHandlers() =>
        Log.Writer.WriteLine("RuntimeWarning: A loop is being detached from a child watcher with pending handlers");
}
