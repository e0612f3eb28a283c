using System.Runtime.CompilerServices;
using AsyncioSharp;
using Xunit;

namespace AsyncioSharp.Tests.Tasks;

public class TaskRegistryTests
{
    private static async Coroutine WaitForever(Future never) => await never;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void StartAbandonedTask(SelectorEventLoop loop)
    {
        loop.CreateTask(WaitForever(loop.CreateFuture()), name: "abandoned");
        loop.RunUntilComplete(Asyncio.Sleep(0));
    }

    [Fact]
    public void pending_task_collected_is_reported_as_destroyed()
    {
        var loop = new SelectorEventLoop();
        var contexts = new List<IReadOnlyDictionary<string, object?>>();
        loop.SetExceptionHandler((_, context) => contexts.Add(context));
        StartAbandonedTask(loop);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        loop.RunUntilComplete(Asyncio.Sleep(0));
        loop.Close();
        var report = Assert.Single(contexts);
        Assert.Equal("Task was destroyed but it is pending!", report["message"]);
        Assert.Contains("name='abandoned'", (string)report["task"]!);
    }

    private static async Coroutine<int> AllTasksCount(Future release)
    {
        var count = Asyncio.AllTasks().Count;
        await release;
        return count;
    }

    [Fact]
    public void all_tasks_lists_pending_tasks_only()
    {
        var loop = new SelectorEventLoop();
        var release = loop.CreateFuture();
        var t1 = loop.CreateTask(AllTasksCount(release));
        var t2 = loop.CreateTask(AllTasksCount(release));
        loop.RunUntilComplete(Asyncio.Sleep(0));
        Assert.Equal(new HashSet<AsyncioTask> { t1, t2 }, Asyncio.AllTasks(loop));
        release.SetResult(null);
        loop.RunUntilComplete(t2);
        Assert.Empty(Asyncio.AllTasks(loop));
        // t1, t2 and the task run_until_complete made around Sleep(0) were pending then.
        Assert.Equal(3, t1.Result());
        loop.Close();
    }
}
