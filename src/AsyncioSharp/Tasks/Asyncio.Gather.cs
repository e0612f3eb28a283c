using System.Collections.Generic;
using System.Linq;

namespace AsyncioSharp;

public static partial class Asyncio
{
    /// <summary>
    /// Python's <c>asyncio.gather(*aws, return_exceptions=False)</c>: runs the awaitables concurrently; the result is
    /// their results in order. Without <paramref name="returnExceptions"/> the first exception (or cancellation) is
    /// raised at once and the others keep running; with it, exceptions are returned among the results. Cancelling
    /// the returned future cancels the children that are not done.
    /// </summary>
    public static Future<object?[]> Gather(IAwaitable[] corosOrFutures, bool returnExceptions = false) =>
        GatherCore<object?>(corosOrFutures, returnExceptions);

    /// <summary>Python's <c>asyncio.gather(*aws)</c> with the awaitables as arguments.</summary>
    public static Future<object?[]> Gather(params IAwaitable[] corosOrFutures) => Gather(corosOrFutures, false);

    /// <summary>
    /// Python's <c>asyncio.gather(*aws, return_exceptions=False)</c> for awaitables of one result type: a typed array.
    /// With <paramref name="returnExceptions"/>, an exception among the results must be a <typeparamref name="T"/>
    /// (use <c>object</c>), else the gathering future raises <see cref="TypeError"/>.
    /// </summary>
    public static Future<T[]> Gather<T>(IAwaitable<T>[] corosOrFutures, bool returnExceptions = false) =>
        GatherCore<T>(corosOrFutures.Cast<IAwaitable>().ToArray(), returnExceptions);

    private static Future<T[]> GatherCore<T>(IAwaitable[] corosOrFutures, bool returnExceptions)
    {
        if (corosOrFutures.Length == 0)
        {
            var empty = ((BaseEventLoop)GetEventLoop()).CreateFuture<T[]>();
            empty.SetResult(System.Array.Empty<T>());
            return empty;
        }
        var argToFut = new Dictionary<IAwaitable, Future>(corosOrFutures.Length, ReferenceEqualityComparer.Instance);
        var children = new List<Future>(corosOrFutures.Length);
        AbstractEventLoop? loop = null;
        GatheringFuture<T>? outer = null;
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
                if (outer.CancelRequested)
                {
                    // The gathering is being cancelled: that wins over return_exceptions (issue 32684).
                    outer.SetException(fut.MakeCancelledError());
                }
                else if (CollectResults<T>(children) is { } results)
                {
                    outer.SetResult(results);
                }
                else
                {
                    outer.SetException(new TypeError($"gather() got an exception among results of type {typeof(T).Name}"));
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
                    // Made here for arg: its caller cannot control it, so it is not reported if destroyed pending.
                    task.LogDestroyPending = false;
                }
                nfuts++;
                argToFut[arg] = fut;
                fut.AddDoneCallback(DoneCallback);
            }
            children.Add(fut);
        }
        outer = new GatheringFuture<T>(children, loop!);
        return outer;
    }

    /// <summary>The children's results in order, a cancelled child as a CancelledError; null if one is not a T.</summary>
    private static T[]? CollectResults<T>(List<Future> children)
    {
        var results = new T[children.Count];
        for (var i = 0; i < children.Count; i++)
        {
            var child = children[i];
            var result = child.Cancelled()
                ? new CancelledError(child.CancelMessage ?? "")
                : (object?)child.Exception() ?? child.Result();
            if (result is T typed)
            {
                results[i] = typed;
            }
            else if (result is null && default(T) is null)
            {
                results[i] = default!;
            }
            else
            {
                return null;
            }
        }
        return results;
    }
}
