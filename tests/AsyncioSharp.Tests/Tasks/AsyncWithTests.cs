using AsyncioSharp;
using Xunit;

namespace AsyncioSharp.Tests.Tasks;

/// <summary>
/// <c>async with</c> for Timeout and TaskGroup written as C#'s <c>await using</c>, which gives the exit no exception
/// (docs/naming.md): the cases that still behave as Python's.
/// </summary>
public class AsyncWithTests
{
    [Fact]
    public void await_using_timeout_raises_timeout_error_when_it_expires()
    {
        async Coroutine<bool> Main()
        {
            var cm = Asyncio.Timeout(0.01);
            try
            {
                await using (await cm.AEnter())
                {
                    await Asyncio.Sleep(10);
                }
            }
            catch (TimeoutError exc)
            {
                Assert.IsType<CancelledError>(exc.InnerException);
                return cm.Expired();
            }
            return false;
        }

        Assert.True(Asyncio.Run(Main()));
    }

    [Fact]
    public void await_using_timeout_that_does_not_expire_changes_nothing()
    {
        async Coroutine<int> Main()
        {
            await using (await Asyncio.Timeout(10).AEnter())
            {
                await Asyncio.Sleep(0);
            }
            return Asyncio.CurrentTask()!.Cancelling();
        }

        Assert.Equal(0, Asyncio.Run(Main()));
    }

    [Fact]
    public void await_using_task_group_waits_for_its_tasks()
    {
        async Coroutine<int> Main()
        {
            AsyncioTask<int> t;
            await using (var tg = await new TaskGroup().AEnter())
            {
                t = tg.CreateTask(Asyncio.Sleep(0.01, 7));
            }
            return t.Result();
        }

        Assert.Equal(7, Asyncio.Run(Main()));
    }

    [Fact]
    public void await_using_task_group_cancels_its_tasks_when_the_parent_is_cancelled()
    {
        AsyncioTask? child = null;

        async Coroutine Body()
        {
            await using var tg = await new TaskGroup().AEnter();
            child = tg.CreateTask(Asyncio.Sleep(30));
            await Asyncio.Sleep(30);
        }

        async Coroutine<bool> Main()
        {
            var parent = Asyncio.CreateTask(Body());
            await Asyncio.Sleep(0.01);
            parent.Cancel();
            try
            {
                await parent;
            }
            catch (CancelledError)
            {
            }
            return parent.Cancelled() && child!.Cancelled();
        }

        Assert.True(Asyncio.Run(Main()));
    }

    [Fact]
    public void await_using_task_group_raises_the_exception_group_of_its_tasks()
    {
        async Coroutine Crash()
        {
            await Asyncio.Sleep(0.01);
            throw new ValueError("boom");
        }

        async Coroutine<string> Main()
        {
            try
            {
                await using var tg = await new TaskGroup().AEnter();
                tg.CreateTask(Crash());
                await Asyncio.Sleep(30);
            }
            catch (ExceptionGroup eg)
            {
                return eg.Message + ": " + eg.Exceptions[0].Message;
            }
            return "nothing raised";
        }

        Assert.Equal("unhandled errors in a TaskGroup (1 sub-exception): boom", Asyncio.Run(Main()));
    }

    [Fact]
    public void run_with_a_result_returns_the_body_result()
    {
        async Coroutine<int> Main() => await Asyncio.Timeout(10).Run(async _ =>
        {
            await Asyncio.Sleep(0);
            return 5;
        });

        Assert.Equal(5, Asyncio.Run(Main()));
    }
}
