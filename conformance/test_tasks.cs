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
}
