using AsyncioSharp;
using Xunit;

namespace AsyncioSharp.Conformance;

/// <summary>Ports of CPython's test_asyncio/test_timeouts.py. <c>async with cm:</c> is <c>await cm.Run(...)</c>.</summary>
public class TimeoutTests : AsyncLoopTestCase
{
    [Fact]
    public void test_timeout_basic() => RunAsync(async () =>
    {
        var cm = Asyncio.Timeout(0.01);
        await AssertRaisesAsync<TimeoutError>(() => cm.Run(async _ => await Asyncio.Sleep(10)));
        Assert.True(cm.Expired());
    });

    [Fact]
    public void test_timeout_at_basic() => RunAsync(async () =>
    {
        var loop = Asyncio.GetRunningLoop();
        var deadline = loop.Time() + 0.01;
        var cm = Asyncio.TimeoutAt(deadline);
        await AssertRaisesAsync<TimeoutError>(() => cm.Run(async _ => await Asyncio.Sleep(10)));
        Assert.True(cm.Expired());
        Assert.Equal(deadline, cm.When());
    });

    [Fact]
    public void test_nested_timeouts() => RunAsync(async () =>
    {
        var loop = Asyncio.GetRunningLoop();
        var cancelled = false;
        var deadline = loop.Time() + 0.01;
        var cm1 = Asyncio.TimeoutAt(deadline);
        var cm2 = Asyncio.TimeoutAt(deadline);
        await AssertRaisesAsync<TimeoutError>(() => cm1.Run(async _ =>
        {
            // Only the topmost context manager should raise TimeoutError.
            try
            {
                await cm2.Run(async _ => await Asyncio.Sleep(10));
            }
            catch (CancelledError)
            {
                cancelled = true;
                throw;
            }
        }));
        Assert.True(cancelled);
        Assert.True(cm1.Expired());
        Assert.True(cm2.Expired());
    });

    [Fact]
    public void test_waiter_cancelled() => RunAsync(async () =>
    {
        var cancelled = false;
        await AssertRaisesAsync<TimeoutError>(() => Asyncio.Timeout(0.01).Run(async _ =>
        {
            try
            {
                await Asyncio.Sleep(10);
            }
            catch (CancelledError)
            {
                cancelled = true;
                throw;
            }
        }));
        Assert.True(cancelled);
    });

    [Fact]
    public void test_timeout_not_called() => RunAsync(async () =>
    {
        var loop = Asyncio.GetRunningLoop();
        var cm = Asyncio.Timeout(10);
        await cm.Run(async _ => await Asyncio.Sleep(0.01));
        var t1 = loop.Time();
        Assert.False(cm.Expired());
        Assert.True(cm.When() > t1);
    });

    [Fact]
    public void test_timeout_disabled() => RunAsync(async () =>
    {
        var cm = Asyncio.Timeout(null);
        await cm.Run(async _ => await Asyncio.Sleep(0.01));
        Assert.False(cm.Expired());
        Assert.Null(cm.When());
    });

    [Fact]
    public void test_timeout_at_disabled() => RunAsync(async () =>
    {
        var cm = Asyncio.TimeoutAt(null);
        await cm.Run(async _ => await Asyncio.Sleep(0.01));
        Assert.False(cm.Expired());
        Assert.Null(cm.When());
    });

    [Fact]
    public void test_timeout_zero() => RunAsync(async () =>
    {
        var loop = Asyncio.GetRunningLoop();
        var t0 = loop.Time();
        var cm = Asyncio.Timeout(0);
        await AssertRaisesAsync<TimeoutError>(() => cm.Run(async _ => await Asyncio.Sleep(10)));
        var t1 = loop.Time();
        Assert.True(cm.Expired());
        Assert.True(t0 <= cm.When() && cm.When() <= t1);
    });

    [Fact]
    public void test_timeout_zero_sleep_zero() => RunAsync(async () =>
    {
        var loop = Asyncio.GetRunningLoop();
        var t0 = loop.Time();
        var cm = Asyncio.Timeout(0);
        await AssertRaisesAsync<TimeoutError>(() => cm.Run(async _ => await Asyncio.Sleep(0)));
        var t1 = loop.Time();
        Assert.True(cm.Expired());
        Assert.True(t0 <= cm.When() && cm.When() <= t1);
    });

    [Fact]
    public void test_timeout_in_the_past_sleep_zero() => RunAsync(async () =>
    {
        var loop = Asyncio.GetRunningLoop();
        var t0 = loop.Time();
        var cm = Asyncio.Timeout(-11);
        await AssertRaisesAsync<TimeoutError>(() => cm.Run(async _ => await Asyncio.Sleep(0)));
        var t1 = loop.Time();
        Assert.True(cm.Expired());
        Assert.True(t0 >= cm.When() && cm.When() <= t1);
    });

    [Fact]
    public void test_foreign_exception_passed() => RunAsync(async () =>
    {
        var cm = Asyncio.Timeout(0.01);
#pragma warning disable CS1998
        await AssertRaisesAsync<KeyNotFoundException>(() => cm.Run(async _ => throw new KeyNotFoundException()));
#pragma warning restore CS1998
        Assert.False(cm.Expired());
    });

    [Fact]
    public void test_foreign_exception_on_timeout() => RunAsync(async () =>
    {
        async Coroutine Crash()
        {
            try
            {
                await Asyncio.Sleep(1);
            }
            finally
            {
                throw new DivideByZeroException();
            }
        }
        await AssertRaisesAsync<DivideByZeroException>(() => Asyncio.Timeout(0.01).Run(async _ => await Crash()));
    });

    [Fact]
    public void test_foreign_cancel_doesnt_timeout_if_not_expired() => RunAsync(async () =>
    {
        var cm = Asyncio.Timeout(10);
        await AssertRaisesAsync<CancelledError>(() => cm.Run(async _ =>
        {
            Asyncio.CurrentTask()!.Cancel();
            await Asyncio.Sleep(10);
        }));
        Assert.False(cm.Expired());
    });

    [Fact]
    public void test_outer_task_is_not_cancelled() => RunAsync(async () =>
    {
        async Coroutine Outer()
        {
            await AssertRaisesAsync<TimeoutError>(() => Asyncio.Timeout(0.001).Run(async _ => await Asyncio.Sleep(10)));
        }
        var task = Asyncio.CreateTask(Outer());
        await task;
        Assert.False(task.Cancelled());
        Assert.True(task.Done());
    });

    [Fact]
    public void test_nested_timeouts_concurrent() => RunAsync(async () =>
    {
        await AssertRaisesAsync<TimeoutError>(() => Asyncio.Timeout(0.002).Run(async _ =>
        {
            await AssertRaisesAsync<TimeoutError>(() => Asyncio.Timeout(0.1).Run(async _ =>
            {
                // Pretend we crunch some numbers.
                Thread.Sleep(10);
                await Asyncio.Sleep(1);
            }));
        }));
    });

    [Fact]
    public void test_nested_timeouts_loop_busy() => RunAsync(async () =>
    {
        // After the inner timeout is an expensive operation which should be stopped by the outer timeout.
        var loop = (BaseEventLoop)Asyncio.GetRunningLoop();
        loop.SlowCallbackDuration = 10;
        var t0 = loop.Time();
        await AssertRaisesAsync<TimeoutError>(() => Asyncio.Timeout(0.1).Run(async _ =>
        {
            await AssertRaisesAsync<TimeoutError>(() => Asyncio.Timeout(0.01).Run(async _ =>
            {
                // Pretend the loop is busy for a while.
                Thread.Sleep(100);
                await Asyncio.Sleep(1);
            }));
            // The TimeoutError was caught by the inner timeout; the outer one interrupts this sleep.
            await Asyncio.Sleep(10);
        }));
        var t1 = loop.Time();
        Assert.True(t0 <= t1 && t1 <= t0 + 1);
    });

    [Fact]
    public void test_reschedule() => RunAsync(async () =>
    {
        var loop = (BaseEventLoop)Asyncio.GetRunningLoop();
        var fut = loop.CreateFuture<Timeout>();
        var deadline1 = loop.Time() + 10;
        var deadline2 = deadline1 + 20;

        async Coroutine F()
        {
            await Asyncio.TimeoutAt(deadline1).Run(async cm =>
            {
                fut.SetResult(cm);
                await Asyncio.Sleep(50);
            });
        }

        var task = Asyncio.CreateTask(F());
        var cm = await fut;
        Assert.Equal(deadline1, cm.When());
        cm.Reschedule(deadline2);
        Assert.Equal(deadline2, cm.When());
        cm.Reschedule(null);
        Assert.Null(cm.When());
        task.Cancel();
        await AssertRaisesAsync<CancelledError>(async () => await task);
        Assert.False(cm.Expired());
    });

    [Fact]
    public void test_repr_active() => RunAsync(async () =>
    {
        await Asyncio.Timeout(10).Run(async cm =>
        {
            Assert.Matches(@"<Timeout \[active\] when=\d+\.\d*>", cm.ToString());
            await Asyncio.Sleep(0);
        });
    });

    [Fact]
    public void test_repr_expired() => RunAsync(async () =>
    {
        var cm = Asyncio.Timeout(0.01);
        await AssertRaisesAsync<TimeoutError>(() => cm.Run(async _ => await Asyncio.Sleep(10)));
        Assert.Equal("<Timeout [expired]>", cm.ToString());
    });

    [Fact]
    public void test_repr_finished() => RunAsync(async () =>
    {
        var cm = Asyncio.Timeout(10);
        await cm.Run(async _ => await Asyncio.Sleep(0));
        Assert.Equal("<Timeout [finished]>", cm.ToString());
    });

    [Fact]
    public void test_repr_disabled() => RunAsync(async () =>
    {
        await Asyncio.Timeout(null).Run(async cm =>
        {
            Assert.Equal("<Timeout [active] when=None>", cm.ToString());
            await Asyncio.Sleep(0);
        });
    });

    [Fact]
    public void test_nested_timeout_in_finally() => RunAsync(async () =>
    {
        await AssertRaisesAsync<TimeoutError>(() => Asyncio.Timeout(0.01).Run(async _ =>
        {
            try
            {
                await Asyncio.Sleep(1);
            }
            finally
            {
                await AssertRaisesAsync<TimeoutError>(() => Asyncio.Timeout(0.01).Run(async _ => await Asyncio.Sleep(10)));
            }
        }));
    });

    [Fact]
    public void test_timeout_after_cancellation() => RunAsync(async () =>
    {
        try
        {
            Asyncio.CurrentTask()!.Cancel();
            // Work which will be cancelled.
            await Asyncio.Sleep(1);
        }
        catch (CancelledError)
        {
        }
        finally
        {
            await AssertRaisesAsync<TimeoutError>(() => Asyncio.Timeout(0.0).Run(async _ => await Asyncio.Sleep(1)));
        }
    });

    [Fact]
    public void test_cancel_in_timeout_after_cancellation() => RunAsync(async () =>
    {
        try
        {
            Asyncio.CurrentTask()!.Cancel();
            await Asyncio.Sleep(1);
        }
        catch (CancelledError)
        {
        }
        finally
        {
            await AssertRaisesAsync<CancelledError>(() => Asyncio.Timeout(1.0).Run(async _ =>
            {
                Asyncio.CurrentTask()!.Cancel();
                await Asyncio.Sleep(2);
            }));
        }
    });

    [Fact]
    public void test_timeout_exception_cause() => RunAsync(async () =>
    {
        var exc = await AssertRaisesAsync<TimeoutError>(() => Asyncio.Timeout(0).Run(async _ => await Asyncio.Sleep(1)));
        Assert.IsType<CancelledError>(exc.InnerException);
    });

    [Fact]
    public void test_timeout_already_entered() => RunAsync(async () =>
    {
        await Asyncio.Timeout(0.01).Run(async cm =>
        {
            var exc = await AssertRaisesAsync<RuntimeError>(() => cm.Run(async _ => await Asyncio.Sleep(0)));
            Assert.Contains("has already been entered", exc.Message);
        });
    });

    [Fact]
    public void test_timeout_double_enter() => RunAsync(async () =>
    {
        var cm = Asyncio.Timeout(0.01);
        await cm.Run(async _ => await Asyncio.Sleep(0));
        var exc = await AssertRaisesAsync<RuntimeError>(() => cm.Run(async _ => await Asyncio.Sleep(0)));
        Assert.Contains("has already been entered", exc.Message);
    });

    [Fact]
    public void test_timeout_finished() => RunAsync(async () =>
    {
        var cm = Asyncio.Timeout(0.01);
        await cm.Run(async _ => await Asyncio.Sleep(0));
        var exc = Assert.Throws<RuntimeError>(() => cm.Reschedule(0.02));
        Assert.Contains("finished", exc.Message);
    });

    [Fact]
    public void test_timeout_expired() => RunAsync(async () =>
    {
        var cm = Asyncio.Timeout(0.01);
        await AssertRaisesAsync<TimeoutError>(() => cm.Run(async _ => await Asyncio.Sleep(1)));
        var exc = Assert.Throws<RuntimeError>(() => cm.Reschedule(0.02));
        Assert.Contains("expired", exc.Message);
    });

    [Fact]
    public void test_timeout_expiring() => RunAsync(async () =>
    {
        await Asyncio.Timeout(0.01).Run(async cm =>
        {
            await AssertRaisesAsync<CancelledError>(async () => await Asyncio.Sleep(1));
            var exc = Assert.Throws<RuntimeError>(() => cm.Reschedule(0.02));
            Assert.Contains("expiring", exc.Message);
        });
    });

    [Fact]
    public void test_timeout_not_entered() => RunAsync(async () =>
    {
        var cm = Asyncio.Timeout(0.01);
        var exc = Assert.Throws<RuntimeError>(() => cm.Reschedule(0.02));
        Assert.Contains("has not been entered", exc.Message);
        await Asyncio.Sleep(0);
    });

    [Fact]
    public void test_timeout_without_task() => RunAsync(async () =>
    {
        var cm = Asyncio.Timeout(0.01);
        var exc = await AwaitWithoutTask<RuntimeError>(cm.AEnter());
        Assert.Contains("task", exc.Message);
        var exc2 = Assert.Throws<RuntimeError>(() => cm.Reschedule(0.02));
        Assert.Contains("has not been entered", exc2.Message);
    });

    /// <summary>CPython's <c>await_without_task(coro)</c>: runs <paramref name="coro"/> in a plain callback, outside any task, and returns what it raised.</summary>
    private static async Coroutine<TException> AwaitWithoutTask<TException>(Coroutine coro) where TException : Exception
    {
        var loop = (BaseEventLoop)Asyncio.GetRunningLoop();
        var raised = loop.CreateFuture<TException>();
        loop.CallSoon(() =>
        {
            try
            {
                coro.GetAwaiter().GetResult();
                raised.SetException(new Xunit.Sdk.XunitException($"{typeof(TException).Name} not raised"));
            }
            catch (TException exc)
            {
                raised.SetResult(exc);
            }
        });
        return await raised;
    }
}
