using System.Diagnostics;
using AsyncioSharp;

namespace AsyncioSharp.Bench;

/// <summary>Loop micro-benchmarks: the same work as bench/micro.py, reported as operations per second.</summary>
public static class Micro
{
    private static async Coroutine<double> CallSoon(int n)
    {
        var loop = Asyncio.GetRunningLoop();
        var done = loop.CreateFuture();
        var count = 0;
        void Cb()
        {
            if (++count == n)
            {
                done.SetResult(null);
            }
        }
        Action cb = Cb;
        var t0 = Stopwatch.GetTimestamp();
        for (var i = 0; i < n; i++)
        {
            loop.CallSoon(cb);
        }
        await done;
        return Stopwatch.GetElapsedTime(t0).TotalSeconds;
    }

    private static async Coroutine Noop()
    {
    }

    private static async Coroutine<double> Tasks(int n)
    {
        var loop = Asyncio.GetRunningLoop();
        var t0 = Stopwatch.GetTimestamp();
        var tasks = new IAwaitable[n];
        for (var i = 0; i < n; i++)
        {
            tasks[i] = loop.CreateTask(Noop());
        }
        await Asyncio.Gather(tasks);
        return Stopwatch.GetElapsedTime(t0).TotalSeconds;
    }

    private static async Coroutine<double> FutureRoundtrip(int n)
    {
        var loop = Asyncio.GetRunningLoop();
        var t0 = Stopwatch.GetTimestamp();
        for (var i = 0; i < n; i++)
        {
            var fut = loop.CreateFuture();
            loop.CallSoon(() => fut.SetResult(null));
            await fut;
        }
        return Stopwatch.GetElapsedTime(t0).TotalSeconds;
    }

    private static async Coroutine<double> Sleep0(int n)
    {
        var t0 = Stopwatch.GetTimestamp();
        for (var i = 0; i < n; i++)
        {
            await Asyncio.Sleep(0);
        }
        return Stopwatch.GetElapsedTime(t0).TotalSeconds;
    }

    private static readonly (string Name, Func<int, Coroutine<double>> Fn, int N)[] Benches =
    {
        ("call_soon", CallSoon, 1_000_000),
        ("tasks", Tasks, 200_000),
        ("future_roundtrip", FutureRoundtrip, 200_000),
        ("sleep0", Sleep0, 500_000),
    };

    private static async Coroutine<Dictionary<string, double>> RunAll(string? only)
    {
        var results = new Dictionary<string, double>();
        foreach (var (name, fn, n) in Benches.Where(b => only is null || b.Name == only))
        {
            // Warm up for a second: tiered compilation promotes hot methods to optimized code after a delay,
            // and CPython, which has no JIT, has no such start-up phase to leave out.
            var warmUntil = Stopwatch.GetTimestamp() + Stopwatch.Frequency;
            do
            {
                await fn(n);
            }
            while (Stopwatch.GetTimestamp() < warmUntil);
            var best = double.MaxValue;
            for (var i = 0; i < 3; i++)
            {
                best = Math.Min(best, await fn(n));
            }
            results[name] = n / best;
        }
        return results;
    }

    /// <summary>Runs every micro-benchmark (or the one named) and returns operations per second by name.</summary>
    public static Dictionary<string, double> Run(string? only) => Asyncio.Run(RunAll(only));
}
