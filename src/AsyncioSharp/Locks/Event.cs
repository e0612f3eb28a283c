using System.Collections.Generic;

namespace AsyncioSharp;

/// <summary>Python's <c>asyncio.Event</c>: a flag that tasks wait to become true.</summary>
public class Event : LoopBoundMixin
{
    private readonly LinkedList<Future> _waiters = new();
    private bool _value;

    /// <summary>Python's <c>Event()</c>: created unset.</summary>
    public Event() { }

    /// <summary>Python's <c>_waiters</c>, for tests.</summary>
    internal IReadOnlyCollection<Future> Waiters => _waiters;

    /// <inheritdoc />
    public override string ToString()
    {
        var extra = _value ? "set" : "unset";
        if (_waiters.Count > 0)
        {
            extra = $"{extra}, waiters:{_waiters.Count}";
        }
        return ReprWith(extra);
    }

    /// <summary>Python's <c>is_set()</c>.</summary>
    public bool IsSet() => _value;

    /// <summary>Python's <c>set()</c>: sets the flag and wakes every waiter.</summary>
    public void Set()
    {
        if (_value)
        {
            return;
        }
        _value = true;
        foreach (var fut in _waiters)
        {
            if (!fut.Done())
            {
                fut.SetResult(true);
            }
        }
    }

    /// <summary>Python's <c>clear()</c>.</summary>
    public void Clear() => _value = false;

    /// <summary>Python's <c>wait()</c>: returns true once the flag is set (at once if it is).</summary>
    public async Coroutine<bool> Wait()
    {
        if (_value)
        {
            return true;
        }
        await WaiterQueue.Await(_waiters, GetLoop().CreateFuture());
        return true;
    }
}
