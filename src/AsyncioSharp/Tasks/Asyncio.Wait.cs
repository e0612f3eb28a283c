using System;
using System.Collections.Generic;

namespace AsyncioSharp;

public static partial class Asyncio
{
    /// <summary>Python's <c>asyncio.FIRST_COMPLETED</c>: <c>wait()</c> returns when any future finishes or is cancelled.</summary>
    public const string FIRST_COMPLETED = "FIRST_COMPLETED";

    /// <summary>Python's <c>asyncio.FIRST_EXCEPTION</c>: <c>wait()</c> returns when any future raises, or all finish.</summary>
    public const string FIRST_EXCEPTION = "FIRST_EXCEPTION";

    /// <summary>Python's <c>asyncio.ALL_COMPLETED</c>: <c>wait()</c> returns when all futures finish or are cancelled.</summary>
    public const string ALL_COMPLETED = "ALL_COMPLETED";

    /// <summary>
    /// Python's <c>asyncio.wait(fs, *, timeout=None, return_when=ALL_COMPLETED)</c>: waits for the futures/tasks
    /// in <paramref name="fs"/> and returns the sets (done, pending). It does not raise on timeout; coroutines are
    /// rejected ('Passing coroutines is forbidden, use tasks explicitly.').
    /// </summary>
    public static async Coroutine<(HashSet<TFuture> Done, HashSet<TFuture> Pending)> Wait<TFuture>(
        IEnumerable<TFuture> fs, double? timeout = null, string returnWhen = ALL_COMPLETED)
        where TFuture : IAwaitable
    {
        var set = new HashSet<TFuture>(fs, ReferenceEqualityComparer.Instance as IEqualityComparer<TFuture>);
        if (set.Count == 0)
        {
            throw new ValueError("Set of Tasks/Futures is empty.");
        }
        if (returnWhen is not (FIRST_COMPLETED or FIRST_EXCEPTION or ALL_COMPLETED))
        {
            throw new ValueError($"Invalid return_when value: {returnWhen}");
        }
        foreach (var f in set)
        {
            if (f is not Future)
            {
                throw new TypeError("Passing coroutines is forbidden, use tasks explicitly.");
            }
        }
        var loop = (BaseEventLoop)GetRunningLoop();
        await WaitCore(set, timeout, returnWhen, loop);
        var done = new HashSet<TFuture>(ReferenceEqualityComparer.Instance as IEqualityComparer<TFuture>);
        var pending = new HashSet<TFuture>(ReferenceEqualityComparer.Instance as IEqualityComparer<TFuture>);
        foreach (var f in set)
        {
            (((Future)(object)f!).Done() ? done : pending).Add(f);
        }
        return (done, pending);
    }

    /// <summary>Python's <c>tasks._wait</c>: waits until <paramref name="returnWhen"/> holds or the timeout passes.</summary>
    private static async Coroutine WaitCore<TFuture>(HashSet<TFuture> fs, double? timeout, string returnWhen, BaseEventLoop loop)
    {
        var waiter = loop.CreateFuture();
        TimerHandle? timeoutHandle = null;
        if (timeout is { } delay)
        {
            timeoutHandle = loop.CallLater(delay, () => ReleaseWaiter(waiter));
        }
        var counter = fs.Count;

        void OnCompletion(Future f)
        {
            counter--;
            if (counter <= 0
                || returnWhen == FIRST_COMPLETED
                || (returnWhen == FIRST_EXCEPTION && !f.Cancelled() && f.Exception() is not null))
            {
                timeoutHandle?.Cancel();
                ReleaseWaiter(waiter);
            }
        }

        Action<Future> onCompletion = OnCompletion;
        foreach (var f in fs)
        {
            ((Future)(object)f!).AddDoneCallback(onCompletion);
        }
        try
        {
            await waiter;
        }
        finally
        {
            timeoutHandle?.Cancel();
            foreach (var f in fs)
            {
                ((Future)(object)f!).RemoveDoneCallback(onCompletion);
            }
        }
    }

    /// <summary>Python's <c>tasks._release_waiter</c>.</summary>
    private static void ReleaseWaiter(Future waiter)
    {
        if (!waiter.Done())
        {
            waiter.SetResult(null);
        }
    }

    /// <summary>
    /// Python's <c>asyncio.wait_for(fut, timeout)</c>: awaits <paramref name="fut"/> (a coroutine is wrapped in a
    /// task); on timeout it cancels it, waits for the cancellation to finish and raises <see cref="TimeoutError"/>.
    /// If the waiting is cancelled, <paramref name="fut"/> is cancelled too. A null timeout waits forever.
    /// </summary>
    public static async Coroutine<object?> WaitFor(IAwaitable fut, double? timeout)
    {
        var loop = (BaseEventLoop)GetRunningLoop();
        if (timeout is not { } delay)
        {
            return await AwaitAny(fut);
        }
        if (delay <= 0)
        {
            var f = EnsureFuture(fut, loop);
            if (f.Done())
            {
                return f.Result();
            }
            await CancelAndWait(f, loop);
            return ResultOrTimeout(f);
        }
        var waiter = loop.CreateFuture();
        var timeoutHandle = loop.CallLater(delay, () => ReleaseWaiter(waiter));
        Action<Future> cb = _ => ReleaseWaiter(waiter);
        var inner = EnsureFuture(fut, loop);
        inner.AddDoneCallback(cb);
        try
        {
            try
            {
                await waiter;
            }
            catch (CancelledError)
            {
                if (inner.Done())
                {
                    return inner.Result();
                }
                inner.RemoveDoneCallback(cb);
                // Make sure the inner task is not running once wait_for() returns (bpo-32751).
                await CancelAndWait(inner, loop);
                throw;
            }
            if (inner.Done())
            {
                return inner.Result();
            }
            inner.RemoveDoneCallback(cb);
            await CancelAndWait(inner, loop);
            // The cancellation may have failed with another exception: that one is raised (bpo-40607).
            return ResultOrTimeout(inner);
        }
        finally
        {
            timeoutHandle.Cancel();
        }
    }

    /// <summary>Python's <c>asyncio.wait_for(fut, timeout)</c>, typed.</summary>
    public static async Coroutine<T> WaitFor<T>(IAwaitable<T> fut, double? timeout) =>
        (T)(await WaitFor((IAwaitable)fut, timeout))!;

    private static object? ResultOrTimeout(Future fut)
    {
        try
        {
            return fut.Result();
        }
        catch (CancelledError exc)
        {
            throw new TimeoutError("", exc);
        }
    }

    /// <summary>Python's <c>tasks._cancel_and_wait</c>: cancels <paramref name="fut"/> and waits for it, staying cancellable itself.</summary>
    private static async Coroutine CancelAndWait(Future fut, BaseEventLoop loop)
    {
        var waiter = loop.CreateFuture();
        Action<Future> cb = _ => ReleaseWaiter(waiter);
        fut.AddDoneCallback(cb);
        try
        {
            fut.Cancel();
            // Not awaiting fut itself keeps this coroutine cancellable.
            await waiter;
        }
        finally
        {
            fut.RemoveDoneCallback(cb);
        }
    }

    /// <summary>Python's <c>await aw</c> for any asyncio awaitable: a future or a coroutine.</summary>
    private static async Coroutine<object?> AwaitAny(IAwaitable aw)
    {
        switch (aw)
        {
            case Future future:
                return await future;
            case Coroutine coro:
                await coro;
                return coro.ResultObject;
            default:
                throw new TypeError($"object {aw.GetType().Name} can't be used in 'await' expression");
        }
    }
}
