using System;
using System.Threading;

namespace AsyncioSharp;

/// <summary>Python's <c>asyncio.TimerHandle</c>: a callback scheduled by <c>call_later</c>/<c>call_at</c>.</summary>
public sealed class TimerHandle : Handle
{
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

    private readonly double _when;

    /// <summary>Python's <c>TimerHandle.when()</c>: the loop time the callback is scheduled for.</summary>
    public double When() => _when;

    /// <summary>True while the handle sits in the loop's timer heap.</summary>
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

    /// <inheritdoc />
    public override string ToString() => $"<TimerHandle{(Cancelled() ? " cancelled" : "")} when={_when} {CallbackName}>";
}
