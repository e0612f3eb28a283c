using AsyncioSharp;
using Xunit;

namespace AsyncioSharp.Tests;

public class CoreSmokeTests
{
    [Fact]
    public void call_soon_runs_in_fifo_order()
    {
        var loop = new SelectorEventLoop();
        var seen = new List<int>();
        loop.CallSoon(() => seen.Add(1));
        loop.CallSoon(() => seen.Add(2));
        loop.CallSoon(loop.Stop);
        loop.RunForever();
        loop.Close();
        Assert.Equal(new[] { 1, 2 }, seen);
    }

    private static async Coroutine<int> Add(int a, int b)
    {
        await Asyncio.Sleep(0);
        await Asyncio.Sleep(0.01);
        return a + b;
    }

    private static async Coroutine<int> Outer()
    {
        var x = await Add(1, 2);
        var t = Asyncio.CreateTask(Add(3, 4));
        var y = await t;
        await System.Threading.Tasks.Task.Delay(10);
        var all = await Asyncio.Gather(Add(1, 1), Add(2, 2));
        return x + y + all.Sum(o => (int)o!);
    }

    [Fact]
    public void run_returns_coroutine_result()
    {
        Assert.Equal(16, Asyncio.Run(Outer()));
    }

    private static async Coroutine<string> CancelMe(Future started)
    {
        started.SetResult(null);
        try
        {
            await Asyncio.Sleep(10);
            return "not cancelled";
        }
        catch (CancelledError)
        {
            return "caught";
        }
    }

    private static async Coroutine<string> CancelMain()
    {
        var started = Asyncio.GetRunningLoop().CreateFuture();
        var t = Asyncio.CreateTask(CancelMe(started));
        await started;
        t.Cancel();
        return await t;
    }

    [Fact]
    public void cancel_throws_cancelled_error_at_the_await()
    {
        Assert.Equal("caught", Asyncio.Run(CancelMain()));
    }
}
