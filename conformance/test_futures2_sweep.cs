using AsyncioSharp;
using Xunit;

namespace AsyncioSharp.Conformance;

/// <summary>
/// CPython's test_futures2 <c>FutureTests</c> (run there for the C and the Python Task; C# has one Task). A stored
/// exception raised again by each await must not pile up the earlier awaits' frames in its traceback.
/// </summary>
public class FutureTests : AsyncLoopTestCase
{
    private static async Coroutine RaiseExc()
    {
        await Asyncio.Sleep(0);
        throw new TypeError("42");
    }

    [Fact]
    public void test_future_traceback()
    {
        RunAsync(async () =>
        {
            var future = Loop.CreateTask(RaiseExc());
            for (var i = 0; i < 5; i++)
            {
                try
                {
                    await AwaitFuture(future);
                    throw new Xunit.Sdk.XunitException("TypeError was not raised");
                }
                catch (TypeError e)
                {
                    var tb = e.StackTrace ?? "";
                    Assert.Equal(1, CountOf(tb, nameof(AwaitFuture)));
                }
            }
        });
    }

    // The frame that does "await future", so the traceback can be searched for it like CPython's text.
    private static async Coroutine AwaitFuture(AsyncioTask future) => await future;

    private static int CountOf(string text, string word)
    {
        var count = 0;
        for (var at = text.IndexOf(word, StringComparison.Ordinal); at >= 0; at = text.IndexOf(word, at + word.Length, StringComparison.Ordinal))
        {
            count++;
        }
        return count;
    }
}

/// <summary>CPython's test_futures2 <c>FutureReprTests</c>.</summary>
public class FutureReprTests : AsyncLoopTestCase
{
    [Fact]
    public void test_recursive_repr_for_pending_tasks()
    {
        // The repr of a task whose result holds the task itself must not recurse forever (bpo-42183).
#pragma warning disable CS1998
        static async Coroutine<HashSet<AsyncioTask>> Func() => Asyncio.AllTasks();
#pragma warning restore CS1998

        RunAsync(async () =>
        {
            var tasks = await Asyncio.WaitFor(Func(), 10);
            Assert.Contains("...", FormatHelpers.Repr(tasks));
        });
    }
}
