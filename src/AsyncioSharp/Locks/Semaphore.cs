using System.Collections.Generic;

namespace AsyncioSharp;

/// <summary>
/// Python's <c>asyncio.Semaphore</c>: a counter that acquire() decrements, waiting while it is zero, and release()
/// increments. <c>async with sem:</c> is <c>await using (await sem.AEnter()) { ... }</c>.
/// </summary>
public class Semaphore : ContextManagerMixin
{
    private LinkedList<Future>? _waiters;
    private int _value;

    /// <summary>Python's <c>Semaphore(value=1)</c>; <see cref="ValueError"/> if value is negative.</summary>
    public Semaphore(int value = 1)
    {
        if (value < 0)
        {
            throw new ValueError("Semaphore initial value must be >= 0");
        }
        _value = value;
    }

    /// <summary>Python's <c>_waiters</c>, for tests.</summary>
    internal IReadOnlyCollection<Future> Waiters => (IReadOnlyCollection<Future>?)_waiters ?? [];

    /// <inheritdoc />
    public override string ToString()
    {
        var extra = Locked() ? "locked" : $"unlocked, value:{_value}";
        if (_waiters is { Count: > 0 })
        {
            extra = $"{extra}, waiters:{_waiters.Count}";
        }
        return ReprWith(extra);
    }

    /// <summary>Python's <c>_value</c>: the counter.</summary>
    internal int Value => _value;

    /// <summary>Python's <c>locked()</c>: true if acquire() would wait.</summary>
    public bool Locked()
    {
        if (_value == 0)
        {
            return true;
        }
        foreach (var w in _waiters ?? (IEnumerable<Future>)[])
        {
            if (!w.Cancelled())
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>Python's <c>acquire()</c>: decrements the counter, waiting first while it is zero; returns true.</summary>
    public override async Coroutine<bool> Acquire()
    {
        if (!Locked())
        {
            _value--;
            return true;
        }
        _waiters ??= new LinkedList<Future>();
        var fut = GetLoop().CreateFuture();
        try
        {
            await WaiterQueue.Await(_waiters, fut);
        }
        catch (CancelledError)
        {
            // Woken (the count was taken for us) but cancelled: give the count to the next waiter.
            if (!fut.Cancelled())
            {
                _value++;
                WakeUpNext();
            }
            throw;
        }
        if (_value > 0)
        {
            WakeUpNext();
        }
        return true;
    }

    /// <summary>Python's <c>release()</c>: increments the counter and wakes the next waiter.</summary>
    public override void Release()
    {
        _value++;
        WakeUpNext();
    }

    /// <summary>Python's <c>_wake_up_next()</c>: hands one count to the first waiter not done.</summary>
    private void WakeUpNext()
    {
        if (_waiters is null)
        {
            return;
        }
        foreach (var fut in _waiters)
        {
            if (!fut.Done())
            {
                _value--;
                fut.SetResult(true);
                return;
            }
        }
    }
}
