using System;
using System.Threading.Tasks;

namespace AsyncioSharp;

/// <summary>The private helpers of Python's <c>asyncio.futures</c> module.</summary>
internal static class Futures
{
    /// <summary>Python's <c>_set_result_unless_cancelled(fut, result)</c>.</summary>
    internal static void SetResultUnlessCancelled(Future fut, object? result)
    {
        if (!fut.Cancelled())
        {
            fut.SetResult(result);
        }
    }

    /// <summary>Python's <c>_copy_future_state(source, dest)</c>: dest must be pending.</summary>
    internal static void CopyFutureState(Future source, Future dest)
    {
        if (source.Cancelled())
        {
            dest.Cancel(source.CancelMessage);
            return;
        }
        var exception = source.Exception();
        if (exception is not null)
        {
            dest.SetException(exception);
        }
        else
        {
            dest.SetResult(source.Result());
        }
    }

    /// <summary>Python's <c>_chain_future(source, destination)</c> for two asyncio futures: dest follows source, and cancelling dest cancels source.</summary>
    internal static void ChainFuture(Future source, Future destination)
    {
        destination.AddDoneCallback(dest =>
        {
            if (dest.Cancelled())
            {
                source.Cancel();
            }
        });
        source.AddDoneCallback(src =>
        {
            if (!destination.Cancelled())
            {
                CopyFutureState(src, destination);
            }
        });
    }

    /// <summary>
    /// Python's <c>wrap_future(concurrent_future, loop=None)</c>: an asyncio future that follows a .NET task
    /// (the counterpart of a concurrent.futures.Future), set on the loop's thread.
    /// </summary>
    internal static Future WrapFuture(Task task, BaseEventLoop loop) => WrapFuture(task, loop, static _ => null);

    /// <summary>Python's <c>wrap_future</c> for a .NET task with a result.</summary>
    internal static Future WrapFuture<T>(Task<T> task, BaseEventLoop loop) => WrapFuture(task, loop, static t => ((Task<T>)t).Result);

    private static Future WrapFuture(Task task, BaseEventLoop loop, Func<Task, object?> getResult)
    {
        var future = loop.CreateFuture();
        // Python's _chain_future: cancelling the asyncio future cancels the concurrent one (if it has not started).
        future.AddDoneCallback(f =>
        {
            if (f.Cancelled())
            {
                ConcurrentFutures.Executor.Cancel(task);
            }
        });
        task.ContinueWith(t =>
        {
            if (loop.IsClosed())
            {
                return;
            }
            loop.CallSoonThreadsafe(() =>
            {
                if (future.Cancelled())
                {
                    return;
                }
                if (t.IsCanceled)
                {
                    future.Cancel();
                }
                else if (t.IsFaulted)
                {
                    var exc = t.Exception!.InnerExceptions.Count == 1 ? t.Exception.InnerException! : t.Exception;
                    future.SetException(exc);
                }
                else
                {
                    future.SetResult(getResult(t));
                }
            });
        }, TaskScheduler.Default);
        return future;
    }
}
