using System;
using System.Threading.Tasks;

namespace AsyncioSharp.ConcurrentFutures;

/// <summary>
/// Python's <c>concurrent.futures.Executor</c>: runs callables on other threads. A submitted call is a .NET
/// <see cref="System.Threading.Tasks.Task{TResult}"/>, the counterpart of Python's concurrent Future.
/// </summary>
public abstract class Executor
{
    /// <summary>Python's <c>submit(fn, *args)</c>.</summary>
    public abstract Task<T> Submit<T>(Func<T> fn);

    /// <summary>Python's <c>shutdown(wait=True, *, cancel_futures=False)</c>.</summary>
    public abstract void Shutdown(bool wait = true, bool cancelFutures = false);
}
