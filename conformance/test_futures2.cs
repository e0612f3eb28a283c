using AsyncioSharp;
using Xunit;

namespace AsyncioSharp.Conformance;

/// <summary>CPython's test_futures2.FutureTests (run on the Task classes, as CPython's CFutureTests/PyFutureTests do).</summary>
public class FutureTests : LoopTestCase
{
    private static async Coroutine RaiseExc()
    {
        await Asyncio.Sleep(0);
        throw new TypeError("42");
    }

    private static async Coroutine AwaitFuture(Future future) => await future;

    private async Coroutine AwaitFiveTimes()
    {
        var future = new AsyncioTask(RaiseExc(), Loop);
        var traces = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            var exc = await Assert.ThrowsAsync<TypeError>(async () => await Loop.CreateTask(AwaitFuture(future)));
            traces.Add(exc.StackTrace ?? "");
        }
        // Each await rethrows the task's exception with the trace of where it was raised, not one that grows with
        // every await (Python: the traceback mentions "await future" once).
        Assert.All(traces, t => Assert.Equal(1, t.Split(nameof(AwaitFuture)).Length - 1));
    }

    [Fact]
    public void test_future_traceback()
    {
        Loop.RunUntilComplete(AwaitFiveTimes());
    }
}

/// <summary>CPython's test_futures2.FutureReprTests.</summary>
public class FutureReprTests : LoopTestCase
{
    private static async Coroutine<HashSet<AsyncioTask>> Func()
    {
        await Asyncio.Sleep(0);
        return Asyncio.AllTasks();
    }

    private static async Coroutine<string> Main()
    {
        var tasks = await Asyncio.CreateTask(Func());
        return FormatHelpers.Repr(tasks);
    }

    [Fact]
    public void test_recursive_repr_for_pending_tasks()
    {
        // The set holds the task that returned it: printing the task prints its result, which holds the task again.
        var repr = Loop.RunUntilComplete(Main());
        Assert.Contains("...", repr);
    }
}
