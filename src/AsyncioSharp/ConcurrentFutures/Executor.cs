using System;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;

namespace AsyncioSharp.ConcurrentFutures;

/// <summary>
/// Python's <c>concurrent.futures.Executor</c>: runs callables on other threads. A submitted call is a .NET
/// <see cref="System.Threading.Tasks.Task{TResult}"/>, the counterpart of Python's concurrent Future.
/// </summary>
public abstract class Executor
{
    // A .NET Task cannot be cancelled from outside, so executors remember how to cancel the calls they queued.
    private static readonly ConditionalWeakTable<Task, CancellationTokenSource> Cancellers = new();

    /// <summary>Python's <c>submit(fn, *args)</c>.</summary>
    public abstract Task<T> Submit<T>(Func<T> fn);

    /// <summary>Python's <c>shutdown(wait=True, *, cancel_futures=False)</c>.</summary>
    public abstract void Shutdown(bool wait = true, bool cancelFutures = false);

    /// <summary>Lets <see cref="Cancel"/> cancel <paramref name="call"/> through <paramref name="canceller"/>.</summary>
    private protected static void RegisterCanceller(Task call, CancellationTokenSource canceller) => Cancellers.AddOrUpdate(call, canceller);

    /// <summary>
    /// Python's concurrent <c>Future.cancel()</c> for a call an executor queued: a call that has not started never
    /// runs (its task ends cancelled); one that runs or ran is not affected. Other tasks cannot be cancelled.
    /// </summary>
    internal static void Cancel(Task call)
    {
        if (!call.IsCompleted && Cancellers.TryGetValue(call, out var canceller))
        {
            try
            {
                canceller.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // The call ended meanwhile: there is nothing left to cancel.
            }
        }
    }
}
