using System;
using System.Globalization;

namespace AsyncioSharp;

/// <summary>
/// Python's <c>asyncio.Timeout</c>: an async context manager that cancels the task running its body at a deadline
/// (loop time) and then turns the task's <see cref="CancelledError"/> into <see cref="TimeoutError"/> on exit.
/// Made by <c>Asyncio.Timeout(delay)</c> / <c>Asyncio.TimeoutAt(when)</c>; use it as
/// <c>await Asyncio.Timeout(1).Run(async cm =&gt; ...)</c> (Python's <c>async with asyncio.timeout(1) as cm:</c>).
/// </summary>
public sealed class Timeout : AbstractAsyncContextManager<Timeout>
{
    private enum State { Created, Entered, Expiring, Expired, Exited }

    private State _state = State.Created;
    private Handle? _timeoutHandler;
    private AsyncioTask? _task;
    private int _cancelling;
    private double? _when;

    /// <summary>
    /// Python's <c>Timeout(when)</c>: a timeout at loop time <paramref name="when"/>; null never fires, a time in the
    /// past fires on the next loop iteration. Prefer <c>Asyncio.Timeout</c> / <c>Asyncio.TimeoutAt</c>.
    /// </summary>
    public Timeout(double? when)
    {
        _when = when;
    }

    /// <summary>Python's <c>when()</c>: the current deadline.</summary>
    public double? When() => _when;

    /// <summary>Python's <c>reschedule(when)</c>: moves the deadline (null: never) of an entered timeout.</summary>
    public void Reschedule(double? when)
    {
        if (_state != State.Entered)
        {
            if (_state == State.Created)
            {
                throw new RuntimeError("Timeout has not been entered");
            }
            throw new RuntimeError($"Cannot change state of {StateValue} Timeout");
        }
        _when = when;
        _timeoutHandler?.Cancel();
        if (when is not { } deadline)
        {
            _timeoutHandler = null;
            return;
        }
        var loop = Asyncio.GetRunningLoop();
        _timeoutHandler = deadline <= loop.Time() ? loop.CallSoon(OnTimeout) : loop.CallAt(deadline, OnTimeout);
    }

    /// <summary>Python's <c>expired()</c>: whether the deadline passed while the body ran.</summary>
    public bool Expired() => _state is State.Expiring or State.Expired;

    private string StateValue => _state switch
    {
        State.Created => "created",
        State.Entered => "active",
        State.Expiring => "expiring",
        State.Expired => "expired",
        _ => "finished",
    };

    /// <inheritdoc />
    public override string ToString()
    {
        var info = "";
        if (_state == State.Entered)
        {
            var when = _when is { } w ? Math.Round(w, 3).ToString("R", CultureInfo.InvariantCulture) : "None";
            info = $" when={when}";
        }
        return $"<Timeout [{StateValue}]{info}>";
    }

    /// <summary>Python's <c>__aenter__()</c>: must run inside a task; schedules the deadline.</summary>
#pragma warning disable CS1998 // Python's __aenter__ is a coroutine that never suspends.
    public override async Coroutine<Timeout> AEnter()
#pragma warning restore CS1998
    {
        if (_state != State.Created)
        {
            throw new RuntimeError("Timeout has already been entered");
        }
        var task = Asyncio.CurrentTask() ?? throw new RuntimeError("Timeout should be used inside a task");
        _state = State.Entered;
        _task = task;
        _cancelling = task.Cancelling();
        Reschedule(_when);
        return this;
    }

    /// <summary>
    /// Python's <c>__aexit__</c>: if the deadline fired and no other cancellation is pending, the body's
    /// <see cref="CancelledError"/> becomes a <see cref="TimeoutError"/> (whose inner exception it is).
    /// </summary>
#pragma warning disable CS1998 // Python's __aexit__ here never suspends.
    public override async Coroutine<bool> AExit(Exception? exc)
#pragma warning restore CS1998
    {
        if (_timeoutHandler is not null)
        {
            _timeoutHandler.Cancel();
            _timeoutHandler = null;
        }
        if (_state == State.Expiring)
        {
            _state = State.Expired;
            if (_task!.Uncancel() <= _cancelling && exc is CancelledError)
            {
                // No cancellation was requested besides ours: this one is the timeout's.
                throw new TimeoutError("", exc);
            }
        }
        else if (_state == State.Entered)
        {
            _state = State.Exited;
        }
        return false;
    }

    /// <summary>Under <c>await using</c>, a timeout that fired is presumed to be unwinding the body with its CancelledError.</summary>
    private protected override Exception? InferredBodyException() => _state == State.Expiring ? new CancelledError() : null;

    private void OnTimeout()
    {
        _task!.Cancel();
        _state = State.Expiring;
        _timeoutHandler = null;
    }
}
