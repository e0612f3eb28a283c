using System.Diagnostics;
using AsyncioSharp;
using Xunit;

namespace AsyncioSharp.Conformance;

/// <summary>CPython's WaitForSlowTask: runs for TASK_TIMEOUT seconds, ignoring cancel requests.</summary>
internal sealed class WaitForSlowTask
{
    public const double TaskTimeout = 0.2;

    public bool Exited { get; private set; }

    public async Coroutine Run()
    {
        var exitAt = Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency + TaskTimeout;
        while (true)
        {
            var toSleep = exitAt - Stopwatch.GetTimestamp() / (double)Stopwatch.Frequency;
            if (toSleep <= 0)
            {
                break;
            }
            try
            {
                await Asyncio.Sleep(toSleep);
            }
            catch (CancelledError)
            {
            }
        }
        Exited = true;
    }
}

internal sealed class WaitForFooException : Exception
{
}

/// <summary>Ports of CPython's test_asyncio/test_waitfor.py.</summary>
public class AsyncioWaitForTest : AsyncLoopTestCase
{
    // A very small timeout: it passes the check "timeout > 0" but costs the tests almost nothing.
    private const double Epsilon = 0.0001;

    [Fact]
    public void test_asyncio_wait_for_cancelled() => RunAsync(async () =>
    {
        var t = new WaitForSlowTask();
        var waitForTask = Asyncio.CreateTask(Asyncio.WaitFor(t.Run(), WaitForSlowTask.TaskTimeout * 2));
        await Asyncio.Sleep(0);
        waitForTask.Cancel();
        await Asyncio.Wait(new[] { waitForTask });
        Assert.True(t.Exited);
    });

    [Fact]
    public void test_asyncio_wait_for_timeout() => RunAsync(async () =>
    {
        var t = new WaitForSlowTask();
        try
        {
            await Asyncio.WaitFor(t.Run(), WaitForSlowTask.TaskTimeout / 2);
        }
        catch (TimeoutError)
        {
        }
        Assert.True(t.Exited);
    });

    [Fact]
    public void test_wait_for_timeout_less_then_0_or_0_future_done() => RunAsync(async () =>
    {
        var loop = (BaseEventLoop)Asyncio.GetRunningLoop();
        var fut = loop.CreateFuture<string>();
        fut.SetResult("done");
        var ret = await Asyncio.WaitFor(fut, 0);
        Assert.Equal("done", ret);
        Assert.True(fut.Done());
    });

    [Fact]
    public void test_wait_for_timeout_less_then_0_or_0_coroutine_do_not_started() => RunAsync(async () =>
    {
        var fooStarted = false;
#pragma warning disable CS1998
        async Coroutine Foo()
        {
            fooStarted = true;
        }
#pragma warning restore CS1998
        await AssertRaisesAsync<TimeoutError>(() => Asyncio.WaitFor(Foo(), 0));
        Assert.False(fooStarted);
    });

    [Fact]
    public void test_wait_for_timeout_less_then_0_or_0() => RunAsync(async () =>
    {
        var loop = (BaseEventLoop)Asyncio.GetRunningLoop();
        foreach (var timeout in new[] { 0.0, -1.0 })
        {
            bool? fooRunning = null;
            var started = loop.CreateFuture();

            async Coroutine<string> Foo()
            {
                fooRunning = true;
                started.SetResult(null);
                try
                {
                    await Asyncio.Sleep(10);
                }
                finally
                {
                    fooRunning = false;
                }
                return "done";
            }

            var fut = Asyncio.CreateTask(Foo());
            await started;
            await AssertRaisesAsync<TimeoutError>(() => Asyncio.WaitFor(fut, timeout));
            Assert.True(fut.Done());
            // It was cancelled because of the timeout.
            Assert.True(fut.Cancelled());
            Assert.False(fooRunning);
        }
    });

    [Fact]
    public void test_wait_for() => RunAsync(async () =>
    {
        bool? fooRunning = null;

        async Coroutine<string> Foo()
        {
            fooRunning = true;
            try
            {
                await Asyncio.Sleep(300);
            }
            finally
            {
                fooRunning = false;
            }
            return "done";
        }

        var fut = Asyncio.CreateTask(Foo());
        await AssertRaisesAsync<TimeoutError>(() => Asyncio.WaitFor(fut, 0.1));
        Assert.True(fut.Done());
        Assert.True(fut.Cancelled());
        Assert.False(fooRunning);
    });

    [Fact]
    public void test_wait_for_blocking() => RunAsync(async () =>
    {
#pragma warning disable CS1998
        async Coroutine<string> Coro() => "done";
#pragma warning restore CS1998
        var res = await Asyncio.WaitFor(Coro(), timeout: null);
        Assert.Equal("done", res);
    });

    [Fact]
    public void test_wait_for_race_condition() => RunAsync(async () =>
    {
        var loop = (BaseEventLoop)Asyncio.GetRunningLoop();
        var fut = loop.CreateFuture<string>();
        var task = Asyncio.WaitFor(fut, timeout: 0.2);
        loop.CallLater(0.1, () => fut.SetResult("ok"));
        var res = await task;
        Assert.Equal("ok", res);
    });

    [Fact]
    public void test_wait_for_cancellation_race_condition() => RunAsync(async () =>
    {
        async Coroutine<int> Inner()
        {
            await AssertRaisesAsync<CancelledError>(() => Asyncio.Sleep(1));
            return 1;
        }

        var result = await Asyncio.WaitFor(Inner(), timeout: .01);
        Assert.Equal(1, result);
    });

    [Fact]
    public void test_wait_for_waits_for_task_cancellation() => RunAsync(async () =>
    {
        var taskDone = false;

        async Coroutine Inner()
        {
            try
            {
                await Asyncio.Sleep(10);
            }
            catch (CancelledError)
            {
                await Asyncio.Sleep(Epsilon);
                throw;
            }
            finally
            {
                taskDone = true;
            }
        }

        var innerTask = Asyncio.CreateTask(Inner());
        var exc = await AssertRaisesAsync<TimeoutError>(() => Asyncio.WaitFor(innerTask, timeout: Epsilon));
        Assert.True(taskDone);
        Assert.IsType<CancelledError>(exc.InnerException);
    });

    [Fact]
    public void test_wait_for_waits_for_task_cancellation_w_timeout_0() => RunAsync(async () =>
    {
        var taskDone = false;

        async Coroutine Foo()
        {
            async Coroutine Inner()
            {
                try
                {
                    await Asyncio.Sleep(10);
                }
                catch (CancelledError)
                {
                    await Asyncio.Sleep(Epsilon);
                    throw;
                }
                finally
                {
                    taskDone = true;
                }
            }

            var innerTask = Asyncio.CreateTask(Inner());
            await Asyncio.Sleep(Epsilon);
            await Asyncio.WaitFor(innerTask, timeout: 0);
        }

        var exc = await AssertRaisesAsync<TimeoutError>(Foo);
        Assert.True(taskDone);
        Assert.IsType<CancelledError>(exc.InnerException);
    });

    [Fact]
    public void test_wait_for_reraises_exception_during_cancellation() => RunAsync(async () =>
    {
        async Coroutine Foo()
        {
            async Coroutine Inner()
            {
                try
                {
                    await Asyncio.Sleep(0.2);
                }
                finally
                {
                    throw new WaitForFooException();
                }
            }

            var innerTask = Asyncio.CreateTask(Inner());
            await Asyncio.WaitFor(innerTask, timeout: Epsilon);
        }

        await AssertRaisesAsync<WaitForFooException>(Foo);
    });

    [Fact]
    public void test_wait_for_self_cancellation() => RunAsync(async () =>
    {
        async Coroutine<int> Inner()
        {
            try
            {
                await Asyncio.Sleep(0.3);
            }
            catch (CancelledError)
            {
                try
                {
                    await Asyncio.Sleep(0.3);
                }
                catch (CancelledError)
                {
                    await Asyncio.Sleep(0.3);
                }
            }
            return 42;
        }

        var innerTask = Asyncio.CreateTask(Inner());
        var wait = Asyncio.WaitFor(innerTask, timeout: 0.1);
        // wait_for itself is cancellable even while the task holds up the first cancellation.
        var task = Asyncio.CreateTask(wait);
        await Asyncio.Sleep(0.2);
        task.Cancel();
        await AssertRaisesAsync<CancelledError>(async () => await task);
        Assert.Equal(42, await innerTask);
    });

    private async Coroutine TestCancelWaitFor(double? timeout)
    {
        var loop = (BaseEventLoop)Asyncio.GetRunningLoop();

        async Coroutine BlockingCoroutine()
        {
            var fut = loop.CreateFuture();
            // Block: the result is never set.
            await fut;
        }

        var task = Asyncio.CreateTask(BlockingCoroutine());
        var wait = Asyncio.CreateTask(Asyncio.WaitFor(task, timeout));
        loop.CallSoon(() => wait.Cancel());
        await AssertRaisesAsync<CancelledError>(async () => await wait);
        // Python issue #23219: cancelling the wait must also cancel the task.
        Assert.True(task.Cancelled());
    }

    [Fact]
    public void test_cancel_blocking_wait_for() => RunAsync(() => TestCancelWaitFor(null));

    [Fact]
    public void test_cancel_wait_for() => RunAsync(() => TestCancelWaitFor(60.0));
}
