using System;
using System.Collections.Generic;

namespace AsyncioSharp;

/// <summary>
/// Python's <c>asyncio.Condition</c>: tasks wait, holding its lock, until another task notifies them.
/// <c>async with cond:</c> is <c>await using (await cond.AEnter()) { ... }</c>.
/// </summary>
public class Condition : ContextManagerMixin
{
    private readonly Lock _lock;
    private readonly LinkedList<Future> _waiters = new();

    /// <summary>Python's <c>Condition(lock=None)</c>: uses <paramref name="lock"/>, or a new <see cref="Lock"/>.</summary>
    public Condition(Lock? @lock = null)
    {
        _lock = @lock ?? new Lock();
    }

    /// <summary>Python's <c>_waiters</c>, for tests.</summary>
    internal IReadOnlyCollection<Future> Waiters => _waiters;

    /// <inheritdoc />
    public override string ToString()
    {
        var extra = Locked() ? "locked" : "unlocked";
        if (_waiters.Count > 0)
        {
            extra = $"{extra}, waiters:{_waiters.Count}";
        }
        return ReprWith(extra);
    }

    /// <summary>Python's <c>locked()</c>, the underlying lock's.</summary>
    public bool Locked() => _lock.Locked();

    /// <summary>Python's <c>acquire()</c>, the underlying lock's.</summary>
    public override Coroutine<bool> Acquire() => _lock.Acquire();

    /// <summary>Python's <c>release()</c>, the underlying lock's.</summary>
    public override void Release() => _lock.Release();

    /// <summary>
    /// Python's <c>wait()</c>: releases the lock, waits for a notify, then reacquires the lock (even when
    /// cancelled, in which case <see cref="CancelledError"/> is raised after reacquiring).
    /// </summary>
    public async Coroutine<bool> Wait()
    {
        if (!Locked())
        {
            throw new RuntimeError("cannot wait on un-acquired lock");
        }
        Release();
        try
        {
            await WaiterQueue.Await(_waiters, GetLoop().CreateFuture());
            return true;
        }
        finally
        {
            var cancelled = false;
            while (true)
            {
                try
                {
                    await Acquire();
                    break;
                }
                catch (CancelledError)
                {
                    cancelled = true;
                }
            }
            if (cancelled)
            {
#pragma warning disable CA2219 // Python raises CancelledError from this finally, replacing any exception in flight.
                throw new CancelledError();
#pragma warning restore CA2219
            }
        }
    }

    /// <summary>Python's <c>wait_for(predicate)</c>: waits until <paramref name="predicate"/> is true; returns its last value.</summary>
    public async Coroutine<bool> WaitFor(Func<bool> predicate)
    {
        var result = predicate();
        while (!result)
        {
            await Wait();
            result = predicate();
        }
        return result;
    }

    /// <summary>Python's <c>notify(n=1)</c>: wakes at most <paramref name="n"/> waiters; the lock must be held.</summary>
    public void Notify(int n = 1)
    {
        if (!Locked())
        {
            throw new RuntimeError("cannot notify on un-acquired lock");
        }
        var idx = 0;
        foreach (var fut in _waiters)
        {
            if (idx >= n)
            {
                break;
            }
            if (!fut.Done())
            {
                idx++;
                fut.SetResult(false);
            }
        }
    }

    /// <summary>Python's <c>notify_all()</c>.</summary>
    public void NotifyAll() => Notify(_waiters.Count);
}
