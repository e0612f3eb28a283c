using System.Runtime.CompilerServices;
using AsyncioSharp;
using Xunit;

namespace AsyncioSharp.Tests.SelectorEvents;

/// <summary>A loop nobody closed releases its fds when collected, as Python's <c>BaseEventLoop.__del__</c> closes it.</summary>
[Collection(nameof(AloneCollection))]
public class UnclosedLoopTests
{
    private static int OpenFdCount() => Directory.GetFiles("/proc/self/fd").Length;

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Abandon()
    {
        var loop = new SelectorEventLoop();
        loop.RunUntilComplete(Asyncio.Sleep(0));
    }

    [Fact]
    public void an_unclosed_loop_releases_its_fds_when_collected()
    {
        Abandon();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var before = OpenFdCount();
        for (var i = 0; i < 10; i++)
        {
            Abandon();
        }
        GC.Collect();
        GC.WaitForPendingFinalizers();
        Assert.True(OpenFdCount() <= before, $"{OpenFdCount() - before} fds left open");
    }
}
