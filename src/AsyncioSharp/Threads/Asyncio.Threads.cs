using System;
using System.Threading;

namespace AsyncioSharp;

public static partial class Asyncio
{
    /// <summary>
    /// Python's <c>asyncio.to_thread(func, /, *args, **kwargs)</c>: runs <paramref name="func"/> in the loop's default
    /// executor, in a copy of the current context (Python's <c>contextvars.copy_context()</c>: the thread sees the
    /// caller's <see cref="AsyncLocal{T}"/> values; its changes do not flow back), and returns its result.
    /// </summary>
    public static async Coroutine<T> ToThread<T>(Func<T> func)
    {
        var loop = (BaseEventLoop)GetRunningLoop();
        var ctx = ExecutionContext.Capture();
        return await loop.RunInExecutor(null, () => RunInContext(ctx, func));
    }

    /// <summary>Python's <c>asyncio.to_thread(func)</c> for a function without a result.</summary>
    public static Coroutine ToThread(Action func) => ToThread<object?>(() =>
    {
        func();
        return null;
    });

    private static T RunInContext<T>(ExecutionContext? ctx, Func<T> func)
    {
        if (ctx is null)
        {
            return func();
        }
        var result = default(T)!;
        ExecutionContext.Run(ctx, _ => result = func(), null);
        return result;
    }
}
