using AsyncioSharp;
using Xunit;

namespace AsyncioSharp.Conformance;

/// <summary>CPython's test_pep492.CoroutineTests: C# async methods as asyncio coroutines.</summary>
public class CoroutineTests : LoopTestCase
{
    private static async Coroutine Foo() => await Asyncio.Sleep(0);

    [Fact]
    public void test_iscoroutine()
    {
        var f = Foo();
        Assert.True(Asyncio.Iscoroutine(f));
        Assert.False(Asyncio.Iscoroutine(new Future(Loop)));
        Assert.False(Asyncio.Iscoroutine(null));
    }

    [Fact]
    public void test_iscoroutinefunction()
    {
        Assert.True(Asyncio.Iscoroutinefunction(Foo));
        Assert.False(Asyncio.Iscoroutinefunction(() => { }));
    }

    private static async Coroutine<string> Bar()
    {
        await Asyncio.Sleep(0);
        return "spam";
    }

    private static async Coroutine<string> FooBar() => await Bar();

    [Fact]
    public void test_async_def_coroutines()
    {
        Assert.Equal("spam", Loop.RunUntilComplete(FooBar()));
        Loop.SetDebug(true);
        Assert.Equal("spam", Loop.RunUntilComplete(FooBar()));
        Loop.SetDebug(false);
    }

    private static async Coroutine Afunc() => await Asyncio.Sleep(0.1);

    private async Coroutine DoubleAwaitRunner()
    {
        var coro = Afunc();
        var t = Loop.CreateTask(coro);
        try
        {
            await Asyncio.Sleep(0);
            await coro;
        }
        finally
        {
            t.Cancel();
        }
    }

    [Fact]
    public void test_double_await()
    {
        Loop.SetDebug(true);
        var exc = Assert.Throws<RuntimeError>(() => Loop.RunUntilComplete(DoubleAwaitRunner()));
        Assert.Equal("coroutine is being awaited already", exc.Message);
        Loop.SetDebug(false);
    }
}
