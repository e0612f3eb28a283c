using AsyncioSharp;
using Xunit;

namespace AsyncioSharp.Tests.Futures;

/// <summary>Awaiting an asyncio Future from a thread that is not the loop's (a plain .NET async method) is safe.</summary>
public class ForeignThreadAwaitTests
{
    private static async Task<(object? Result, int Thread)> AwaitFromPool(Future future)
    {
        await Task.Yield();
        var result = await future;
        return (result, Environment.CurrentManagedThreadId);
    }

    [Fact]
    public void a_future_awaited_from_another_thread_resumes_off_the_loop_with_its_result()
    {
        var loop = new SelectorEventLoop();
        try
        {
            var future = loop.CreateFuture();
            var waiter = Task.Run(() => AwaitFromPool(future));
            var done = loop.CreateFuture();
            loop.CallLater(0.05, () => future.SetResult(42));
            var watcher = waiter.ContinueWith(_ => loop.CallSoonThreadsafe(() => done.SetResult(null)));
            loop.RunUntilComplete(done);
            var (result, thread) = waiter.Result;
            Assert.Equal(42, result);
            Assert.NotEqual(Environment.CurrentManagedThreadId, thread);
            watcher.Wait();
        }
        finally
        {
            loop.Close();
        }
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
        var loop = new SelectorEventLoop();
        try
        {
            var future = loop.CreateFuture();
            var waiter = Task.Run(() => AwaitFailure(future));
            var done = loop.CreateFuture();
            loop.CallLater(0.05, () => future.SetException(new ValueError("boom")));
            waiter.ContinueWith(_ => loop.CallSoonThreadsafe(() => done.SetResult(null)));
            loop.RunUntilComplete(done);
            var error = Assert.IsType<ValueError>(waiter.Result);
            Assert.Equal("boom", error.Message);
        }
        finally
        {
            loop.Close();
        }
    }
}
