using System;

namespace AsyncioSharp;

public static partial class Asyncio
{
    /// <summary>
    /// Python's <c>asyncio.shield(aw)</c>: a future that follows <paramref name="arg"/> (a coroutine is wrapped in a
    /// task) but whose cancellation does not cancel it. If <paramref name="arg"/> is already done, it is returned.
    /// </summary>
    public static Future Shield(IAwaitable arg)
    {
        var inner = EnsureFuture(arg);
        return inner.Done() ? inner : ShieldCore(inner, inner.Loop.CreateFuture());
    }

    /// <summary>Python's <c>asyncio.shield(aw)</c>, typed: the outer future is always a new <see cref="Future{T}"/>.</summary>
    public static Future<T> Shield<T>(IAwaitable<T> arg)
    {
        var inner = EnsureFuture(arg);
        if (inner is Future<T> typed && typed.Done())
        {
            return typed;
        }
        return ShieldCore(inner, inner.Loop.CreateFuture<T>());
    }

    private static TOuter ShieldCore<TOuter>(Future inner, TOuter outer) where TOuter : Future
    {
        void InnerDoneCallback(Future inner)
        {
            if (outer.Cancelled())
            {
                if (!inner.Cancelled())
                {
                    // Mark the inner result retrieved.
                    inner.Exception();
                }
                return;
            }
            if (inner.Cancelled())
            {
                outer.Cancel();
            }
            else if (inner.Exception() is { } exc)
            {
                outer.SetException(exc);
            }
            else
            {
                outer.SetResult(inner.Result());
            }
        }

        Action<Future> innerDone = InnerDoneCallback;
        if (inner.Done())
        {
            // A done AsyncioTask<T> given to the typed shield: the outer copies it at once.
            InnerDoneCallback(inner);
            return outer;
        }
        inner.AddDoneCallback(innerDone);
        outer.AddDoneCallback(_ =>
        {
            if (!inner.Done())
            {
                inner.RemoveDoneCallback(innerDone);
            }
        });
        return outer;
    }
}
