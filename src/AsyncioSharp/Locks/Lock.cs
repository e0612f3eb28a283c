using System.Collections.Generic;

namespace AsyncioSharp;

/// <summary>
/// Python's <c>asyncio.Lock</c>: a lock not owned by any task. Waiters acquire it in FIFO order; a waiter that is
/// woken but cancelled passes the wake-up to the next one. <c>async with lock:</c> is
/// <c>await using (await lock.AEnter()) { ... }</c>.
/// </summary>
public class Lock : ContextManagerMixin
{
    private LinkedList<Future>? _waiters;
    private bool _locked;

    /// <summary>Python's <c>Lock()</c>: created unlocked, bound to a loop on first contention.</summary>
    public Lock() { }

    /// <summary>Python's <c>_waiters</c>, for tests.</summary>
    internal IReadOnlyCollection<Future> Waiters => (IReadOnlyCollection<Future>?)_waiters ?? [];

    /// <inheritdoc />
    public override string ToString()
    {
        var extra = _locked ? "locked" : "unlocked";
        if (_waiters is { Count: > 0 })
        {
            extra = $"{extra}, waiters:{_waiters.Count}";
        }
        return ReprWith(extra);
    }

    /// <summary>Python's <c>locked()</c>.</summary>
    public bool Locked() => _locked;

    /// <summary>Python's <c>acquire()</c>: waits until the lock is unlocked, locks it, returns true.</summary>
    public override async Coroutine<bool> Acquire()
    {
        if (!_locked && (_waiters is null || AllCancelled(_waiters)))
        {
            _locked = true;
            return true;
        }
        _waiters ??= new LinkedList<Future>();
        try
        {
            await WaiterQueue.Await(_waiters, GetLoop().CreateFuture());
        }
        catch (CancelledError)
        {
            // The removal above comes first, so a cancelled waiter never wakes itself.
            if (!_locked)
            {
                WakeUpFirst();
            }
            throw;
        }
        _locked = true;
        return true;
    }

    /// <summary>Python's <c>release()</c>: unlocks and wakes the first waiter; <see cref="RuntimeError"/>('Lock is not acquired.') if unlocked.</summary>
    public override void Release()
    {
        if (!_locked)
        {
            throw new RuntimeError("Lock is not acquired.");
        }
        _locked = false;
        WakeUpFirst();
    }

    /// <summary>Python's <c>_wake_up_first()</c>: a done first waiter will retake the lock or wake the next itself.</summary>
    private void WakeUpFirst()
    {
        if (_waiters?.First is { } first && !first.Value.Done())
        {
            first.Value.SetResult(true);
        }
    }

    private static bool AllCancelled(LinkedList<Future> waiters)
    {
        foreach (var w in waiters)
        {
            if (!w.Cancelled())
            {
                return false;
            }
        }
        return true;
    }
}
