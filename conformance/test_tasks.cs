using AsyncioSharp;
using Xunit;

namespace AsyncioSharp.Conformance;

/// <summary>
/// Ports of CPython's test_asyncio/test_tasks.py BaseTaskTests (run there once per Task/Future implementation; here
/// once, on AsyncioTask). CPython drives time with a virtual-time TestLoop; these run on the real loop with the same
/// (short) delays and check elapsed loop time with a tolerance.
/// </summary>
public class BaseTaskTests : LoopTestCase
{
    private static AsyncioTask NewTask(AbstractEventLoop loop, Coroutine coro, string? name = "TestTask") =>
        new(coro, loop, name);

    private static AsyncioTask<T> NewTask<T>(AbstractEventLoop loop, Coroutine<T> coro, string? name = "TestTask") =>
        new(coro, loop, name);

    private Future NewFuture(AbstractEventLoop loop) => new(loop);

    /// <summary>CPython's assertAlmostEqual on the TestLoop's virtual time, on real time: not sooner, not much later.</summary>
    private static void AssertElapsed(double expected, double elapsed) =>
        Assert.InRange(elapsed, expected - 0.002, expected + 0.5);

    private static void AssertSameSet<T>(IEnumerable<T> expected, IEnumerable<T> actual) where T : class =>
        Assert.True(new HashSet<object>(expected, ReferenceEqualityComparer.Instance).SetEquals(actual),
            "the sets differ");

#pragma warning disable CS1998 // Coroutines that finish without suspending, as CPython's tests have them.
    private static async Coroutine<string> NotMuch() => "ok";

    private static async Coroutine<T> Coro<T>(T value) => value;
#pragma warning restore CS1998

    [Fact]
    public void test_task_cancel_message_getter()
    {
        var t = NewTask(Loop, Asyncio.Sleep(0));
        Assert.Null(t.CancelMessage);
        t.Cancel("my message");
        var exc = Assert.Throws<CancelledError>(() => Loop.RunUntilComplete(t));
        Assert.Equal("my message", exc.Message);
    }

    [Fact]
    public void test_task_del_collect()
    {
        var tasks = Enumerable.Range(0, 100).Select(_ => (IAwaitable)NewTask(Loop, Coro(new object()))).ToArray();
        Loop.RunUntilComplete(Asyncio.Gather(tasks));
        GC.Collect();
    }

    [Fact]
    public void test_other_loop_future()
    {
        var otherLoop = Asyncio.NewEventLoop();
        var fut = NewFuture(otherLoop);

        async Coroutine Run(Future fut) => await fut;

        try
        {
            var exc = Assert.Throws<RuntimeError>(() => Loop.RunUntilComplete(Run(fut)));
            Assert.Matches("Task .* got Future .* attached", exc.Message);
        }
        finally
        {
            otherLoop.Close();
        }
    }

    [Fact]
    public void test_task_awaits_on_itself()
    {
        AsyncioTask? task = null;

        async Coroutine Test() => await task!;

        task = (AsyncioTask)Asyncio.EnsureFuture(Test(), Loop);
        var exc = Assert.Throws<RuntimeError>(() => Loop.RunUntilComplete(task));
        Assert.Contains("Task cannot await on itself", exc.Message);
    }

    [Fact]
    public void test_task_class()
    {
        var t = NewTask(Loop, NotMuch());
        Loop.RunUntilComplete(t);
        Assert.True(t.Done());
        Assert.Equal("ok", t.Result());
        Assert.Same(Loop, t.GetLoop());

        var loop = NewTestLoop();
        Asyncio.SetEventLoop(loop);
        t = NewTask(loop, NotMuch());
        Assert.Same(loop, t.GetLoop());
        loop.RunUntilComplete(t);
        loop.Close();
    }

    [Fact]
    public void test_ensure_future_coroutine()
    {
        var t = Asyncio.EnsureFuture(NotMuch(), Loop);
        Assert.Same(Loop, t.GetLoop());
        Loop.RunUntilComplete(t);
        Assert.True(t.Done());
        Assert.Equal("ok", t.Result());

#pragma warning disable CS1998
        async Coroutine<Future> Test() => Asyncio.EnsureFuture(NotMuch());
#pragma warning restore CS1998
        t = Loop.RunUntilComplete(Test());
        Assert.Same(Loop, t.GetLoop());
        Loop.RunUntilComplete(t);
        Assert.Equal("ok", t.Result());

        Asyncio.SetEventLoop(Loop);
        t = Asyncio.EnsureFuture(NotMuch());
        Assert.Same(Loop, t.GetLoop());
        Loop.RunUntilComplete(t);
        Assert.Equal("ok", t.Result());
    }

    [Fact]
    public void test_ensure_future_future()
    {
        var fOrig = NewFuture(Loop);
        fOrig.SetResult("ko");
        var f = Asyncio.EnsureFuture(fOrig);
        Loop.RunUntilComplete(f);
        Assert.True(f.Done());
        Assert.Equal("ko", f.Result());
        Assert.Same(fOrig, f);

        var loop = NewTestLoop();
        Asyncio.SetEventLoop(loop);
        Assert.Throws<ValueError>(() => Asyncio.EnsureFuture(fOrig, loop));
        loop.Close();
        Assert.Same(fOrig, Asyncio.EnsureFuture(fOrig, Loop));
    }

    [Fact]
    public void test_ensure_future_task()
    {
        var tOrig = NewTask(Loop, NotMuch());
        var t = Asyncio.EnsureFuture(tOrig);
        Loop.RunUntilComplete(t);
        Assert.True(t.Done());
        Assert.Equal("ok", t.Result());
        Assert.Same(tOrig, t);

        var loop = NewTestLoop();
        Asyncio.SetEventLoop(loop);
        Assert.Throws<ValueError>(() => Asyncio.EnsureFuture(tOrig, loop));
        loop.Close();
        Assert.Same(tOrig, Asyncio.EnsureFuture(tOrig, Loop));
    }

    [Fact]
    public void test_ensure_future_error_msg()
    {
        var loop = NewTestLoop();
        var f = NewFuture(Loop);
        var exc = Assert.Throws<ValueError>(() => Asyncio.EnsureFuture(f, loop));
        Assert.Contains("The future belongs to a different loop than the one specified as the loop argument", exc.Message);
        loop.Close();
    }

    [Fact]
    public void test_task_repr_autogenerated()
    {
        var t1 = NewTask(Loop, Coro(123), null);
        var t2 = NewTask(Loop, Coro(123), null);
        Assert.NotEqual(t1.ToString(), t2.ToString());
        var match1 = System.Text.RegularExpressions.Regex.Match(t1.ToString(), @"^<Task pending name='Task-(\d+)'");
        var match2 = System.Text.RegularExpressions.Regex.Match(t2.ToString(), @"^<Task pending name='Task-(\d+)'");
        Assert.True(match1.Success);
        Assert.True(match2.Success);
        // Autogenerated task names have monotonically increasing numbers.
        Assert.True(long.Parse(match1.Groups[1].Value) < long.Parse(match2.Groups[1].Value));
        Loop.RunUntilComplete(t1);
        Loop.RunUntilComplete(t2);
    }

    [Fact]
    public void test_task_repr_name_not_str()
    {
        var t = NewTask(Loop, Coro(123));
        t.SetName(6);
        Assert.Equal("6", t.GetName());
        Loop.RunUntilComplete(t);
    }

    [Fact]
    public void test_task_repr_wait_for()
    {
        Loop.SetDebug(false);
        var fut = NewFuture(Loop);

        async Coroutine<object?> WaitFor(Future fut) => await fut;

        var task = NewTask(Loop, WaitFor(fut));
        RunBriefly();
        Assert.Matches("<Task .* wait_for=" + System.Text.RegularExpressions.Regex.Escape(fut.ToString()) + ">", task.ToString());
        fut.SetResult(null);
        Loop.RunUntilComplete(task);
    }

    [Fact]
    public void test_task_basics()
    {
#pragma warning disable CS1998
        async Coroutine<int> Inner1() => 42;

        async Coroutine<int> Inner2() => 1000;
#pragma warning restore CS1998

        async Coroutine<int> Outer()
        {
            var a = await Inner1();
            var b = await Inner2();
            return a + b;
        }

        Assert.Equal(1042, Loop.RunUntilComplete(Outer()));
    }

    [Fact]
    public void test_cancelling()
    {
        var t = NewTask(Loop, Asyncio.Sleep(10));
        Assert.Equal(0, t.Cancelling());
        Assert.DoesNotContain(" cancelling ", t.ToString());
        Assert.True(t.Cancel());
        Assert.True(t.Cancelling() > 0);
        Assert.Contains(" cancelling ", t.ToString());
        Assert.True(t.Cancel());
        Assert.Throws<CancelledError>(() => Loop.RunUntilComplete(t));
    }

    [Fact]
    public void test_uncancel_basic()
    {
        async Coroutine Task()
        {
            try
            {
                await Asyncio.Sleep(10);
            }
            catch (CancelledError)
            {
                Asyncio.CurrentTask()!.Uncancel();
                await Asyncio.Sleep(10);
            }
        }

        var t = NewTask(Loop, Task());
        Loop.RunUntilComplete(Asyncio.Sleep(0.01));

        // Cancel the first sleep.
        Assert.True(t.Cancel());
        Assert.Contains(" cancelling ", t.ToString());
        Assert.Equal(1, t.Cancelling());
        Assert.False(t.Cancelled());
        Loop.RunUntilComplete(Asyncio.Sleep(0.01));

        // After uncancel().
        Assert.DoesNotContain(" cancelling ", t.ToString());
        Assert.Equal(0, t.Cancelling());
        Assert.False(t.Cancelled());

        // Cancel the second sleep.
        Assert.True(t.Cancel());
        Assert.Equal(1, t.Cancelling());
        Assert.False(t.Cancelled());
        Assert.Throws<CancelledError>(() => Loop.RunUntilComplete(t));
        Assert.True(t.Cancelled());
        Assert.True(t.Done());

        // uncancel() has no effect once the task is complete.
        t.Uncancel();
        Assert.True(t.Cancelled());
        Assert.True(t.Done());
    }

    [Fact]
    public void test_uncancel_structured_blocks()
    {
        async Coroutine<(bool, bool, bool)> MakeRequestWithTimeout(double sleep, double timeout)
        {
            var task = Asyncio.CurrentTask()!;
            var loop = task.GetLoop();
            var timedOut = false;
            var structuredBlockFinished = false;
            var timeoutHandle = loop.CallLater(timeout, () =>
            {
                timedOut = true;
                task.Cancel();
            });
            try
            {
                try
                {
                    // The structured block affected by the timeout.
                    await Asyncio.Sleep(sleep);
                    structuredBlockFinished = true;
                }
                catch (CancelledError) when (timedOut)
                {
                    timeoutHandle.Cancel();
                    if (task.Uncancel() == 0)
                    {
                        throw new TimeoutError();
                    }
                    throw;
                }
                finally
                {
                    timeoutHandle.Cancel();
                }
            }
            catch (TimeoutError)
            {
                Assert.True(timedOut);
            }
            // Outer code not affected by the timeout.
            var outerCodeReached = true;
            await Asyncio.Sleep(0);
            return (timedOut, structuredBlockFinished, outerCodeReached);
        }

        var t1 = NewTask(Loop, MakeRequestWithTimeout(sleep: 10.0, timeout: 0.1));
        var (timedOut, structuredBlockFinished, outerCodeReached) = Loop.RunUntilComplete(t1);
        Assert.True(timedOut);
        Assert.False(structuredBlockFinished);
        Assert.True(outerCodeReached);
        Assert.Equal(0, t1.Cancelling());

        var t2 = NewTask(Loop, MakeRequestWithTimeout(sleep: 0, timeout: 10.0));
        (timedOut, structuredBlockFinished, outerCodeReached) = Loop.RunUntilComplete(t2);
        Assert.False(timedOut);
        Assert.True(structuredBlockFinished);
        Assert.True(outerCodeReached);
        Assert.Equal(0, t2.Cancelling());
    }

    [Fact]
    public void test_cancel()
    {
        async Coroutine<int> Task()
        {
            await Asyncio.Sleep(10.0);
            return 12;
        }

        var t = NewTask(Loop, Task());
        Loop.CallSoon(() => t.Cancel());
        Assert.Throws<CancelledError>(() => Loop.RunUntilComplete(t));
        Assert.True(t.Done());
        Assert.True(t.Cancelled());
        Assert.False(t.Cancel());
    }

    private void CancelWithMessageThen(Action<AsyncioTask> retrieve)
    {
        foreach (var (cancelArg, expected) in new[] { ((string?)null, ""), ("my message", "my message") })
        {
            var loop = NewTestLoop();
            Asyncio.SetEventLoop(loop);

            async Coroutine Coro()
            {
                var task = NewTask(loop, Asyncio.Sleep(10));
                await Asyncio.Sleep(0);
                task.Cancel(cancelArg);
                await Asyncio.Wait(new[] { task });
                retrieve(task);
            }

            var task = NewTask(loop, Coro());
            var exc = Assert.Throws<CancelledError>(() => loop.RunUntilComplete(task));
            Assert.Equal(expected, exc.Message);
            loop.Close();
        }
    }

    [Fact]
    public void test_cancel_with_message_then_future_result() => CancelWithMessageThen(task => task.Result());

    [Fact]
    public void test_cancel_with_message_then_future_exception() => CancelWithMessageThen(task => task.Exception());

    [Fact]
    public void test_cancellation_exception_context()
    {
        var fut = Loop.CreateFuture();

        async Coroutine Sleep()
        {
            fut.SetResult(null);
            await Asyncio.Sleep(10);
        }

        async Coroutine Coro()
        {
            var innerTask = NewTask(Loop, Sleep());
            await fut;
            Loop.CallSoon(() => innerTask.Cancel("msg"));
            try
            {
                await innerTask;
            }
            catch (CancelledError ex)
            {
                throw new RuntimeError("cancelled", ex);
            }
        }

        var task = NewTask(Loop, Coro());
        var exc = Assert.Throws<RuntimeError>(() => Loop.RunUntilComplete(task));
        Assert.Equal("cancelled", exc.Message);
        var inner = Assert.IsType<CancelledError>(exc.InnerException);
        Assert.Equal("msg", inner.Message);
    }

    [Fact]
    public void test_cancel_with_message_before_starting_task()
    {
        async Coroutine Coro()
        {
            var task = NewTask(Loop, Asyncio.Sleep(10));
            // The sleep is left out on purpose.
            task.Cancel("my message");
            await Asyncio.Wait(new[] { task });
            task.Exception();
        }

        var task = NewTask(Loop, Coro());
        var exc = Assert.Throws<CancelledError>(() => Loop.RunUntilComplete(task));
        Assert.Equal("my message", exc.Message);
    }

    [Fact]
    public void test_cancel_yield()
    {
        async Coroutine<int> Task()
        {
            await Asyncio.Sleep(0);
            await Asyncio.Sleep(0);
            return 12;
        }

        var t = NewTask(Loop, Task());
        RunBriefly();
        t.Cancel();
        Assert.Throws<CancelledError>(() => Loop.RunUntilComplete(t));
        Assert.True(t.Done());
        Assert.True(t.Cancelled());
        Assert.False(t.Cancel());
    }

    [Fact]
    public void test_cancel_inner_future()
    {
        var f = NewFuture(Loop);

        async Coroutine<int> Task()
        {
            await f;
            return 12;
        }

        var t = NewTask(Loop, Task());
        RunBriefly();
        f.Cancel();
        Assert.Throws<CancelledError>(() => Loop.RunUntilComplete(t));
        Assert.True(f.Cancelled());
        Assert.True(t.Cancelled());
    }

    [Fact]
    public void test_cancel_both_task_and_inner_future()
    {
        var f = NewFuture(Loop);

        async Coroutine<int> Task()
        {
            await f;
            return 12;
        }

        var t = NewTask(Loop, Task());
        RunBriefly();
        f.Cancel();
        t.Cancel();
        Assert.Throws<CancelledError>(() => Loop.RunUntilComplete(t));
        Assert.True(t.Done());
        Assert.True(f.Cancelled());
        Assert.True(t.Cancelled());
    }

    [Fact]
    public void test_cancel_task_catching()
    {
        var fut1 = NewFuture(Loop);
        var fut2 = NewFuture(Loop);

        async Coroutine<int> Task()
        {
            await fut1;
            try
            {
                await fut2;
            }
            catch (CancelledError)
            {
                return 42;
            }
            return 0;
        }

        var t = NewTask(Loop, Task());
        RunBriefly();
        fut1.SetResult(null);
        RunBriefly();
        t.Cancel();
        Assert.True(fut2.Cancelled());
        Assert.Equal(42, Loop.RunUntilComplete(t));
        Assert.False(t.Cancelled());
    }

    [Fact]
    public void test_cancel_task_ignoring()
    {
        var fut1 = NewFuture(Loop);
        var fut2 = NewFuture(Loop);
        var fut3 = new Future<int>(Loop);

        async Coroutine<int> Task()
        {
            await fut1;
            try
            {
                await fut2;
            }
            catch (CancelledError)
            {
            }
            return await fut3;
        }

        var t = NewTask(Loop, Task());
        RunBriefly();
        fut1.SetResult(null);
        RunBriefly();
        t.Cancel();
        Assert.True(fut2.Cancelled());
        RunBriefly();
        fut3.SetResult(42);
        Assert.Equal(42, Loop.RunUntilComplete(t));
        Assert.False(fut3.Cancelled());
        Assert.False(t.Cancelled());
    }

    [Fact]
    public void test_cancel_current_task()
    {
        AsyncioTask<int>? t = null;

        async Coroutine<int> Task()
        {
            t!.Cancel();
            // The sleep is cancelled at once.
            await Asyncio.Sleep(100);
            return 12;
        }

        t = NewTask(Loop, Task());
        Assert.False(t.Cancelled());
        Assert.Throws<CancelledError>(() => Loop.RunUntilComplete(t));
        Assert.True(t.Done());
        Assert.True(t.Cancelled());
        Assert.False(t.Cancel());
    }

    [Fact]
    public void test_cancel_at_end()
    {
        AsyncioTask<int>? t = null;

#pragma warning disable CS1998
        async Coroutine<int> Task()
        {
            t!.Cancel();
            return 12;
        }
#pragma warning restore CS1998

        t = NewTask(Loop, Task());
        Assert.False(t.Cancelled());
        Assert.Throws<CancelledError>(() => Loop.RunUntilComplete(t));
        Assert.True(t.Done());
        Assert.True(t.Cancelled());
        Assert.False(t.Cancel());
    }

    [Fact]
    public void test_cancel_awaited_task()
    {
        // A task cancelled while not blocked (it cancels itself) cancels the next thing it awaits (bpo-34872).
        AsyncioTask? task = null, nestedTask = null;
        var fut = NewFuture(Loop);

        async Coroutine Nested() => await fut;

        async Coroutine Coro()
        {
            nestedTask = NewTask(Loop, Nested());
            await Asyncio.Sleep(0);
            task!.Cancel();
            await nestedTask;
        }

        task = NewTask(Loop, Coro());
        Assert.Throws<CancelledError>(() => Loop.RunUntilComplete(task));
        Assert.True(task.Cancelled());
        Assert.True(nestedTask!.Cancelled());
        Assert.True(fut.Cancelled());
    }

    [Fact]
    public void test_stop_while_run_in_complete()
    {
        var x = 0;

        async Coroutine Task()
        {
            while (x < 10)
            {
                await Asyncio.Sleep(0.1);
                x += 1;
                if (x == 2)
                {
                    Loop.Stop();
                }
            }
        }

        var t = NewTask(Loop, Task());
        var exc = Assert.Throws<RuntimeError>(() => Loop.RunUntilComplete(t));
        Assert.Equal("Event loop stopped before Future completed.", exc.Message);
        Assert.False(t.Done());
        Assert.Equal(2, x);
        t.Cancel();
        Assert.Throws<CancelledError>(() => Loop.RunUntilComplete(t));
    }

    [Fact]
    public void test_wait()
    {
        var t0 = Loop.Time();
        var a = NewTask(Loop, Asyncio.Sleep(0.1));
        var b = NewTask(Loop, Asyncio.Sleep(0.15));

        async Coroutine<int> Foo()
        {
            var (done, pending) = await Asyncio.Wait(new[] { b, a });
            AssertSameSet(new[] { a, b }, done);
            Assert.Empty(pending);
            return 42;
        }

        Assert.Equal(42, Loop.RunUntilComplete(NewTask(Loop, Foo())));
        AssertElapsed(0.15, Loop.Time() - t0);
        // Again: no time, and another path.
        var t1 = Loop.Time();
        Assert.Equal(42, Loop.RunUntilComplete(NewTask(Loop, Foo())));
        AssertElapsed(0, Loop.Time() - t1);
    }

    [Fact]
    public void test_wait_duplicate_coroutines()
    {
        var c = Loop.CreateTask(Coro("test"));
        var task = NewTask(Loop, Asyncio.Wait(new[] { c, c, Loop.CreateTask(Coro("spam")) }));
        var (done, pending) = Loop.RunUntilComplete(task);
        Assert.Empty(pending);
        Assert.Equal(new HashSet<string> { "test", "spam" }, done.Select(f => f.Result()).ToHashSet());
    }

    [Fact]
    public void test_wait_errors()
    {
        Assert.Throws<ValueError>(() => Loop.RunUntilComplete(Asyncio.Wait(new HashSet<Future>())));
        var sleepTask = Loop.CreateTask(Asyncio.Sleep(10.0));
        var exc = Assert.Throws<ValueError>(() => Loop.RunUntilComplete(Asyncio.Wait(new[] { sleepTask }, returnWhen: "-1")));
        Assert.Equal("Invalid return_when value: -1", exc.Message);
        sleepTask.Cancel();
        Assert.Throws<CancelledError>(() => Loop.RunUntilComplete(sleepTask));
    }

    [Fact]
    public void test_wait_first_completed()
    {
        var t0 = Loop.Time();
        var a = NewTask(Loop, Asyncio.Sleep(10.0));
        var b = NewTask(Loop, Asyncio.Sleep(0.1));
        var task = NewTask(Loop, Asyncio.Wait(new[] { b, a }, returnWhen: Asyncio.FIRST_COMPLETED));
        var (done, pending) = Loop.RunUntilComplete(task);
        AssertSameSet(new[] { b }, done);
        AssertSameSet(new[] { a }, pending);
        Assert.False(a.Done());
        Assert.True(b.Done());
        Assert.Null(b.Result());
        AssertElapsed(0.1, Loop.Time() - t0);
        a.Cancel();
        Loop.RunUntilComplete(Asyncio.Wait(new[] { a, b }));
    }

    [Fact]
    public void test_wait_really_done()
    {
        // Some tasks in the pending list may be done before all their callbacks ran.
        async Coroutine Coro1() => await Asyncio.Sleep(0);

        async Coroutine Coro2()
        {
            await Asyncio.Sleep(0);
            await Asyncio.Sleep(0);
        }

        var a = NewTask(Loop, Coro1());
        var b = NewTask(Loop, Coro2());
        var task = NewTask(Loop, Asyncio.Wait(new[] { b, a }, returnWhen: Asyncio.FIRST_COMPLETED));
        var (done, _) = Loop.RunUntilComplete(task);
        AssertSameSet(new[] { a, b }, done);
        Assert.True(a.Done());
        Assert.Null(a.Result());
        Assert.True(b.Done());
        Assert.Null(b.Result());
    }

    [Fact]
    public void test_wait_first_exception()
    {
        var t0 = Loop.Time();
        // FIRST_EXCEPTION, a task already has the exception.
        var a = NewTask(Loop, Asyncio.Sleep(10.0));

#pragma warning disable CS1998
        async Coroutine Exc() => throw new DivideByZeroException("err");
#pragma warning restore CS1998

        var b = NewTask(Loop, Exc());
        var task = NewTask(Loop, Asyncio.Wait(new[] { b, a }, returnWhen: Asyncio.FIRST_EXCEPTION));
        var (done, pending) = Loop.RunUntilComplete(task);
        AssertSameSet(new[] { b }, done);
        AssertSameSet(new[] { a }, pending);
        AssertElapsed(0, Loop.Time() - t0);
        a.Cancel();
        Loop.RunUntilComplete(Asyncio.Wait(new[] { a, b }));
        b.Exception();
    }

    [Fact]
    public void test_wait_first_exception_in_wait()
    {
        var t0 = Loop.Time();
        // FIRST_EXCEPTION, the exception comes while waiting.
        var a = NewTask(Loop, Asyncio.Sleep(10.0));

        async Coroutine Exc()
        {
            await Asyncio.Sleep(0.01);
            throw new DivideByZeroException("err");
        }

        var b = NewTask(Loop, Exc());
        var (done, pending) = Loop.RunUntilComplete(Asyncio.Wait(new[] { b, a }, returnWhen: Asyncio.FIRST_EXCEPTION));
        AssertSameSet(new[] { b }, done);
        AssertSameSet(new[] { a }, pending);
        AssertElapsed(0.01, Loop.Time() - t0);
        a.Cancel();
        Loop.RunUntilComplete(Asyncio.Wait(new[] { a, b }));
        b.Exception();
    }

    [Fact]
    public void test_wait_with_exception()
    {
        var t0 = Loop.Time();
        var a = NewTask(Loop, Asyncio.Sleep(0.1));

        async Coroutine Sleeper()
        {
            await Asyncio.Sleep(0.15);
            throw new DivideByZeroException("really");
        }

        var b = NewTask(Loop, Sleeper());

        async Coroutine Foo()
        {
            var (done, pending) = await Asyncio.Wait(new[] { b, a });
            Assert.Equal(2, done.Count);
            Assert.Empty(pending);
            Assert.Single(done.Where(f => f.Exception() is not null));
        }

        Loop.RunUntilComplete(NewTask(Loop, Foo()));
        AssertElapsed(0.15, Loop.Time() - t0);
        Loop.RunUntilComplete(NewTask(Loop, Foo()));
        AssertElapsed(0.15, Loop.Time() - t0);
    }

    [Fact]
    public void test_wait_with_timeout()
    {
        var t0 = Loop.Time();
        var a = NewTask(Loop, Asyncio.Sleep(0.1));
        var b = NewTask(Loop, Asyncio.Sleep(0.15));

        async Coroutine Foo()
        {
            var (done, pending) = await Asyncio.Wait(new[] { b, a }, timeout: 0.11);
            AssertSameSet(new[] { a }, done);
            AssertSameSet(new[] { b }, pending);
        }

        Loop.RunUntilComplete(NewTask(Loop, Foo()));
        AssertElapsed(0.11, Loop.Time() - t0);
        Loop.RunUntilComplete(Asyncio.Wait(new[] { a, b }));
    }

    [Fact]
    public void test_wait_concurrent_complete()
    {
        var t0 = Loop.Time();
        var a = NewTask(Loop, Asyncio.Sleep(0.1));
        var b = NewTask(Loop, Asyncio.Sleep(0.15));
        var (done, pending) = Loop.RunUntilComplete(Asyncio.Wait(new[] { b, a }, timeout: 0.1));
        // On a real clock the 0.1 s timeout and the 0.1 s sleep race; CPython's virtual clock ties them.
        Assert.Contains(b, pending);
        AssertElapsed(0.1, Loop.Time() - t0);
        Loop.RunUntilComplete(Asyncio.Wait(new[] { a, b }));
        Assert.True(a.Done());
        Assert.Equal(2, done.Count + pending.Count);
    }

    [Fact]
    public void test_wait_with_iterator_of_tasks()
    {
        var t0 = Loop.Time();
        var a = NewTask(Loop, Asyncio.Sleep(0.1));
        var b = NewTask(Loop, Asyncio.Sleep(0.15));

        async Coroutine<int> Foo()
        {
            var (done, pending) = await Asyncio.Wait(new[] { b, a }.AsEnumerable().Select(t => t));
            AssertSameSet(new[] { a, b }, done);
            Assert.Empty(pending);
            return 42;
        }

        Assert.Equal(42, Loop.RunUntilComplete(NewTask(Loop, Foo())));
        AssertElapsed(0.15, Loop.Time() - t0);
    }

    [Fact]
    public void test_sleep()
    {
        var t0 = Loop.Time();

        async Coroutine<string> Sleeper(double dt, string arg)
        {
            await Asyncio.Sleep(dt / 2);
            return await Asyncio.Sleep(dt / 2, arg);
        }

        var t = NewTask(Loop, Sleeper(0.1, "yeah"));
        Loop.RunUntilComplete(t);
        Assert.True(t.Done());
        Assert.Equal("yeah", t.Result());
        AssertElapsed(0.1, Loop.Time() - t0);
    }

    [Fact]
    public void test_task_cancel_sleeping_task()
    {
        var t0 = Loop.Time();

        async Coroutine<string> Doit()
        {
            var sleeper = NewTask(Loop, Asyncio.Sleep(5000));
            Loop.CallLater(0.1, () => sleeper.Cancel());
            try
            {
                await sleeper;
            }
            catch (CancelledError)
            {
                return "cancelled";
            }
            return "slept in";
        }

        Assert.Equal("cancelled", Loop.RunUntilComplete(Doit()));
        AssertElapsed(0.1, Loop.Time() - t0);
    }

    [Fact]
    public void test_task_cancel_waiter_future()
    {
        var fut = NewFuture(Loop);

        async Coroutine Coro() => await fut;

        var task = NewTask(Loop, Coro());
        RunBriefly();
        Assert.Contains("wait_for=", task.ToString());
        task.Cancel();
        RunBriefly();
        Assert.Throws<CancelledError>(() => Loop.RunUntilComplete(task));
        Assert.DoesNotContain("wait_for=", task.ToString());
        Assert.True(fut.Cancelled());
    }

    [Fact]
    public void test_task_set_methods()
    {
        var task = NewTask(Loop, Coro("ko"));
        var exc = Assert.Throws<RuntimeError>(() => task.SetResult("ok"));
        Assert.Contains("not support set_result", exc.Message);
        exc = Assert.Throws<RuntimeError>(() => task.SetException(new ValueError("")));
        Assert.Contains("not support set_exception", exc.Message);
        Assert.Equal("ko", Loop.RunUntilComplete(task));
    }

    [Fact]
    public void test_step_result_future()
    {
        // A task waits on the future its coroutine awaits.
        var fut = NewFuture(Loop);
        object? result = null;

        async Coroutine WaitForFuture()
        {
            result = await fut;
        }

        var t = NewTask(Loop, WaitForFuture());
        RunBriefly();
        Assert.False(t.Done());
        var res = new object();
        fut.SetResult(res);
        RunBriefly();
        Assert.Same(res, result);
        Assert.True(t.Done());
        Assert.Null(t.Result());
    }

    [Fact]
    public void test_coroutine_non_gen_function()
    {
        Assert.Equal("test", Loop.RunUntilComplete(Coro("test")));
    }

    [Fact]
    public void test_coroutine_non_gen_function_return_future()
    {
        var fut = NewFuture(Loop);

#pragma warning disable CS1998
        async Coroutine<Future> Func() => fut;

        async Coroutine Coro2() => fut.SetResult("test");
#pragma warning restore CS1998

        var t1 = NewTask(Loop, Func());
        var t2 = NewTask(Loop, Coro2());
        Assert.Same(fut, Loop.RunUntilComplete(t1));
        Assert.Null(t2.Result());
    }

    [Fact]
    public void test_current_task()
    {
        Assert.Null(Asyncio.CurrentTask(Loop));
        AsyncioTask? task = null;

#pragma warning disable CS1998
        async Coroutine Coro()
        {
            Assert.Same(task, Asyncio.CurrentTask());
            Assert.Same(task, Asyncio.CurrentTask(null));
        }
#pragma warning restore CS1998

        task = NewTask(Loop, Coro());
        Loop.RunUntilComplete(task);
        Assert.Null(Asyncio.CurrentTask(Loop));
    }

    [Fact]
    public void test_current_task_with_interleaving_tasks()
    {
        Assert.Null(Asyncio.CurrentTask(Loop));
        var fut1 = NewFuture(Loop);
        var fut2 = NewFuture(Loop);
        AsyncioTask? task1 = null, task2 = null;

        async Coroutine Coro1()
        {
            Assert.Same(task1, Asyncio.CurrentTask());
            await fut1;
            Assert.Same(task1, Asyncio.CurrentTask());
            fut2.SetResult(true);
        }

        async Coroutine Coro2()
        {
            Assert.Same(task2, Asyncio.CurrentTask());
            fut1.SetResult(true);
            await fut2;
            Assert.Same(task2, Asyncio.CurrentTask());
        }

        task1 = NewTask(Loop, Coro1());
        task2 = NewTask(Loop, Coro2());
        Loop.RunUntilComplete(Asyncio.Wait(new[] { task1, task2 }));
        Assert.Null(Asyncio.CurrentTask(Loop));
    }

    [Fact]
    public void test_yield_future_passes_cancel()
    {
        // Cancelling outer() cancels inner(), which cancels the waiter.
        var proof = 0;
        var waiter = NewFuture(Loop);

        async Coroutine Inner()
        {
            try
            {
                await waiter;
            }
            catch (CancelledError)
            {
                proof += 1;
                throw;
            }
            Assert.Fail("got past sleep() in inner()");
        }

        async Coroutine Outer()
        {
            try
            {
                await Inner();
                proof += 10;
            }
            catch (CancelledError)
            {
                // The expected path.
                proof += 100;
            }
        }

        var f = Asyncio.EnsureFuture(Outer(), Loop);
        RunBriefly();
        f.Cancel();
        Loop.RunUntilComplete(f);
        Assert.Equal(101, proof);
        Assert.True(waiter.Cancelled());
    }

    [Fact]
    public void test_yield_wait_does_not_shield_cancel()
    {
        // Cancelling outer() makes wait() return early and leaves inner() running.
        var proof = 0;
        var waiter = NewFuture(Loop);

        async Coroutine Inner()
        {
            await waiter;
            proof += 1;
        }

        async Coroutine Outer()
        {
            await Asyncio.Wait(new[] { Asyncio.CreateTask(Inner()) });
            proof += 100;
        }

        var f = Asyncio.EnsureFuture(Outer(), Loop);
        RunBriefly();
        f.Cancel();
        Assert.Throws<CancelledError>(() => Loop.RunUntilComplete(f));
        waiter.SetResult(null);
        RunBriefly();
        Assert.Equal(1, proof);
    }

    [Fact]
    public void test_shield_result()
    {
        var inner = NewFuture(Loop);
        var outer = Asyncio.Shield(inner);
        inner.SetResult(42);
        Assert.Equal(42, Loop.RunUntilComplete(outer));
    }

    [Fact]
    public void test_shield_exception()
    {
        var inner = NewFuture(Loop);
        var outer = Asyncio.Shield(inner);
        RunBriefly();
        var exc = new RuntimeError("expected");
        inner.SetException(exc);
        RunBriefly();
        Assert.Same(exc, outer.Exception());
    }

    [Fact]
    public void test_shield_cancel_inner()
    {
        var inner = NewFuture(Loop);
        var outer = Asyncio.Shield(inner);
        RunBriefly();
        inner.Cancel();
        RunBriefly();
        Assert.True(outer.Cancelled());
    }

    [Fact]
    public void test_shield_cancel_outer()
    {
        var inner = NewFuture(Loop);
        var outer = Asyncio.Shield(inner);
        RunBriefly();
        outer.Cancel();
        RunBriefly();
        Assert.True(outer.Cancelled());
        Assert.False(inner.Cancelled());
    }

    [Fact]
    public void test_shield_shortcut()
    {
        var fut = NewFuture(Loop);
        fut.SetResult(42);
        Assert.Same(fut, Asyncio.Shield(fut));
        Assert.Equal(42, Loop.RunUntilComplete(Asyncio.Shield(fut)));
    }

    [Fact]
    public void test_shield_effect()
    {
        // Cancelling outer() does not affect inner().
        var proof = 0;
        var waiter = NewFuture(Loop);

        async Coroutine Inner()
        {
            await waiter;
            proof += 1;
        }

        async Coroutine Outer()
        {
            await Asyncio.Shield(Inner());
            proof += 100;
        }

        var f = Asyncio.EnsureFuture(Outer(), Loop);
        RunBriefly();
        f.Cancel();
        Assert.Throws<CancelledError>(() => Loop.RunUntilComplete(f));
        waiter.SetResult(null);
        RunBriefly();
        Assert.Equal(1, proof);
    }

    [Fact]
    public void test_shield_gather()
    {
        var child1 = NewFuture(Loop);
        var child2 = NewFuture(Loop);
        var parent = Asyncio.Gather(child1, child2);
        var outer = Asyncio.Shield(parent);
        RunBriefly();
        outer.Cancel();
        RunBriefly();
        Assert.True(outer.Cancelled());
        child1.SetResult(1);
        child2.SetResult(2);
        RunBriefly();
        Assert.Equal(new object?[] { 1, 2 }, parent.Result());
    }

    [Fact]
    public void test_gather_shield()
    {
        var child1 = NewFuture(Loop);
        var child2 = NewFuture(Loop);
        var inner1 = Asyncio.Shield(child1);
        var inner2 = Asyncio.Shield(child2);
        var parent = Asyncio.Gather(inner1, inner2);
        RunBriefly();
        parent.Cancel();
        // This cancels inner1 and inner2 but not child1 and child2.
        RunBriefly();
        Assert.IsType<CancelledError>(parent.Exception());
        Assert.True(inner1.Cancelled());
        Assert.True(inner2.Cancelled());
        child1.SetResult(1);
        child2.SetResult(2);
        RunBriefly();
    }

    [Fact]
    public void test_shield_coroutine_use_running_loop()
    {
#pragma warning disable CS1998
        async Coroutine<Future<int>> Test() => Asyncio.Shield(Coro(42));
#pragma warning restore CS1998
        var outer = Loop.RunUntilComplete(Test());
        Assert.Same(Loop, outer.GetLoop());
        Assert.Equal(42, Loop.RunUntilComplete(outer));
    }

    [Fact]
    public void test_shield_coroutine_use_global_loop()
    {
        Asyncio.SetEventLoop(Loop);
        var outer = Asyncio.Shield(Coro(42));
        Assert.Same(Loop, outer.GetLoop());
        Assert.Equal(42, Loop.RunUntilComplete(outer));
    }

    [Fact]
    public void test_wait_invalid_args()
    {
        // C# types reject a single future or coroutine at compile time; a coroutine in the list and an empty list remain.
        var coro = Coro(1);
        var exc = Assert.Throws<TypeError>(() => Loop.RunUntilComplete(Asyncio.Wait(new IAwaitable[] { coro })));
        Assert.Equal("Passing coroutines is forbidden, use tasks explicitly.", exc.Message);
        Assert.Throws<ValueError>(() => Loop.RunUntilComplete(Asyncio.Wait(Array.Empty<Future>())));
    }

    [Fact]
    public void test_log_destroyed_pending_task()
    {
        var unhandled = new List<IReadOnlyDictionary<string, object?>>();
        CustomExceptionHandler = true;
        Loop.SetExceptionHandler((_, context) => unhandled.Add(context));

        async Coroutine KillMe(AbstractEventLoop loop)
        {
            var future = NewFuture(loop);
            await future;
            // The only reference to the task is now its wake-up callback in the future.
            throw new Exception("code never reached");
        }

        void Schedule()
        {
            var task = Asyncio.EnsureFuture(KillMe(Loop), Loop);
            Assert.Equal(new HashSet<AsyncioTask> { (AsyncioTask)task }, Asyncio.AllTasks(Loop));
        }

        Schedule();
        // Run the task until it waits for its future.
        RunBriefly();
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        Assert.Empty(Asyncio.AllTasks(Loop));
        // The report is delivered through the loop.
        RunBriefly();
        Assert.Contains(unhandled, c => (string?)c.GetValueOrDefault("message") == "Task was destroyed but it is pending!");
    }

    [Fact]
    public void test_tb_logger_not_called_after_cancel()
    {
#pragma warning disable CS1998
        async Coroutine Coro() => throw new TypeError("");
#pragma warning restore CS1998

        async Coroutine Runner()
        {
            var task = NewTask(Loop, Coro());
            await Asyncio.Sleep(0.05);
            task.Cancel();
        }

        Loop.RunUntilComplete(Runner());
        GC.Collect();
        GC.WaitForPendingFinalizers();
        // The base class fails the test if "exception was never retrieved" was reported.
        TakeUnhandled().ForEach(c => Assert.NotEqual("Task exception was never retrieved", c.GetValueOrDefault("message")));
    }
}
