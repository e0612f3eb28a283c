using AsyncioSharp;
using Xunit;

namespace AsyncioSharp.Tests.HighLevel;

public class StreamReaderIterationTests
{
    private static async Coroutine<List<string>> ReadLines()
    {
        var reader = new StreamReader();
        var loop = Asyncio.GetRunningLoop();
        loop.CallSoon(() => reader.FeedData("one\ntw"u8));
        loop.CallLater(0.01, () =>
        {
            reader.FeedData("o\nthree"u8);
            reader.FeedEof();
        });
        var lines = new List<string>();
        await foreach (var line in reader)
        {
            lines.Add(System.Text.Encoding.ASCII.GetString(line));
        }
        return lines;
    }

    [Fact]
    public void await_foreach_yields_lines_until_eof()
    {
        Assert.Equal(["one\n", "two\n", "three"], Asyncio.Run(ReadLines()));
    }

    private static async Coroutine<int> LockedCounter()
    {
        var @lock = new Lock();
        var counter = 0;
        async Coroutine Worker()
        {
            for (var i = 0; i < 100; i++)
            {
                await using (await @lock.AEnter())
                {
                    var seen = counter;
                    await Asyncio.Sleep(0);
                    counter = seen + 1;
                }
            }
        }
        await Asyncio.Gather(Worker(), Worker(), Worker());
        return counter;
    }

    [Fact]
    public void await_using_lock_serializes_tasks()
    {
        Assert.Equal(300, Asyncio.Run(LockedCounter()));
    }
}
