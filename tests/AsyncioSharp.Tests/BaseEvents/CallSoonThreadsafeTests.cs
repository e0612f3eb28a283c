using System.Diagnostics;
using AsyncioSharp;
using Xunit;

namespace AsyncioSharp.Tests.BaseEvents;

/// <summary>call_soon_threadsafe from another thread wakes a loop blocked waiting for I/O at once.</summary>
[Collection(nameof(AloneCollection))]
public class CallSoonThreadsafeTests
{
    [Fact]
    public void call_soon_threadsafe_wakes_a_sleeping_loop_at_once() => TestLoops.With(loop =>
    {
        // Nothing is ready and the only timer is a minute away: the loop blocks in epoll_wait.
        var timer = loop.CallLater(60, loop.Stop);
        var blocked = new ManualResetEventSlim();
        loop.CallSoon(blocked.Set);
        var stopwatch = new Stopwatch();
        var thread = new Thread(() =>
        {
            blocked.Wait();
            // Give the loop time to enter its wait; the wake-up is what is measured.
            Thread.Sleep(100);
            stopwatch.Start();
            loop.CallSoonThreadsafe(loop.Stop);
        });
        thread.Start();
        loop.RunForever();
        stopwatch.Stop();
        thread.Join();
        timer.Cancel();
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(1), $"woke after {stopwatch.Elapsed}");
    });

    [Fact]
    public void callbacks_from_other_threads_all_run_in_their_order() => TestLoops.With(loop =>
    {
        const int perThread = 10_000;
        var seen = new List<(int Thread, int Seq)>();
        var threads = Enumerable.Range(0, 4).Select(t => new Thread(() =>
        {
            for (var i = 0; i < perThread; i++)
            {
                var seq = i;
                loop.CallSoonThreadsafe(() => seen.Add((t, seq)));
            }
        })).ToList();
        var done = loop.CreateFuture();
        var watcher = new Thread(() =>
        {
            threads.ForEach(t => t.Join());
            loop.CallSoonThreadsafe(() => done.SetResult(null));
        });
        threads.ForEach(t => t.Start());
        watcher.Start();
        loop.RunUntilComplete(done);
        watcher.Join();
        Assert.Equal(4 * perThread, seen.Count);
        foreach (var group in seen.GroupBy(s => s.Thread))
        {
            Assert.Equal(Enumerable.Range(0, perThread), group.Select(s => s.Seq));
        }
    });
}
