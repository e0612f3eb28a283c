using System.Threading;
using System.Threading.Tasks;

namespace AsyncioSharp;

public static partial class Asyncio
{
    /// <summary>
    /// Python's <c>asyncio.run_coroutine_threadsafe(coro, loop)</c>, called from another thread: runs
    /// <paramref name="coro"/> as a task on <paramref name="loop"/> and returns a .NET task (the concurrent future)
    /// that follows it. Cancelling <paramref name="cancellationToken"/> (Python: <c>future.cancel()</c>) cancels the
    /// asyncio task; the .NET task ends canceled when the asyncio task is cancelled.
    /// </summary>
    public static Task<T> RunCoroutineThreadsafe<T>(Coroutine<T> coro, AbstractEventLoop loop, CancellationToken cancellationToken = default) =>
        RunCoroutineThreadsafeCore<T>(coro, loop, cancellationToken);

    /// <summary>Python's <c>asyncio.run_coroutine_threadsafe(coro, loop)</c> for a coroutine without a result type.</summary>
    public static Task<object?> RunCoroutineThreadsafe(Coroutine coro, AbstractEventLoop loop, CancellationToken cancellationToken = default) =>
        RunCoroutineThreadsafeCore<object?>(coro, loop, cancellationToken);

    private static Task<T> RunCoroutineThreadsafeCore<T>(Coroutine coro, AbstractEventLoop loop, CancellationToken cancellationToken)
    {
        if (coro is null)
        {
            throw new TypeError("A coroutine object is required");
        }
        var future = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        loop.CallSoonThreadsafe(() =>
        {
            Future source;
            try
            {
                source = EnsureFuture(coro, loop);
            }
            catch (System.Exception exc)
            {
                future.TrySetException(exc);
                throw;
            }
            ChainToTask(source, future, loop, cancellationToken);
        });
        return future.Task;
    }

    /// <summary>Python's <c>futures._chain_future(source, destination)</c> from an asyncio future to a .NET task.</summary>
    private static void ChainToTask<T>(Future source, TaskCompletionSource<T> destination, AbstractEventLoop loop, CancellationToken cancellationToken)
    {
        var registration = cancellationToken.Register(() =>
        {
            if (!loop.IsClosed())
            {
                loop.CallSoonThreadsafe(() => source.Cancel());
            }
        });
        source.AddDoneCallback(src =>
        {
            registration.Dispose();
            if (src.Cancelled())
            {
                destination.TrySetCanceled();
            }
            else if (src.Exception() is { } exc)
            {
                destination.TrySetException(exc);
            }
            else
            {
                destination.TrySetResult((T)src.Result()!);
            }
        });
    }
}
