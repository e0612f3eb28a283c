using AsyncioSharp;
using Xunit;

namespace AsyncioSharp.Tests.Futures;

/// <summary>Awaiting an asyncio Future from a thread that is not the loop's (a plain .NET async method) is safe.</summary>
public class ForeignThreadAwaitTests
{
    /// <summary>Starts <paramref name="awaiter"/> on the thread pool, completes the future from a loop callback, and runs the loop until the awaiter is done.</summary>
    private static T AwaitFromPool<T>(Func<Future, Task<T>> awaiter, Action<Future> complete) => TestLoops.With(loop =>
    {
        var future = loop.CreateFuture();
        var waiter = Task.Run(() => awaiter(future));
        var done = loop.CreateFuture();
        loop.CallLater(0.05, () => complete(future));
        waiter.ContinueWith(_ => loop.CallSoonThreadsafe(() => done.SetResult(null)));
        loop.RunUntilComplete(done);
        return waiter.Result;
    });

    private static async Task<(object? Result, int Thread)> AwaitResult(Future future)
    {
        await Task.Yield();
        var result = await future;
        return (result, Environment.CurrentManagedThreadId);
    }

    [Fact]
    public void a_future_awaited_from_another_thread_resumes_off_the_loop_with_its_result()
    {
        var (result, thread) = AwaitFromPool(AwaitResult, f => f.SetResult(42));
        Assert.Equal(42, result);
        Assert.NotEqual(Environment.CurrentManagedThreadId, thread);
    }

    private static async Task<Exception?> AwaitFailure(Future future)
    {
        await Task.Yield();
        try
        {
            await future;
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }

    [Fact]
    public void a_failed_future_raises_in_the_foreign_awaiter()
    {
        var error = Assert.IsType<ValueError>(AwaitFromPool(AwaitFailure, f => f.SetException(new ValueError("boom"))));
        Assert.Equal("boom", error.Message);
    }
}
