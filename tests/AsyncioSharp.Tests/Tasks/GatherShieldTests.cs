using AsyncioSharp;
using Xunit;

namespace AsyncioSharp.Tests.Tasks;

/// <summary>The typed overloads of gather/shield/wait_for: same semantics as the untyped ones, typed results.</summary>
public class GatherShieldTests
{
    [Fact]
    public void typed_gather_refuses_cancel_once_its_children_are_done()
    {
        async Coroutine<(bool, int[])> Main()
        {
            var loop = (BaseEventLoop)Asyncio.GetRunningLoop();
            var fut = loop.CreateFuture<int>();

            async Coroutine<int> Child() => await fut;

            var gathering = Asyncio.Gather(new IAwaitable<int>[] { Child() });
            // Let the child start awaiting fut, so it wakes up before the callback below runs.
            await Asyncio.Sleep(0);
            bool? cancelResult = null;
            fut.AddDoneCallback(_ => cancelResult = gathering.Cancel());
            fut.SetResult(1);
            var results = await gathering;
            return (cancelResult!.Value, results);
        }

        var (cancelled, results) = Asyncio.Run(Main());
        Assert.False(cancelled);
        Assert.Equal(new[] { 1 }, results);
    }

    [Fact]
    public void typed_gather_cancel_cancels_children_and_raises_cancelled_error()
    {
        async Coroutine<bool> Main()
        {
            var child = Asyncio.CreateTask(Asyncio.Sleep(30, 1));
            var gathering = Asyncio.Gather(new IAwaitable<int>[] { child });
            await Asyncio.Sleep(0);
            Assert.True(gathering.Cancel());
            try
            {
                await gathering;
            }
            catch (CancelledError)
            {
                return child.Cancelled();
            }
            return false;
        }

        Assert.True(Asyncio.Run(Main()));
    }

    [Fact]
    public void typed_gather_with_return_exceptions_needs_a_type_that_holds_them()
    {
        async Coroutine<int> Crash()
        {
            await Asyncio.Sleep(0);
            throw new ValueError("x");
        }

        async Coroutine<string> Main()
        {
            try
            {
                await Asyncio.Gather(new IAwaitable<int>[] { Crash() }, returnExceptions: true);
            }
            catch (TypeError exc)
            {
                return exc.Message;
            }
            return "no error";
        }

        Assert.Contains("gather() got an exception among results of type Int32", Asyncio.Run(Main()));
    }

    [Fact]
    public void typed_shield_of_a_finished_task_gives_its_result()
    {
        async Coroutine<int> Main()
        {
            var task = Asyncio.CreateTask(Asyncio.Sleep(0, 3));
            await task;
            return await Asyncio.Shield(task);
        }

        Assert.Equal(3, Asyncio.Run(Main()));
    }

    [Fact]
    public void typed_wait_for_returns_the_typed_result()
    {
        async Coroutine<string> Main() => await Asyncio.WaitFor(Asyncio.Sleep(0.01, "done"), 10);

        Assert.Equal("done", Asyncio.Run(Main()));
    }
}
