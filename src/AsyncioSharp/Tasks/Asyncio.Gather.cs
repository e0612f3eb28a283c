using System.Collections.Generic;
using System.Linq;

namespace AsyncioSharp;

public static partial class Asyncio
{
    /// <summary>
    /// Python's <c>asyncio.gather(*aws, return_exceptions=False)</c>: runs the awaitables concurrently; the result is
    /// their results in order. Without <paramref name="returnExceptions"/> the first exception (or cancellation) is
    /// raised at once and the others keep running; with it, exceptions are returned among the results.
    /// </summary>
    public static Future<object?[]> Gather(IAwaitable[] corosOrFutures, bool returnExceptions = false)
    {
        if (corosOrFutures.Length == 0)
        {
            var empty = ((BaseEventLoop)GetEventLoop()).CreateFuture<object?[]>();
            empty.SetResult(System.Array.Empty<object?>());
            return empty;
        }
        var argToFut = new Dictionary<IAwaitable, Future>(corosOrFutures.Length, ReferenceEqualityComparer.Instance);
        var children = new List<Future>(corosOrFutures.Length);
        AbstractEventLoop? loop = null;
        GatheringFuture? outer = null;
        var nfuts = 0;
        var nfinished = 0;

        void DoneCallback(Future fut)
        {
            nfinished++;
            if (outer is null || outer.Done())
            {
                if (!fut.Cancelled())
                {
                    // Mark the exception retrieved.
                    fut.Exception();
                }
                return;
            }
            if (!returnExceptions)
            {
                if (fut.Cancelled())
                {
                    outer.SetException(fut.MakeCancelledError());
                    return;
                }
                if (fut.Exception() is { } exc)
                {
                    outer.SetException(exc);
                    return;
                }
            }
            if (nfinished == nfuts)
            {
                var results = new object?[children.Count];
                for (var i = 0; i < children.Count; i++)
                {
                    var child = children[i];
                    results[i] = child.Cancelled()
                        ? new CancelledError(child.CancelMessage ?? "")
                        : (object?)child.Exception() ?? child.Result();
                }
                if (outer.CancelRequested)
                {
                    outer.SetException(fut.MakeCancelledError());
                }
                else
                {
                    outer.SetResult(results);
                }
            }
        }

        foreach (var arg in corosOrFutures)
        {
            if (!argToFut.TryGetValue(arg, out var fut))
            {
                fut = EnsureFuture(arg, loop);
                loop ??= fut.GetLoop();
                if (!ReferenceEquals(fut, arg) && fut is AsyncioTask task)
                {
                    task.LogDestroyPending = false;
                }
                nfuts++;
                argToFut[arg] = fut;
                fut.AddDoneCallback(DoneCallback);
            }
            children.Add(fut);
        }
        outer = new GatheringFuture(children, loop!);
        return outer;
    }

    /// <summary>Python's <c>asyncio.gather(*aws)</c> with the awaitables as arguments.</summary>
    public static Future<object?[]> Gather(params IAwaitable[] corosOrFutures) => Gather(corosOrFutures, false);

    /// <summary>Python's <c>asyncio.gather(*aws, return_exceptions=False)</c> for awaitables of one result type: a typed array.</summary>
    public static Future<T[]> Gather<T>(IAwaitable<T>[] corosOrFutures, bool returnExceptions = false)
    {
        var untyped = Gather(corosOrFutures.Cast<IAwaitable>().ToArray(), returnExceptions);
        var typed = ((BaseEventLoop)untyped.GetLoop()).CreateFuture<T[]>();
        untyped.AddDoneCallback(_ =>
        {
            if (typed.Cancelled())
            {
                return;
            }
            if (untyped.Cancelled())
            {
                typed.Cancel();
            }
            else if (untyped.Exception() is { } exc)
            {
                typed.SetException(exc);
            }
            else
            {
                typed.SetResult(untyped.Result().Select(r => (T)r!).ToArray());
            }
        });
        typed.AddDoneCallback(_ =>
        {
            if (typed.Cancelled())
            {
                untyped.Cancel();
            }
        });
        return typed;
    }
}
