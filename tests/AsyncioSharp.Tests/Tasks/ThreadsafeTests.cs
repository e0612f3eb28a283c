using AsyncioSharp;
using Xunit;

namespace AsyncioSharp.Tests.Tasks;

/// <summary>run_coroutine_threadsafe's .NET task and to_thread's context: the C# side of concurrent futures.</summary>
public class ThreadsafeTests
{
    /// <summary>Runs <paramref name="test"/> on this thread while a loop runs forever on another, as a threaded program does.</summary>
    private static void OnLoopThread(Action<SelectorEventLoop> test)
    {
        var loop = new SelectorEventLoop();
        var thread = new Thread(loop.RunForever);
        thread.Start();
        try
        {
            test(loop);
        }
        finally
        {
            loop.CallSoonThreadsafe(loop.Stop);
            thread.Join();
            loop.Close();
        }
    }

    [Fact]
    public void cancelling_the_token_cancels_the_asyncio_task()
    {
        OnLoopThread(loop =>
        {
            var cancelledInLoop = new TaskCompletionSource<bool>();

            async Coroutine<int> Work()
            {
                try
                {
                    await Asyncio.Sleep(30);
                    return 1;
                }
                catch (CancelledError)
                {
                    cancelledInLoop.SetResult(true);
                    throw;
                }
            }

            using var cts = new CancellationTokenSource();
            var future = Asyncio.RunCoroutineThreadsafe(Work(), loop, cts.Token);
            cts.CancelAfter(10);
            Assert.True(cancelledInLoop.Task.Wait(TimeSpan.FromSeconds(10)));
            var exc = Assert.Throws<AggregateException>(() => future.Wait(TimeSpan.FromSeconds(10)));
            Assert.IsAssignableFrom<TaskCanceledException>(exc.InnerException);
            Assert.True(future.IsCanceled);
        });
    }

    [Fact]
    public void a_cancelled_asyncio_task_cancels_the_dotnet_task()
    {
        OnLoopThread(loop =>
        {
            async Coroutine<int> Work()
            {
                await Asyncio.Sleep(0);
                Asyncio.CurrentTask()!.Cancel();
                await Asyncio.Sleep(0);
                return 1;
            }

            var future = Asyncio.RunCoroutineThreadsafe(Work(), loop);
            Assert.Throws<AggregateException>(() => future.Wait(TimeSpan.FromSeconds(10)));
            Assert.True(future.IsCanceled);
        });
    }

    private static readonly AsyncLocal<string?> Var = new();

    [Fact]
    public void to_thread_changes_to_the_context_do_not_flow_back()
    {
        async Coroutine<(string?, string?)> Main()
        {
            Var.Value = "caller";
            var seen = await Asyncio.ToThread(() =>
            {
                var before = Var.Value;
                Var.Value = "thread";
                return before;
            });
            return (seen, Var.Value);
        }

        Assert.Equal(("caller", "caller"), Asyncio.Run(Main()));
    }
}
