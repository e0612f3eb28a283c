using AsyncioSharp;
using Xunit;

namespace AsyncioSharp.Conformance;

/// <summary>CPython's test_pep492 <c>LockTests</c>: <c>async with</c> on every lock primitive.</summary>
public partial class LockTests
{
    [Fact]
    public void test_context_manager_async_with()
    {
        var primitives = new ContextManagerMixin[] { new Lock(), new Condition(), new Semaphore(), new BoundedSemaphore() };

        static bool Locked(ContextManagerMixin lk) => lk switch
        {
            Lock l => l.Locked(),
            Condition c => c.Locked(),
            Semaphore s => s.Locked(),
            _ => throw new ArgumentException(lk.GetType().Name),
        };

        async Coroutine Test(ContextManagerMixin lk)
        {
            await Asyncio.Sleep(0.01);
            Assert.False(Locked(lk));
            // Python's `async with lock as _lock` binds None; C#'s AEnter returns the primitive, for `await using`.
            await using (await lk.AEnter())
            {
                Assert.True(Locked(lk));
                await Asyncio.Sleep(0.01);
                Assert.True(Locked(lk));
            }
            Assert.False(Locked(lk));
        }

        foreach (var primitive in primitives)
        {
            Loop.RunUntilComplete(Test(primitive));
            Assert.False(Locked(primitive));
        }
    }
}

/// <summary>CPython's test_pep492 <c>StreamReaderTests</c>: <c>async for</c> over a StreamReader yields its lines.</summary>
public class StreamReaderTests : LoopTestCase
{
    [Fact]
    public void test_readline()
    {
        var stream = new StreamReader(loop: Loop);
        stream.FeedData("line1\nline2\nline3"u8);
        stream.FeedEof();

        async Coroutine<List<string>> Reader()
        {
            var data = new List<string>();
            await foreach (var line in stream)
            {
                data.Add(System.Text.Encoding.ASCII.GetString(line));
            }
            return data;
        }

        var data = Loop.RunUntilComplete(Reader());
        Assert.Equal(new[] { "line1\n", "line2\n", "line3" }, data);
    }
}
