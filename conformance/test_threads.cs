using AsyncioSharp;
using Xunit;

namespace AsyncioSharp.Conformance;

/// <summary>Ports of CPython's test_asyncio/test_threads.py (asyncio.to_thread).</summary>
public class ToThreadTests : AsyncLoopTestCase
{
    [Fact]
    public void test_to_thread() => RunAsync(async () =>
    {
        var result = await Asyncio.ToThread(() => new[] { 40, 2 }.Sum());
        Assert.Equal(42, result);
    });

    [Fact]
    public void test_to_thread_exception() => RunAsync(async () =>
    {
        var exc = await AssertRaisesAsync<RuntimeError>(() => Asyncio.ToThread(() => throw new RuntimeError("test")));
        Assert.Contains("test", exc.Message);
    });

    [Fact]
    public void test_to_thread_once() => RunAsync(async () =>
    {
        var calls = 0;
        await Asyncio.ToThread(() => Interlocked.Increment(ref calls));
        Assert.Equal(1, calls);
    });

    [Fact]
    public void test_to_thread_concurrent() => RunAsync(async () =>
    {
        var calls = 0;
        var futs = new List<IAwaitable>();
        for (var i = 0; i < 10; i++)
        {
            futs.Add(Asyncio.ToThread(() => { Interlocked.Increment(ref calls); }));
        }
        await Asyncio.Gather(futs.ToArray());
        Assert.Equal(10, calls);
    });

    [Fact]
    public void test_to_thread_args_kwargs() => RunAsync(async () =>
    {
        // Python passes *args/**kwargs through; C# binds them with a lambda (docs/naming.md).
        (string, bool)? calledWith = null;
        void Func(string arg, bool something) => calledWith = (arg, something);
        await Asyncio.ToThread(() => Func("test", something: true));
        Assert.Equal(("test", true), calledWith);
    });

    private static readonly AsyncLocal<string> TestCtx = new();

    [Fact]
    public void test_to_thread_contextvars() => RunAsync(async () =>
    {
        TestCtx.Value = "parrot";
        var result = await Asyncio.ToThread(() => TestCtx.Value);
        Assert.Equal("parrot", result);
    });
}
