using AsyncioSharp;
using Xunit;

namespace AsyncioSharp.Conformance;

/// <summary>CPython's test_pep492 <c>CoroutineTests</c>: the coroutine protocol, for C#'s <c>async Coroutine</c> methods.</summary>
public class CoroutineTests : LoopTestCase
{
#pragma warning disable CS1998
    private static async Coroutine Foo()
    {
    }

    private static async Coroutine<string> Bar() => "spam";
#pragma warning restore CS1998

    private static async Coroutine<string> FooBar() => await Bar();

    [Fact]
    public void test_iscoroutine()
    {
        var f = Foo();
        Assert.True(Asyncio.Iscoroutine(f));
        // Neither a future nor an arbitrary object is a coroutine.
        Assert.False(Asyncio.Iscoroutine(Loop.CreateFuture()));
        Assert.False(Asyncio.Iscoroutine(new object()));
    }

    [Fact]
    public void test_iscoroutinefunction()
    {
        Assert.True(Asyncio.Iscoroutinefunction(Foo));
        Assert.True(Asyncio.Iscoroutinefunction(new Func<Coroutine<string>>(Bar)));
        Assert.False(Asyncio.Iscoroutinefunction(new Action(() => { })));
    }

    [Fact]
    public void test_async_def_coroutines()
    {
        // production mode
        Assert.Equal("spam", Loop.RunUntilComplete(FooBar()));

        // debug mode
        Loop.SetDebug(true);
        Assert.Equal("spam", Loop.RunUntilComplete(FooBar()));
    }

    [Fact]
    public void test_double_await()
    {
        async Coroutine Afunc() => await Asyncio.Sleep(0.1);

        async Coroutine Runner()
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

        Loop.SetDebug(true);
        var exc = Assert.Throws<RuntimeError>(() => Loop.RunUntilComplete(Runner()));
        Assert.Equal("coroutine is being awaited already", exc.Message);
    }
}
