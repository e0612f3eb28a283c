using AsyncioSharp;
using Xunit;

namespace AsyncioSharp.Tests.Tasks;

/// <summary>A C# coroutine awaiting a plain .NET task (docs/naming.md, "C# coroutines").</summary>
public class DotNetAwaitTests
{
    [Fact]
    public void await_of_a_dotnet_task_resumes_on_the_loop_thread()
    {
        async Coroutine<(int, bool, AsyncioTask?)> Main()
        {
            var loopThread = Environment.CurrentManagedThreadId;
            var task = Asyncio.CurrentTask();
            var value = await Task.Run(() => 42);
            return (value, Environment.CurrentManagedThreadId == loopThread, Asyncio.CurrentTask() == task ? task : null);
        }

        var (value, sameThread, task) = Asyncio.Run(Main());
        Assert.Equal(42, value);
        Assert.True(sameThread);
        Assert.NotNull(task);
    }

    [Fact]
    public void cancel_while_awaiting_a_dotnet_task_arrives_at_the_next_asyncio_await()
    {
        async Coroutine<string> Worker(Future started, TaskCompletionSource release)
        {
            started.SetResult(null);
            await release.Task;
            try
            {
                // Pending: the cancellation made during the .NET await must cancel this sleep at once.
                await Asyncio.Sleep(30);
                return "slept";
            }
            catch (CancelledError)
            {
                return "cancelled";
            }
        }

        async Coroutine<(string, double)> Main()
        {
            var loop = Asyncio.GetRunningLoop();
            var started = loop.CreateFuture();
            var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var t = Asyncio.CreateTask(Worker(started, release));
            await started;
            var t0 = loop.Time();
            Assert.True(t.Cancel());
            release.SetResult();
            var result = await t;
            return (result, loop.Time() - t0);
        }

        var (result, elapsed) = Asyncio.Run(Main());
        Assert.Equal("cancelled", result);
        Assert.True(elapsed < 5, $"the cancellation took {elapsed} s");
    }

    [Fact]
    public void cancel_while_awaiting_a_dotnet_task_cancels_a_task_that_then_returns()
    {
        async Coroutine<int> Worker(TaskCompletionSource release)
        {
            await release.Task;
            return 1;
        }

        async Coroutine<bool> Main()
        {
            var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var t = Asyncio.CreateTask(Worker(release));
            await Asyncio.Sleep(0);
            t.Cancel();
            release.SetResult();
            try
            {
                await t;
            }
            catch (CancelledError)
            {
            }
            return t.Cancelled();
        }

        Assert.True(Asyncio.Run(Main()));
    }

    [Fact]
    public void wrap_future_makes_a_dotnet_await_cancellable_at_once()
    {
        async Coroutine<string> Worker(Future started)
        {
            started.SetResult(null);
            try
            {
                await Asyncio.WrapFuture(Task.Delay(30_000));
                return "waited";
            }
            catch (CancelledError)
            {
                return "cancelled";
            }
        }

        async Coroutine<string> Main()
        {
            var started = Asyncio.GetRunningLoop().CreateFuture();
            var t = Asyncio.CreateTask(Worker(started));
            await started;
            t.Cancel();
            return await t;
        }

        Assert.Equal("cancelled", Asyncio.Run(Main()));
    }
}
