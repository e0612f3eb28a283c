using System;
using System.Collections.Generic;
using System.Threading;

namespace AsyncioSharp;

/// <summary>
/// Python's <c>asyncio.TimerHandle</c>: a callback scheduled by <c>call_later</c>/<c>call_at</c>. Like Python's,
/// it compares by <see cref="When"/> and is equal to another timer with the same time, callback and state.
/// </summary>
public sealed class TimerHandle : Handle
{
    private readonly double _when;

    internal TimerHandle(double when, Action callback, BaseEventLoop loop, ExecutionContext? context)
        : base(callback, loop, context)
    {
        _when = when;
    }

    internal TimerHandle(double when, Action<object?> callback, object? state, BaseEventLoop loop, ExecutionContext? context)
        : base(callback, state, loop, context)
    {
        _when = when;
    }

    /// <summary>Python's <c>TimerHandle.when()</c>: the loop time the callback is scheduled for.</summary>
    public double When() => _when;

    /// <summary>True while the handle sits in the loop's timer heap (Python's <c>_scheduled</c>).</summary>
    internal bool Scheduled { get; set; }

    /// <summary>Python's <c>TimerHandle.cancel()</c>: also tells the loop, so it can drop cancelled timers early.</summary>
    public override void Cancel()
    {
        if (!Cancelled())
        {
            _loop.TimerHandleCancelled(this);
        }
        base.Cancel();
    }

    private protected override List<string> ReprInfo()
    {
        var info = base.ReprInfo();
        info.Insert(Cancelled() ? 2 : 1, $"when={FormatHelpers.ReprFloat(_when)}");
        return info;
    }

    /// <summary>Python's <c>__eq__</c>: same time, same callback, same cancelled state.</summary>
    public override bool Equals(object? obj) =>
        obj is TimerHandle other && _when == other._when && Equals(Callback, other.Callback) && Cancelled() == other.Cancelled();

    /// <summary>Python's <c>__hash__</c>: the hash of <see cref="When"/>.</summary>
    public override int GetHashCode() => _when.GetHashCode();

    /// <summary>Python's <c>__eq__</c>.</summary>
    public static bool operator ==(TimerHandle? a, TimerHandle? b) => a is null ? b is null : a.Equals(b);

    /// <summary>Python's <c>__ne__</c>.</summary>
    public static bool operator !=(TimerHandle? a, TimerHandle? b) => !(a == b);

    /// <summary>Python's <c>__lt__</c>: earlier <see cref="When"/>.</summary>
    public static bool operator <(TimerHandle a, TimerHandle b) => a._when < b._when;

    /// <summary>Python's <c>__gt__</c>.</summary>
    public static bool operator >(TimerHandle a, TimerHandle b) => a._when > b._when;

    /// <summary>Python's <c>__le__</c>: earlier, or equal.</summary>
    public static bool operator <=(TimerHandle a, TimerHandle b) => a._when < b._when || a.Equals(b);

    /// <summary>Python's <c>__ge__</c>: later, or equal.</summary>
    public static bool operator >=(TimerHandle a, TimerHandle b) => a._when > b._when || a.Equals(b);
}
