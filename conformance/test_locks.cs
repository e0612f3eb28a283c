using System.Text.RegularExpressions;
using AsyncioSharp;
using Xunit;

namespace AsyncioSharp.Conformance;

internal static class LockRepr
{
    /// <summary>CPython's RGX_REPR.</summary>
    internal static readonly Regex Rgx = new(
        @"^<(?<class>.*?) object at (?<address>.*?)\[(?<extras>(set|unset|locked|unlocked|filling|draining|resetting|broken)(, value:\d)?(, waiters:\d+)?(, waiters:\d+\/\d+)?)\]>\z");
}

public partial class LockTests : AsyncLoopTestCase
{
    [Fact]
    public void test_repr() => RunAsync(async () =>
    {
        var @lock = new Lock();
        Assert.EndsWith("[unlocked]>", @lock.ToString());
        Assert.Matches(LockRepr.Rgx, @lock.ToString());
        await @lock.Acquire();
        Assert.EndsWith("[locked]>", @lock.ToString());
        Assert.Matches(LockRepr.Rgx, @lock.ToString());
    });

    [Fact]
    public void test_acquire() => RunAsync(async () =>
    {
        var @lock = new Lock();
        var result = new List<int>();
        Assert.True(await @lock.Acquire());
        async Coroutine<bool> C(int n)
        {
            if (await @lock.Acquire())
            {
                result.Add(n);
            }
            return true;
        }
        var t1 = Asyncio.CreateTask(C(1));
        var t2 = Asyncio.CreateTask(C(2));
        await Asyncio.Sleep(0);
        Assert.Empty(result);
        @lock.Release();
        await Asyncio.Sleep(0);
        Assert.Equal([1], result);
        await Asyncio.Sleep(0);
        Assert.Equal([1], result);
        var t3 = Asyncio.CreateTask(C(3));
        @lock.Release();
        await Asyncio.Sleep(0);
        Assert.Equal([1, 2], result);
        @lock.Release();
        await Asyncio.Sleep(0);
        Assert.Equal([1, 2, 3], result);
        foreach (var t in new[] { t1, t2, t3 })
        {
            Assert.True(t.Done());
            Assert.True(t.Result());
        }
    });

    [Fact]
    public void test_acquire_cancel() => RunAsync(async () =>
    {
        var @lock = new Lock();
        Assert.True(await @lock.Acquire());
        var task = Asyncio.CreateTask(@lock.Acquire());
        Asyncio.GetRunningLoop().CallSoon(() => task.Cancel());
        await AssertRaisesAsync<CancelledError>(async () => await task);
        Assert.Empty(@lock.Waiters);
    });

    [Fact]
    public void test_cancel_race() => RunAsync(async () =>
    {
        var @lock = new Lock();
        async Coroutine Lockit(Future? blocker)
        {
            await @lock.Acquire();
            try
            {
                if (blocker is not null)
                {
                    await blocker;
                }
            }
            finally
            {
                @lock.Release();
            }
        }
        var fa = Asyncio.GetRunningLoop().CreateFuture();
        var ta = Asyncio.CreateTask(Lockit(fa));
        await Asyncio.Sleep(0);
        Assert.True(@lock.Locked());
        var tb = Asyncio.CreateTask(Lockit(null));
        await Asyncio.Sleep(0);
        Assert.Single(@lock.Waiters);
        var tc = Asyncio.CreateTask(Lockit(null));
        await Asyncio.Sleep(0);
        Assert.Equal(2, @lock.Waiters.Count);
        fa.SetResult(null);
        tb.Cancel();
        Assert.True(@lock.Waiters.First().Cancelled());
        await Asyncio.Sleep(0);
        Assert.False(@lock.Locked());
        Assert.True(ta.Done());
        Assert.True(tb.Cancelled());
        await tc;
    });

    [Fact]
    public void test_cancel_release_race() => RunAsync(async () =>
    {
        var loop = Asyncio.GetRunningLoop();
        var @lock = new Lock();
        int lockCount = 0, callCount = 0;
        async Coroutine Lockit()
        {
            callCount++;
            await @lock.Acquire();
            lockCount++;
        }
        await @lock.Acquire();
        var t1 = Asyncio.CreateTask(Lockit());
        var t2 = Asyncio.CreateTask(Lockit());
        var t3 = Asyncio.CreateTask(Lockit());
        await Asyncio.Sleep(0);
        loop.CallSoon(() =>
        {
            t1.Cancel();
            @lock.Release();
        });
        await AssertRaisesAsync<CancelledError>(async () => await t1);
        Assert.Equal(1, lockCount);
        Assert.Equal(3, callCount);
        Assert.True(t1.Cancelled() && t2.Done());
        t3.Cancel();
        await Asyncio.Sleep(0);
        Assert.True(t3.Cancelled());
    });

    [Fact]
    public void test_finished_waiter_cancelled() => RunAsync(async () =>
    {
        var @lock = new Lock();
        await @lock.Acquire();
        Assert.True(@lock.Locked());
        var tb = Asyncio.CreateTask(@lock.Acquire());
        await Asyncio.Sleep(0);
        Assert.Single(@lock.Waiters);
        var tc = Asyncio.CreateTask(@lock.Acquire());
        tb.Cancel();
        @lock.Release();
        await Asyncio.Sleep(0);
        Assert.True(@lock.Locked());
        Assert.True(tb.Cancelled());
        await tc;
    });

    [Fact]
    public void test_release_not_acquired() => RunAsync(async () =>
    {
        var @lock = new Lock();
        Assert.Throws<RuntimeError>(@lock.Release);
        await Asyncio.Sleep(0);
    });

    [Fact]
    public void test_release_no_waiters() => RunAsync(async () =>
    {
        var @lock = new Lock();
        await @lock.Acquire();
        Assert.True(@lock.Locked());
        @lock.Release();
        Assert.False(@lock.Locked());
    });

    [Fact]
    public void test_context_manager() => RunAsync(async () =>
    {
        var @lock = new Lock();
        Assert.False(@lock.Locked());
        await using (await @lock.AEnter())
        {
            Assert.True(@lock.Locked());
        }
        Assert.False(@lock.Locked());
    });
}

public class EventTests : AsyncLoopTestCase
{
    [Fact]
    public void test_repr()
    {
        var ev = new Event();
        Assert.EndsWith("[unset]>", ev.ToString());
        Assert.Equal("unset", LockRepr.Rgx.Match(ev.ToString()).Groups["extras"].Value);
        ev.Set();
        Assert.EndsWith("[set]>", ev.ToString());
        Assert.Matches(LockRepr.Rgx, ev.ToString());
    }

    [Fact]
    public void test_wait() => RunAsync(async () =>
    {
        var ev = new Event();
        Assert.False(ev.IsSet());
        var result = new List<int>();
        async Coroutine C(int n)
        {
            if (await ev.Wait())
            {
                result.Add(n);
            }
        }
        var t1 = Asyncio.CreateTask(C(1));
        var t2 = Asyncio.CreateTask(C(2));
        await Asyncio.Sleep(0);
        Assert.Empty(result);
        var t3 = Asyncio.CreateTask(C(3));
        ev.Set();
        await Asyncio.Sleep(0);
        Assert.Equal([3, 1, 2], result);
        foreach (var t in new[] { t1, t2, t3 })
        {
            Assert.True(t.Done());
            Assert.Null(t.Result());
        }
    });

    [Fact]
    public void test_wait_on_set() => RunAsync(async () =>
    {
        var ev = new Event();
        ev.Set();
        Assert.True(await ev.Wait());
    });

    [Fact]
    public void test_wait_cancel() => RunAsync(async () =>
    {
        var ev = new Event();
        var wait = Asyncio.CreateTask(ev.Wait());
        Asyncio.GetRunningLoop().CallSoon(() => wait.Cancel());
        await AssertRaisesAsync<CancelledError>(async () => await wait);
        Assert.Empty(ev.Waiters);
    });

    [Fact]
    public void test_clear() => RunAsync(async () =>
    {
        var ev = new Event();
        Assert.False(ev.IsSet());
        ev.Set();
        Assert.True(ev.IsSet());
        ev.Clear();
        Assert.False(ev.IsSet());
        await Asyncio.Sleep(0);
    });

    [Fact]
    public void test_clear_with_waiters() => RunAsync(async () =>
    {
        var ev = new Event();
        var result = new List<int>();
        async Coroutine<bool> C1()
        {
            if (await ev.Wait())
            {
                result.Add(1);
            }
            return true;
        }
        var t = Asyncio.CreateTask(C1());
        await Asyncio.Sleep(0);
        Assert.Empty(result);
        ev.Set();
        ev.Clear();
        Assert.False(ev.IsSet());
        ev.Set();
        ev.Set();
        Assert.Single(ev.Waiters);
        await Asyncio.Sleep(0);
        Assert.Equal([1], result);
        Assert.Empty(ev.Waiters);
        Assert.True(t.Done());
        Assert.True(t.Result());
    });
}

public class ConditionTests : AsyncLoopTestCase
{
    [Fact]
    public void test_wait() => RunAsync(async () =>
    {
        var cond = new Condition();
        var result = new List<int>();
        async Coroutine<bool> C(int n)
        {
            await cond.Acquire();
            if (await cond.Wait())
            {
                result.Add(n);
            }
            return true;
        }
        var t1 = Asyncio.CreateTask(C(1));
        var t2 = Asyncio.CreateTask(C(2));
        var t3 = Asyncio.CreateTask(C(3));
        await Asyncio.Sleep(0);
        Assert.Empty(result);
        Assert.False(cond.Locked());
        Assert.True(await cond.Acquire());
        cond.Notify();
        await Asyncio.Sleep(0);
        Assert.Empty(result);
        Assert.True(cond.Locked());
        cond.Release();
        await Asyncio.Sleep(0);
        Assert.Equal([1], result);
        Assert.True(cond.Locked());
        cond.Notify(2);
        await Asyncio.Sleep(0);
        Assert.Equal([1], result);
        Assert.True(cond.Locked());
        cond.Release();
        await Asyncio.Sleep(0);
        Assert.Equal([1, 2], result);
        Assert.True(cond.Locked());
        cond.Release();
        await Asyncio.Sleep(0);
        Assert.Equal([1, 2, 3], result);
        Assert.True(cond.Locked());
        foreach (var t in new[] { t1, t2, t3 })
        {
            Assert.True(t.Done());
            Assert.True(t.Result());
        }
    });

    [Fact]
    public void test_wait_cancel() => RunAsync(async () =>
    {
        var cond = new Condition();
        await cond.Acquire();
        var wait = Asyncio.CreateTask(cond.Wait());
        Asyncio.GetRunningLoop().CallSoon(() => wait.Cancel());
        await AssertRaisesAsync<CancelledError>(async () => await wait);
        Assert.Empty(cond.Waiters);
        Assert.True(cond.Locked());
    });

    [Fact]
    public void test_wait_cancel_contested() => RunAsync(async () =>
    {
        var cond = new Condition();
        await cond.Acquire();
        Assert.True(cond.Locked());
        var waitTask = Asyncio.CreateTask(cond.Wait());
        await Asyncio.Sleep(0);
        Assert.False(cond.Locked());
        await cond.Acquire();
        Assert.True(cond.Locked());
        cond.Notify();
        Asyncio.GetRunningLoop().CallSoon(() => waitTask.Cancel());
        Asyncio.GetRunningLoop().CallSoon(cond.Release);
        try
        {
            await waitTask;
        }
        catch (CancelledError)
        {
        }
        Assert.True(cond.Locked());
    });

    [Fact]
    public void test_wait_cancel_after_notify() => RunAsync(async () =>
    {
        var waited = false;
        var cond = new Condition();
        async Coroutine WaitOnCond()
        {
            await using (await cond.AEnter())
            {
                waited = true;
                await cond.Wait();
            }
        }
        var waiter = Asyncio.CreateTask(WaitOnCond());
        await Asyncio.Sleep(0);
        await cond.Acquire();
        cond.Notify();
        await Asyncio.Sleep(0);
        waiter.Cancel();
        await Asyncio.Sleep(0);
        cond.Release();
        await Asyncio.Sleep(0);
        Assert.True(waiter.Cancelled());
        Assert.True(waited);
    });

    [Fact]
    public void test_wait_unacquired() => RunAsync(async () =>
    {
        var cond = new Condition();
        await AssertRaisesAsync<RuntimeError>(async () => await cond.Wait());
    });

    [Fact]
    public void test_wait_for() => RunAsync(async () =>
    {
        var cond = new Condition();
        var presult = false;
        var result = new List<int>();
        async Coroutine<bool> C1()
        {
            await cond.Acquire();
            if (await cond.WaitFor(() => presult))
            {
                result.Add(1);
                cond.Release();
            }
            return true;
        }
        var t = Asyncio.CreateTask(C1());
        await Asyncio.Sleep(0);
        Assert.Empty(result);
        await cond.Acquire();
        cond.Notify();
        cond.Release();
        await Asyncio.Sleep(0);
        Assert.Empty(result);
        presult = true;
        await cond.Acquire();
        cond.Notify();
        cond.Release();
        await Asyncio.Sleep(0);
        Assert.Equal([1], result);
        Assert.True(t.Done());
        Assert.True(t.Result());
    });

    [Fact]
    public void test_wait_for_unacquired() => RunAsync(async () =>
    {
        var cond = new Condition();
        Assert.True(await cond.WaitFor(() => true));
        await AssertRaisesAsync<RuntimeError>(async () => await cond.WaitFor(() => false));
    });

    [Fact]
    public void test_notify() => RunAsync(async () =>
    {
        var cond = new Condition();
        var result = new List<int>();
        async Coroutine<bool> C(int n)
        {
            await cond.Acquire();
            if (await cond.Wait())
            {
                result.Add(n);
                cond.Release();
            }
            return true;
        }
        var tasks = new[] { Asyncio.CreateTask(C(1)), Asyncio.CreateTask(C(2)), Asyncio.CreateTask(C(3)) };
        await Asyncio.Sleep(0);
        Assert.Empty(result);
        await cond.Acquire();
        cond.Notify(1);
        cond.Release();
        await Asyncio.Sleep(0);
        Assert.Equal([1], result);
        await cond.Acquire();
        cond.Notify(1);
        cond.Notify(2048);
        cond.Release();
        await Asyncio.Sleep(0);
        Assert.Equal([1, 2, 3], result);
        Assert.All(tasks, t => Assert.True(t.Result()));
    });

    [Fact]
    public void test_notify_all() => RunAsync(async () =>
    {
        var cond = new Condition();
        var result = new List<int>();
        async Coroutine<bool> C(int n)
        {
            await cond.Acquire();
            if (await cond.Wait())
            {
                result.Add(n);
                cond.Release();
            }
            return true;
        }
        var tasks = new[] { Asyncio.CreateTask(C(1)), Asyncio.CreateTask(C(2)) };
        await Asyncio.Sleep(0);
        Assert.Empty(result);
        await cond.Acquire();
        cond.NotifyAll();
        cond.Release();
        await Asyncio.Sleep(0);
        Assert.Equal([1, 2], result);
        Assert.All(tasks, t => Assert.True(t.Result()));
    });

    [Fact]
    public void test_notify_unacquired() => Assert.Throws<RuntimeError>(() => new Condition().Notify());

    [Fact]
    public void test_notify_all_unacquired() => Assert.Throws<RuntimeError>(() => new Condition().NotifyAll());

    [Fact]
    public void test_repr() => RunAsync(async () =>
    {
        var cond = new Condition();
        Assert.Contains("unlocked", cond.ToString());
        Assert.Matches(LockRepr.Rgx, cond.ToString());
        await cond.Acquire();
        Assert.Contains("locked", cond.ToString());
        var waiter = Asyncio.CreateTask(cond.Wait());
        await Asyncio.Sleep(0);
        Assert.Contains("waiters:1", cond.ToString());
        Assert.Matches(LockRepr.Rgx, cond.ToString());
        waiter.Cancel();
        await AssertRaisesAsync<CancelledError>(async () => await waiter);
    });

    [Fact]
    public void test_timeout_in_block() => RunAsync(async () =>
    {
        var condition = new Condition();
        await using (await condition.AEnter())
        {
            await AssertRaisesAsync<TimeoutError>(async () => await Asyncio.WaitFor(condition.Wait(), 0.5));
        }
    });

    [Fact]
    public void test_context_manager() => RunAsync(async () =>
    {
        var cond = new Condition();
        Assert.False(cond.Locked());
        await using (await cond.AEnter())
        {
            Assert.True(cond.Locked());
        }
        Assert.False(cond.Locked());
    });

    [Fact]
    public void test_explicit_lock() => RunAsync(async () =>
    {
        async Coroutine F(Lock? @lock = null, Condition? cond = null)
        {
            @lock ??= new Lock();
            cond ??= new Condition(@lock);
            Assert.False(@lock.Locked());
            Assert.False(cond.Locked());
            await using (await cond.AEnter())
            {
                Assert.True(@lock.Locked());
                Assert.True(cond.Locked());
            }
            Assert.False(@lock.Locked());
            Assert.False(cond.Locked());
            await using (await @lock.AEnter())
            {
                Assert.True(@lock.Locked());
                Assert.True(cond.Locked());
            }
            Assert.False(@lock.Locked());
            Assert.False(cond.Locked());
        }
        await F();
        await F(new Lock());
        var l = new Lock();
        await F(l, new Condition(l));
    });

    [Fact]
    public void test_ambiguous_loops()
    {
        var other = NewTestLoop();
        try
        {
            // Bind a lock to another loop (CPython sets lock._loop), then use it from this one.
            var @lock = new Lock();
            other.RunUntilComplete(BindTo(@lock));
            RunAsync(async () =>
            {
                await using (await @lock.AEnter())
                {
                    var cond = new Condition(@lock);
                    var exc = await AssertRaisesAsync<RuntimeError>(async () => await cond.Acquire());
                    Assert.Contains("is bound to a different event loop", exc.Message);
                }
            });
        }
        finally
        {
            other.Close();
        }

        static async Coroutine BindTo(Lock @lock)
        {
            await @lock.Acquire();
            var waiter = Asyncio.CreateTask(@lock.Acquire());
            await Asyncio.Sleep(0);
            @lock.Release();
            await waiter;
            @lock.Release();
        }
    }
}

public class SemaphoreTests : AsyncLoopTestCase
{
    [Fact]
    public void test_initial_value_zero() => Assert.True(new Semaphore(0).Locked());

    [Fact]
    public void test_repr() => RunAsync(async () =>
    {
        var sem = new Semaphore();
        Assert.EndsWith("[unlocked, value:1]>", sem.ToString());
        Assert.Matches(LockRepr.Rgx, sem.ToString());
        await sem.Acquire();
        Assert.EndsWith("[locked]>", sem.ToString());
        Assert.DoesNotContain("waiters", sem.ToString());
        Assert.Matches(LockRepr.Rgx, sem.ToString());
        var waiter = Asyncio.CreateTask(sem.Acquire());
        await Asyncio.Sleep(0);
        Assert.Contains("waiters:1", sem.ToString());
        Assert.Matches(LockRepr.Rgx, sem.ToString());
        waiter.Cancel();
        await AssertRaisesAsync<CancelledError>(async () => await waiter);
    });

    [Fact]
    public void test_semaphore_value() => Assert.Throws<ValueError>(() => new Semaphore(-1));

    [Fact]
    public void test_acquire() => RunAsync(async () =>
    {
        var sem = new Semaphore(3);
        var result = new List<int>();
        Assert.True(await sem.Acquire());
        Assert.True(await sem.Acquire());
        Assert.False(sem.Locked());
        async Coroutine<bool> C(int n)
        {
            await sem.Acquire();
            result.Add(n);
            return true;
        }
        var t1 = Asyncio.CreateTask(C(1));
        var t2 = Asyncio.CreateTask(C(2));
        var t3 = Asyncio.CreateTask(C(3));
        await Asyncio.Sleep(0);
        Assert.Equal([1], result);
        Assert.True(sem.Locked());
        Assert.Equal(2, sem.Waiters.Count);
        Assert.Equal(0, sem.Value);
        var t4 = Asyncio.CreateTask(C(4));
        sem.Release();
        sem.Release();
        Assert.Equal(0, sem.Value);
        await Asyncio.Sleep(0);
        Assert.Equal(0, sem.Value);
        Assert.Equal(3, result.Count);
        Assert.True(sem.Locked());
        Assert.Single(sem.Waiters);
        Assert.True(t1.Done());
        Assert.True(t1.Result());
        var race = new[] { t2, t3, t4 };
        Assert.Equal(2, race.Count(t => t.Done() && t.Result()));
        sem.Release();
        await Asyncio.Gather(race);
    });

    [Fact]
    public void test_acquire_cancel() => RunAsync(async () =>
    {
        var sem = new Semaphore();
        await sem.Acquire();
        var acquire = Asyncio.CreateTask(sem.Acquire());
        Asyncio.GetRunningLoop().CallSoon(() => acquire.Cancel());
        await AssertRaisesAsync<CancelledError>(async () => await acquire);
        Assert.True(sem.Waiters.Count == 0 || sem.Waiters.All(w => w.Done()));
    });

    [Fact]
    public void test_acquire_cancel_before_awoken() => RunAsync(async () =>
    {
        var sem = new Semaphore(0);
        var t1 = Asyncio.CreateTask(sem.Acquire());
        var t2 = Asyncio.CreateTask(sem.Acquire());
        var t3 = Asyncio.CreateTask(sem.Acquire());
        var t4 = Asyncio.CreateTask(sem.Acquire());
        await Asyncio.Sleep(0);
        t1.Cancel();
        t2.Cancel();
        sem.Release();
        await Asyncio.Sleep(0);
        await Asyncio.Sleep(0);
        Assert.Equal(1, new[] { t3, t4 }.Count(t => t.Done()));
        Assert.True(t3.Done());
        Assert.False(t4.Done());
        t3.Cancel();
        t4.Cancel();
        await Asyncio.Sleep(0);
    });

    [Fact]
    public void test_acquire_hang() => RunAsync(async () =>
    {
        var sem = new Semaphore(0);
        var t1 = Asyncio.CreateTask(sem.Acquire());
        var t2 = Asyncio.CreateTask(sem.Acquire());
        await Asyncio.Sleep(0);
        t1.Cancel();
        sem.Release();
        await Asyncio.Sleep(0);
        await Asyncio.Sleep(0);
        Assert.True(sem.Locked());
        Assert.True(t2.Done());
    });

    [Fact]
    public void test_acquire_no_hang() => RunAsync(async () =>
    {
        var sem = new Semaphore(1);
        AsyncioTask t2 = null!;
        async Coroutine C1()
        {
            await using (await sem.AEnter())
            {
                await Asyncio.Sleep(0);
            }
            t2.Cancel();
        }
        async Coroutine C2()
        {
            await using (await sem.AEnter())
            {
                Assert.Fail("c2 must not get the semaphore");
            }
        }
        var t1 = Asyncio.CreateTask(C1());
        t2 = Asyncio.CreateTask(C2());
        var r = await Asyncio.Gather([t1, t2], returnExceptions: true);
        Assert.Null(r[0]);
        Assert.IsType<CancelledError>(r[1]);
        Assert.True(await sem.Acquire());
    });

    [Fact]
    public void test_release_not_acquired() => Assert.Throws<ValueError>(() => new BoundedSemaphore().Release());

    [Fact]
    public void test_release_no_waiters() => RunAsync(async () =>
    {
        var sem = new Semaphore();
        await sem.Acquire();
        Assert.True(sem.Locked());
        sem.Release();
        Assert.False(sem.Locked());
    });

    [Fact]
    public void test_acquire_fifo_order() => RunAsync(async () =>
    {
        var sem = new Semaphore(1);
        var result = new List<string>();
        async Coroutine C(string tag)
        {
            await sem.Acquire();
            result.Add($"{tag}_1");
            await Asyncio.Sleep(0.01);
            sem.Release();
            await sem.Acquire();
            result.Add($"{tag}_2");
            await Asyncio.Sleep(0.01);
            sem.Release();
        }
        await Asyncio.Gather(Asyncio.CreateTask(C("c1")), Asyncio.CreateTask(C("c2")), Asyncio.CreateTask(C("c3")));
        Assert.Equal(["c1_1", "c2_1", "c3_1", "c1_2", "c2_2", "c3_2"], result);
    });

    [Fact]
    public void test_acquire_fifo_order_2() => RunAsync(async () =>
    {
        var sem = new Semaphore(1);
        var result = new List<int>();
        async Coroutine<bool> C1()
        {
            await sem.Acquire();
            result.Add(1);
            return true;
        }
        async Coroutine<bool> C2()
        {
            await sem.Acquire();
            result.Add(2);
            sem.Release();
            await sem.Acquire();
            result.Add(4);
            return true;
        }
        async Coroutine<bool> C3()
        {
            await sem.Acquire();
            result.Add(3);
            return true;
        }
        var tasks = new[] { Asyncio.CreateTask(C1()), Asyncio.CreateTask(C2()), Asyncio.CreateTask(C3()) };
        await Asyncio.Sleep(0);
        sem.Release();
        sem.Release();
        await Asyncio.Gather(tasks);
        Assert.Equal([1, 2, 3, 4], result);
    });

    [Fact]
    public void test_acquire_fifo_order_3() => RunAsync(async () =>
    {
        var sem = new Semaphore(0);
        var result = new List<int>();
        async Coroutine<bool> C(int n)
        {
            await sem.Acquire();
            result.Add(n);
            return true;
        }
        var tasks = new IAwaitable[] { Asyncio.CreateTask(C(1)), Asyncio.CreateTask(C(2)), Asyncio.CreateTask(C(3)) };
        await Asyncio.Sleep(0);
        ((Future)tasks[0]).Cancel();
        await Asyncio.Sleep(0);
        sem.Release();
        sem.Release();
        await Asyncio.Gather(tasks, returnExceptions: true);
        Assert.Equal([2, 3], result);
    });
}

public class BarrierTests : AsyncLoopTestCase
{
    private int N = 5;

    private async Coroutine<object?[]> GatherTasks(int n, Func<Coroutine> coro)
    {
        var tasks = Enumerable.Range(0, n).Select(_ => (IAwaitable)Asyncio.CreateTask(coro())).ToArray();
        return await Asyncio.Gather(tasks);
    }

    [Fact]
    public void test_repr() => RunAsync(async () =>
    {
        var barrier = new Barrier(N);
        Assert.Matches(LockRepr.Rgx, barrier.ToString());
        Assert.Contains("filling", barrier.ToString());
        var waiters = new List<IAwaitable>();
        async Coroutine Wait() => await barrier.Wait();
        const int incr = 2;
        for (var i = 0; i < incr; i++)
        {
            waiters.Add(Asyncio.CreateTask(Wait()));
        }
        await Asyncio.Sleep(0);
        Assert.Matches(LockRepr.Rgx, barrier.ToString());
        Assert.Contains($"waiters:{incr}/{N}", barrier.ToString());
        Assert.Contains("filling", barrier.ToString());
        for (var i = barrier.Parties - barrier.NWaiting; i > 0; i--)
        {
            waiters.Add(Asyncio.CreateTask(Wait()));
        }
        await Asyncio.Sleep(0);
        Assert.Matches(LockRepr.Rgx, barrier.ToString());
        Assert.Contains("draining", barrier.ToString());
        for (var i = 0; i < incr; i++)
        {
            waiters.Add(Asyncio.CreateTask(Wait()));
        }
        await Asyncio.Sleep(0);
        await barrier.Reset();
        Assert.Matches(LockRepr.Rgx, barrier.ToString());
        Assert.Contains("resetting", barrier.ToString());
        for (var i = 0; i < incr; i++)
        {
            waiters.Add(Asyncio.CreateTask(Wait()));
        }
        await Asyncio.Sleep(0);
        await barrier.Abort();
        Assert.Matches(LockRepr.Rgx, barrier.ToString());
        Assert.Contains("broken", barrier.ToString());
        Assert.True(barrier.Broken);
        await Asyncio.Gather([.. waiters], returnExceptions: true);
    });

    [Fact]
    public void test_barrier_parties()
    {
        Assert.Throws<ValueError>(() => new Barrier(0));
        Assert.Throws<ValueError>(() => new Barrier(-4));
        Assert.IsType<Barrier>(new Barrier(N));
    }

    [Fact]
    public void test_context_manager() => RunAsync(async () =>
    {
        N = 3;
        var barrier = new Barrier(N);
        var results = new List<int>();
        async Coroutine Coro()
        {
            var i = await barrier.AEnter();
            try
            {
                results.Add(i);
            }
            finally
            {
                await barrier.AExit();
            }
        }
        await GatherTasks(N, Coro);
        Assert.Equal(Enumerable.Range(0, N), results.Order());
        Assert.Equal(0, barrier.NWaiting);
        Assert.False(barrier.Broken);
    });

    [Fact]
    public void test_filling_one_task() => RunAsync(async () =>
    {
        var barrier = new Barrier(1);
        Assert.Equal(0, await barrier.Wait());
        Assert.Equal(0, barrier.NWaiting);
        Assert.False(barrier.Broken);
    });

    [Fact]
    public void test_filling_one_task_twice() => RunAsync(async () =>
    {
        var barrier = new Barrier(1);
        var t1 = Asyncio.CreateTask(barrier.Wait());
        await Asyncio.Sleep(0);
        Assert.Equal(0, barrier.NWaiting);
        var t2 = Asyncio.CreateTask(barrier.Wait());
        await Asyncio.Sleep(0);
        Assert.Equal(t1.Result(), t2.Result());
        Assert.Equal(t1.Done(), t2.Done());
        Assert.Equal(0, barrier.NWaiting);
        Assert.False(barrier.Broken);
    });

    [Fact]
    public void test_filling_task_by_task() => RunAsync(async () =>
    {
        N = 3;
        var barrier = new Barrier(N);
        var t1 = Asyncio.CreateTask(barrier.Wait());
        await Asyncio.Sleep(0);
        Assert.Equal(1, barrier.NWaiting);
        Assert.Contains("filling", barrier.ToString());
        var t2 = Asyncio.CreateTask(barrier.Wait());
        await Asyncio.Sleep(0);
        Assert.Equal(2, barrier.NWaiting);
        Assert.Contains("filling", barrier.ToString());
        var t3 = Asyncio.CreateTask(barrier.Wait());
        await Asyncio.Sleep(0);
        await Asyncio.Gather(t1, t2, t3);
        Assert.Equal(0, barrier.NWaiting);
        Assert.False(barrier.Broken);
    });

    [Fact]
    public void test_filling_tasks_wait_twice() => RunAsync(async () =>
    {
        var barrier = new Barrier(N);
        var results = new List<bool>();
        async Coroutine Coro()
        {
            await barrier.Wait();
            results.Add(true);
            await barrier.Wait();
            results.Add(false);
        }
        await GatherTasks(N, Coro);
        Assert.Equal(N * 2, results.Count);
        Assert.Equal(N, results.Count(r => r));
        Assert.Equal(0, barrier.NWaiting);
        Assert.False(barrier.Broken);
    });

    [Fact]
    public void test_draining_state() => RunAsync(async () =>
    {
        var barrier = new Barrier(N);
        var results = new List<bool>();
        async Coroutine Coro()
        {
            await barrier.AEnter();
            results.Add(barrier.ToString().Contains("draining"));
            await barrier.AExit();
        }
        await GatherTasks(N, Coro);
        Assert.Equal(N, results.Count);
        Assert.False(results[^1]);
        Assert.All(results.Take(N - 1), Assert.True);
        Assert.Equal(0, barrier.NWaiting);
        Assert.False(barrier.Broken);
    });

    [Fact]
    public void test_blocking_tasks_while_draining() => RunAsync(async () =>
    {
        const int rewait = 2;
        var barrier = new Barrier(N);
        var barrierNowaiting = new Barrier(N - rewait);
        var rewaitN = rewait;
        async Coroutine Coro()
        {
            await barrier.Wait();
            if (rewaitN > 0)
            {
                rewaitN--;
                await barrier.Wait();
            }
            else
            {
                await barrierNowaiting.Wait();
                await barrier.Wait();
            }
        }
        await GatherTasks(N, Coro);
    });

    [Fact]
    public void test_filling_tasks_cancel_one() => RunAsync(async () =>
    {
        N = 3;
        var barrier = new Barrier(N);
        var results = new List<bool>();
        async Coroutine Coro()
        {
            await barrier.Wait();
            results.Add(true);
        }
        var t1 = Asyncio.CreateTask(Coro());
        await Asyncio.Sleep(0);
        Assert.Equal(1, barrier.NWaiting);
        var t2 = Asyncio.CreateTask(Coro());
        await Asyncio.Sleep(0);
        Assert.Equal(2, barrier.NWaiting);
        t1.Cancel();
        await Asyncio.Sleep(0);
        Assert.Equal(1, barrier.NWaiting);
        await AssertRaisesAsync<CancelledError>(async () => await t1);
        Assert.True(t1.Cancelled());
        var t3 = Asyncio.CreateTask(Coro());
        await Asyncio.Sleep(0);
        Assert.Equal(2, barrier.NWaiting);
        var t4 = Asyncio.CreateTask(Coro());
        await Asyncio.Gather(t2, t3, t4);
        Assert.Equal(N, results.Count);
        Assert.Equal(0, barrier.NWaiting);
        Assert.False(barrier.Broken);
    });

    [Fact]
    public void test_filling_tasks_check_return_value() => RunAsync(async () =>
    {
        var barrier = new Barrier(N);
        var results1 = new List<bool>();
        var results2 = new List<bool>();
        async Coroutine<int> Coro()
        {
            await barrier.AEnter();
            try
            {
                results1.Add(true);
                var i = await barrier.AEnter();
                try
                {
                    results2.Add(true);
                    return i;
                }
                finally
                {
                    await barrier.AExit();
                }
            }
            finally
            {
                await barrier.AExit();
            }
        }
        var res = await Asyncio.Gather(Enumerable.Range(0, N).Select(_ => (IAwaitable<int>)Asyncio.CreateTask(Coro())).ToArray());
        Assert.Equal(N, results1.Count);
        Assert.Equal(N, results2.Count);
        Assert.Equal(Enumerable.Range(0, N), res.Order());
        Assert.Equal(0, barrier.NWaiting);
        Assert.False(barrier.Broken);
    });

    [Fact]
    public void test_reset_barrier_while_tasks_waiting() => RunAsync(async () =>
    {
        var barrier = new Barrier(N);
        var results = new List<bool>();
        async Coroutine Coro()
        {
            try
            {
                await barrier.Wait();
            }
            catch (BrokenBarrierError)
            {
                results.Add(true);
            }
        }
        var tasks = Enumerable.Range(0, N - 1).Select(_ => (IAwaitable)Asyncio.CreateTask(Coro())).ToArray();
        await Asyncio.Sleep(0);
        var reset = Asyncio.CreateTask(barrier.Reset());
        await Asyncio.Gather(tasks);
        await reset;
        Assert.Equal(N - 1, results.Count);
        Assert.Equal(0, barrier.NWaiting);
        Assert.DoesNotContain("resetting", barrier.ToString());
        Assert.False(barrier.Broken);
    });

    [Fact]
    public void test_reset_barrier_when_tasks_half_draining_half_blocking() => RunAsync(async () =>
    {
        var barrier = new Barrier(N);
        var results1 = new List<bool>();
        var results2 = new List<bool>();
        var blockingTasks = N / 2;
        var count = 0;
        async Coroutine Coro()
        {
            try
            {
                await barrier.Wait();
            }
            catch (BrokenBarrierError)
            {
                results1.Add(true);
                await barrier.Wait();
                return;
            }
            count++;
            if (count > blockingTasks)
            {
                await barrier.Reset();
                await barrier.Wait();
            }
            else
            {
                try
                {
                    await barrier.Wait();
                }
                catch (BrokenBarrierError)
                {
                    results2.Add(true);
                }
            }
        }
        await GatherTasks(N, Coro);
        Assert.Equal(blockingTasks, results1.Count);
        Assert.Empty(results2);
        Assert.Equal(0, barrier.NWaiting);
        Assert.DoesNotContain("resetting", barrier.ToString());
        Assert.False(barrier.Broken);
    });

    [Fact]
    public void test_reset_barrier_while_tasks_waiting_and_waiting_again() => RunAsync(async () =>
    {
        var barrier = new Barrier(N);
        var results1 = new List<bool>();
        var results2 = new List<bool>();
        async Coroutine Coro1()
        {
            try
            {
                await barrier.Wait();
            }
            catch (BrokenBarrierError)
            {
                results1.Add(true);
            }
            finally
            {
                await barrier.Wait();
                results2.Add(true);
            }
        }
        async Coroutine Coro2()
        {
            await barrier.AEnter();
            results2.Add(true);
            await barrier.AExit();
        }
        var tasks = Enumerable.Range(0, N - 1).Select(_ => (IAwaitable)Asyncio.CreateTask(Coro1())).ToArray();
        var reset = Asyncio.CreateTask(barrier.Reset());
        await Asyncio.Sleep(0);
        var last = Asyncio.CreateTask(Coro2());
        await Asyncio.Gather(tasks);
        await Asyncio.Gather(reset, last);
        Assert.False(barrier.Broken);
        Assert.Equal(N - 1, results1.Count);
        Assert.Equal(N, results2.Count);
        Assert.Equal(0, barrier.NWaiting);
    });

    [Fact]
    public void test_reset_barrier_when_tasks_half_draining() => RunAsync(async () =>
    {
        var barrier = new Barrier(N);
        var results1 = new List<bool>();
        var restOfTasks = N / 2;
        async Coroutine Coro()
        {
            try
            {
                await barrier.Wait();
            }
            catch (BrokenBarrierError)
            {
                results1.Add(true);
                return;
            }
            if (restOfTasks == barrier.Count)
            {
                await barrier.Reset();
            }
        }
        await GatherTasks(N, Coro);
        Assert.Equal(restOfTasks, results1.Count);
        Assert.Equal(0, barrier.NWaiting);
        Assert.DoesNotContain("resetting", barrier.ToString());
        Assert.False(barrier.Broken);
    });

    [Fact]
    public void test_reset_barrier_while_tasks_draining() => RunAsync(async () =>
    {
        var barrier = new Barrier(N);
        var results1 = new List<bool>();
        var results2 = new List<bool>();
        var results3 = new List<bool>();
        var count = 0;
        async Coroutine Coro()
        {
            await barrier.Wait();
            count++;
            if (count == N)
            {
                await barrier.Reset();
                await barrier.Wait();
            }
            else
            {
                try
                {
                    await barrier.Wait();
                    results1.Add(true);
                }
                catch (Exception)
                {
                    results2.Add(true);
                }
            }
            await barrier.Wait();
            results3.Add(true);
        }
        await GatherTasks(N, Coro);
        Assert.False(barrier.Broken);
        Assert.Equal(N - 1, results1.Count);
        Assert.Empty(results2);
        Assert.Equal(N, results3.Count);
        Assert.Equal(0, barrier.NWaiting);
    });

    [Fact]
    public void test_reset_barrier() => RunAsync(async () =>
    {
        var barrier = new Barrier(1);
        Asyncio.CreateTask(barrier.Reset());
        await Asyncio.Sleep(0);
        Assert.Equal(0, barrier.NWaiting);
        Assert.False(barrier.Broken);
    });

    [Fact]
    public void test_abort_barrier() => RunAsync(async () =>
    {
        var barrier = new Barrier(1);
        Asyncio.CreateTask(barrier.Abort());
        await Asyncio.Sleep(0);
        Assert.Equal(0, barrier.NWaiting);
        Assert.True(barrier.Broken);
    });

    [Fact]
    public void test_abort_barrier_when_tasks_half_draining_half_blocking() => RunAsync(async () =>
    {
        var barrier = new Barrier(N);
        var results1 = new List<bool>();
        var results2 = new List<bool>();
        var blockingTasks = N / 2;
        var count = 0;
        async Coroutine Coro()
        {
            try
            {
                await barrier.Wait();
            }
            catch (BrokenBarrierError)
            {
                results1.Add(true);
                return;
            }
            count++;
            if (count > blockingTasks)
            {
                await barrier.Abort();
            }
            else
            {
                try
                {
                    await barrier.Wait();
                }
                catch (BrokenBarrierError)
                {
                    results2.Add(true);
                }
            }
        }
        await GatherTasks(N, Coro);
        Assert.True(barrier.Broken);
        Assert.Equal(blockingTasks, results1.Count);
        Assert.Equal(N - blockingTasks - 1, results2.Count);
        Assert.Equal(0, barrier.NWaiting);
        Assert.DoesNotContain("resetting", barrier.ToString());
    });

    [Fact]
    public void test_abort_barrier_when_exception() => RunAsync(async () =>
    {
        var barrier = new Barrier(N);
        var results1 = new List<bool>();
        var results2 = new List<bool>();
        async Coroutine Coro()
        {
            try
            {
                var i = await barrier.AEnter();
                try
                {
                    if (i == N / 2)
                    {
                        throw new RuntimeError("");
                    }
                }
                finally
                {
                    await barrier.AExit();
                }
                await barrier.Wait();
                results1.Add(true);
            }
            catch (BrokenBarrierError)
            {
                results2.Add(true);
            }
            catch (RuntimeError)
            {
                await barrier.Abort();
            }
        }
        await GatherTasks(N, Coro);
        Assert.True(barrier.Broken);
        Assert.Empty(results1);
        Assert.Equal(N - 1, results2.Count);
        Assert.Equal(0, barrier.NWaiting);
    });

    [Fact]
    public void test_abort_barrier_when_exception_then_resetting() => RunAsync(async () =>
    {
        var barrier1 = new Barrier(N);
        var barrier2 = new Barrier(N);
        var results1 = new List<bool>();
        var results2 = new List<bool>();
        var results3 = new List<bool>();
        async Coroutine Coro()
        {
            try
            {
                var i = await barrier1.Wait();
                if (i == N / 2)
                {
                    throw new RuntimeError("");
                }
                await barrier1.Wait();
                results1.Add(true);
            }
            catch (BrokenBarrierError)
            {
                results2.Add(true);
            }
            catch (RuntimeError)
            {
                await barrier1.Abort();
            }
            var j = await barrier2.Wait();
            if (j == N / 2)
            {
                await barrier1.Reset();
            }
            await barrier2.Wait();
            await barrier1.Wait();
            results3.Add(true);
        }
        await GatherTasks(N, Coro);
        Assert.False(barrier1.Broken);
        Assert.Empty(results1);
        Assert.Equal(N - 1, results2.Count);
        Assert.Equal(N, results3.Count);
        Assert.Equal(0, barrier1.NWaiting);
    });
}
