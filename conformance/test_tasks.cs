using AsyncioSharp;
using Xunit;

namespace AsyncioSharp.Conformance;

/// <summary>An IAwaitable that is neither a future nor a coroutine (CPython's tests pass 'ok' or {}).</summary>
internal sealed class NeitherFutureNorCoroutine : IAwaitable
{
}

internal sealed class TaskFactoryNameError : Exception
{
}

internal sealed class TasksMyExc : Exception
{
}

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
        Assert.InRange(elapsed, expected - 0.002, expected + 1.0);

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
    public void test_ensure_future_neither()
    {
        Assert.Throws<TypeError>(() => Asyncio.EnsureFuture(new NeitherFutureNorCoroutine()));
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
    public void test_as_completed()
    {
        var t0 = Loop.Time();
        var completed = new HashSet<string>();

        async Coroutine<string> Sleeper(double dt, string x)
        {
            await Asyncio.Sleep(dt);
            completed.Add(x);
            return x;
        }

        var a = Sleeper(0.01, "a");
        var b = Sleeper(0.01, "b");
        var c = Sleeper(0.15, "c");

        async Coroutine<List<string>> Foo()
        {
            var values = new List<string>();
            foreach (var f in Asyncio.AsCompleted(new[] { b, c, a }))
            {
                values.Add(await f);
            }
            return values;
        }

        var res = Loop.RunUntilComplete(NewTask(Loop, Foo()));
        AssertElapsed(0.15, Loop.Time() - t0);
        Assert.Contains("a", res.Take(2));
        Assert.Contains("b", res.Take(2));
        Assert.Equal("c", res[2]);
    }

    [Fact]
    public void test_as_completed_with_timeout()
    {
        var t0 = Loop.Time();
        var a = Loop.CreateTask(Asyncio.Sleep(0.1, "a"));
        var b = Loop.CreateTask(Asyncio.Sleep(0.15, "b"));

        async Coroutine<List<(int, object)>> Foo()
        {
            var values = new List<(int, object)>();
            foreach (var f in Asyncio.AsCompleted(new[] { a, b }, timeout: 0.12))
            {
                try
                {
                    values.Add((1, await f));
                }
                catch (TimeoutError exc)
                {
                    values.Add((2, exc));
                }
            }
            return values;
        }

        var res = Loop.RunUntilComplete(NewTask(Loop, Foo()));
        Assert.Equal(2, res.Count);
        Assert.Equal((1, (object)"a"), res[0]);
        Assert.Equal(2, res[1].Item1);
        Assert.IsType<TimeoutError>(res[1].Item2);
        AssertElapsed(0.12, Loop.Time() - t0);
        Loop.RunUntilComplete(Asyncio.Wait(new[] { a, b }));
    }

    [Fact]
    public void test_as_completed_with_unused_timeout()
    {
        var a = Asyncio.Sleep(0.01, "a");

        async Coroutine Foo()
        {
            foreach (var f in Asyncio.AsCompleted(new[] { a }, timeout: 1))
            {
                Assert.Equal("a", await f);
            }
        }

        Loop.RunUntilComplete(NewTask(Loop, Foo()));
    }

    [Fact]
    public void test_as_completed_reverse_wait()
    {
        var t0 = Loop.Time();
        var a = Asyncio.Sleep(0.05, "a");
        var b = Asyncio.Sleep(0.10, "b");

        async Coroutine Test()
        {
            var futs = Asyncio.AsCompleted(new[] { a, b }).ToList();
            Assert.Equal(2, futs.Count);
            var x = await futs[1];
            Assert.Equal("a", x);
            AssertElapsed(0.05, Loop.Time() - t0);
            var y = await futs[0];
            Assert.Equal("b", y);
            AssertElapsed(0.10, Loop.Time() - t0);
        }

        Loop.RunUntilComplete(Test());
    }

    [Fact]
    public void test_as_completed_concurrent()
    {
        var a = Asyncio.Sleep(0.05, "a");
        var b = Asyncio.Sleep(0.05, "b");

        async Coroutine Test()
        {
            var futs = Asyncio.AsCompleted(new[] { a, b }).ToList();
            Assert.Equal(2, futs.Count);
            var (done, _) = await Asyncio.Wait(futs.Select(fut => Asyncio.EnsureFuture(fut)));
            Assert.Equal(new HashSet<object?> { "a", "b" }, done.Select(f => f.Result()).ToHashSet());
        }

        Loop.RunUntilComplete(Test());
    }

    [Fact]
    public void test_as_completed_duplicate_coroutines()
    {
        async Coroutine<List<string>> Runner()
        {
            var result = new List<string>();
            var c = Coro("ham");
            foreach (var f in Asyncio.AsCompleted(new[] { c, c, Coro("spam") }))
            {
                result.Add(await f);
            }
            return result;
        }

        var fut = NewTask(Loop, Runner());
        Loop.RunUntilComplete(fut);
        var result = fut.Result();
        Assert.Equal(new HashSet<string> { "ham", "spam" }, result.ToHashSet());
        Assert.Equal(2, result.Count);
    }

    [Fact]
    public void test_as_completed_coroutine_use_running_loop()
    {
        async Coroutine Test()
        {
            var futs = Asyncio.AsCompleted(new[] { Coro(42) }).ToList();
            Assert.Single(futs);
            Assert.Equal(42, await futs[0]);
        }

        Loop.RunUntilComplete(Test());
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
        // LoopTestCase fails the test if "exception was never retrieved" was reported.
        TakeUnhandled().ForEach(c => Assert.NotEqual("Task exception was never retrieved", c.GetValueOrDefault("message")));
    }

    [Fact]
    public void test_cancel_gather_1()
    {
        // A gathering future refuses to be cancelled once all its children are done.
        var fut = NewFuture(Loop);

#pragma warning disable CS1998
        async Coroutine<Future> Create()
        {
            // The indirection fut -> child coroutine keeps the gathering task from finishing with fut.
            async Coroutine<object?> ChildCoro() => await fut;
            var gatherFuture = Asyncio.Gather(ChildCoro());
            return Asyncio.EnsureFuture(gatherFuture);
        }
#pragma warning restore CS1998

        var gatherTask = Loop.RunUntilComplete(Create());
        bool? cancelResult = null;
        fut.AddDoneCallback(_ => cancelResult = gatherTask.Cancel());
        fut.SetResult(42);
        Loop.RunUntilComplete(gatherTask);
        // Python issue #26923: asyncio.gather drops cancellation.
        Assert.False(cancelResult);
        Assert.False(gatherTask.Cancelled());
        Assert.Equal(new object?[] { 42 }, gatherTask.Result());
    }

    [Fact]
    public void test_cancel_gather_2()
    {
        foreach (var (cancelArg, expected) in new[] { ((string?)null, ""), ("my message", "my message") })
        {
            var loop = NewTestLoop();

            async Coroutine Test()
            {
                var time = 0.0;
                while (true)
                {
                    time += 0.05;
                    await Asyncio.Gather(new IAwaitable[] { Asyncio.Sleep(0.05) }, returnExceptions: true);
                    if (time > 1)
                    {
                        return;
                    }
                }
            }

            async Coroutine Main()
            {
                var qwe = NewTask(loop, Test());
                await Asyncio.Sleep(0.2);
                qwe.Cancel(cancelArg);
                await qwe;
            }

            var exc = Assert.Throws<CancelledError>(() => loop.RunUntilComplete(Main()));
            Assert.Equal(expected, exc.Message);
            loop.Close();
        }
    }

    [Fact]
    public void test_exception_traceback()
    {
#pragma warning disable CS1998
        async Coroutine Foo() => throw new DivideByZeroException();
#pragma warning restore CS1998

        async Coroutine Main()
        {
            var task = NewTask(Loop, Foo());
            // Skip one loop iteration.
            await Asyncio.Sleep(0);
            Assert.NotNull(task.Exception()!.StackTrace);
        }

        Loop.RunUntilComplete(Main());
    }

    [Fact]
    public void test_create_task_with_noncoroutine()
    {
        // C# types allow only coroutines; null is the one non-coroutine left.
        for (var i = 0; i < 2; i++)
        {
            var exc = Assert.Throws<TypeError>(() => NewTask(Loop, (Coroutine)null!));
            Assert.Contains("a coroutine was expected, got None", exc.Message);
        }
    }

    [Fact]
    public void test_create_task_with_async_function()
    {
        for (var i = 0; i < 2; i++)
        {
            var task = NewTask(Loop, Asyncio.Sleep(0));
            Assert.IsAssignableFrom<AsyncioTask>(task);
            Loop.RunUntilComplete(task);
        }
    }

    [Fact]
    public void test_bare_create_task()
    {
        async Coroutine Main()
        {
            var task = Asyncio.CreateTask(Coro(1));
            Assert.IsAssignableFrom<AsyncioTask>(task);
            Assert.Equal(1, await task);
        }

        Loop.RunUntilComplete(Main());
    }

    [Fact]
    public void test_bare_create_named_task()
    {
        async Coroutine Coro()
        {
            var task = Asyncio.CreateTask(Asyncio.Sleep(0), name: "No-op");
            Assert.Equal("No-op", task.GetName());
            await task;
        }

        Loop.RunUntilComplete(Coro());
    }

    private static readonly AsyncLocal<string?> Cvar = new();

    private static string CvarGet(string @default) => Cvar.Value ?? @default;

    [Fact]
    public void test_context_1()
    {
        async Coroutine Sub()
        {
            await Asyncio.Sleep(0.01);
            Assert.Equal("nope", CvarGet("nope"));
            Cvar.Value = "something else";
        }

        async Coroutine Main()
        {
            Assert.Equal("nope", CvarGet("nope"));
            var subtask = NewTask(Loop, Sub());
            Cvar.Value = "yes";
            Assert.Equal("yes", CvarGet("nope"));
            await subtask;
            Assert.Equal("yes", CvarGet("nope"));
        }

        Loop.RunUntilComplete(NewTask(Loop, Main()));
    }

    [Fact]
    public void test_context_2()
    {
        async Coroutine Main()
        {
            Assert.Equal("nope", CvarGet("nope"));
            for (var j = 0; j < 2; j++)
            {
                var fut = NewFuture(Loop);
                // This change must not leak into the context of the main() task.
                fut.AddDoneCallback(_ => Cvar.Value = "something else");
                Cvar.Value = $"yes{j}";
                Loop.CallSoon(() => fut.SetResult(null));
                await fut;
                Assert.Equal($"yes{j}", CvarGet("nope"));
                for (var i = 0; i < 3; i++)
                {
                    // The task passed its context to add_done_callback.
                    Cvar.Value = $"yes{i}-{j}";
                    await Asyncio.Sleep(0.001);
                    Assert.Equal($"yes{i}-{j}", CvarGet("nope"));
                }
            }
        }

        Loop.RunUntilComplete(NewTask(Loop, Main()));
        Assert.Equal("nope", CvarGet("nope"));
    }

    private static readonly AsyncLocal<int?> IntCvar = new();

    [Fact]
    public void test_context_3()
    {
        // 100 tasks in parallel, each changing the variable.
        var random = new Random(3);

        async Coroutine Sub(int num)
        {
            for (var i = 0; i < 10; i++)
            {
                IntCvar.Value = num + i;
                await Asyncio.Sleep(0.001 + random.NextDouble() * 0.049);
                Assert.Equal(num + i, IntCvar.Value);
            }
        }

        async Coroutine Main()
        {
            var tasks = new List<IAwaitable>();
            for (var i = 0; i < 100; i++)
            {
                tasks.Add(Loop.CreateTask(Sub(random.Next(0, 11))));
            }
            await Asyncio.Gather(tasks.ToArray());
        }

        Loop.RunUntilComplete(Main());
        Assert.Null(IntCvar.Value);
    }

    [Fact]
    public void test_get_coro()
    {
        var coro = Asyncio.Sleep(0);
        var task = NewTask(Loop, coro);
        Loop.RunUntilComplete(task);
        Assert.Same(coro, task.GetCoro());
    }
}

/// <summary>Ports of CPython's SetMethodsTest (mixed into the C Task tests and the pure-Python ones).</summary>
public class SetMethodsTest : LoopTestCase
{
    [Fact]
    public void test_set_result_causes_invalid_state()
    {
        CustomExceptionHandler = true;
        var calls = new List<IReadOnlyDictionary<string, object?>>();
        Loop.SetExceptionHandler((_, context) => calls.Add(context));

        async Coroutine<int> Foo()
        {
            await Asyncio.Sleep(0.1);
            return 10;
        }

        var task = new AsyncioTask(Foo(), Loop, "TestTask");
        // Python's Future.set_result(task, 'spam'): the Future method, bypassing Task's refusal.
        ForceSetResult(task, "spam");
        Assert.Equal("spam", Loop.RunUntilComplete(task));
        var context = Assert.Single(calls);
        var exc = Assert.IsType<InvalidStateError>(context["exception"]);
        Assert.Matches(@"step\(\): already done", exc.Message);
    }

    [Fact]
    public void test_set_exception_causes_invalid_state()
    {
        CustomExceptionHandler = true;
        var calls = new List<IReadOnlyDictionary<string, object?>>();
        Loop.SetExceptionHandler((_, context) => calls.Add(context));

        async Coroutine<int> Foo()
        {
            await Asyncio.Sleep(0.1);
            return 10;
        }

        var task = new AsyncioTask(Foo(), Loop, "TestTask");
        ForceSetException(task, new TasksMyExc());
        Assert.Throws<TasksMyExc>(() => Loop.RunUntilComplete(task));
        var context = Assert.Single(calls);
        var exc = Assert.IsType<InvalidStateError>(context["exception"]);
        Assert.Matches(@"step\(\): already done", exc.Message);
    }

    /// <summary>Python's unbound <c>Future.set_result(task, value)</c>, which skips Task's override.</summary>
    private static void ForceSetResult(Future future, object? value) => FutureSetters.SetResult(future, value);

    /// <summary>Python's unbound <c>Future.set_exception(task, exc)</c>.</summary>
    private static void ForceSetException(Future future, Exception exc) => FutureSetters.SetException(future, exc);
}

/// <summary>Calls the base <see cref="Future"/> setters non-virtually, as Python's <c>Future.set_result(task, x)</c> does.</summary>
internal static class FutureSetters
{
    private static readonly Action<Future, object?> s_setResult = NonVirtual<Action<Future, object?>>("SetResultCore");
    private static readonly Action<Future, Exception> s_setException = NonVirtual<Action<Future, Exception>>("SetExceptionCore");

    public static void SetResult(Future future, object? value) => s_setResult(future, value);

    public static void SetException(Future future, Exception exc) => s_setException(future, exc);

    private static TDelegate NonVirtual<TDelegate>(string name) where TDelegate : Delegate =>
        (TDelegate)typeof(Future).GetMethod(name, System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic)!
            .CreateDelegate(typeof(TDelegate));
}

/// <summary>Ports of CPython's BaseTaskIntrospectionTests (run as PyIntrospectionTests and CIntrospectionTests).</summary>
public class BaseTaskIntrospectionTests : LoopTestCase
{
    private AsyncioTask PendingTask() => Loop.CreateTask(Asyncio.Sleep(0));

    [Fact]
    public void test__enter_task()
    {
        var task = PendingTask();
        Assert.Null(Asyncio.CurrentTask(Loop));
        Asyncio._EnterTask(Loop, task);
        Assert.Same(task, Asyncio.CurrentTask(Loop));
        Asyncio._LeaveTask(Loop, task);
        Loop.RunUntilComplete(task);
    }

    [Fact]
    public void test__enter_task_failure()
    {
        var task1 = PendingTask();
        var task2 = PendingTask();
        Asyncio._EnterTask(Loop, task1);
        Assert.Throws<RuntimeError>(() => Asyncio._EnterTask(Loop, task2));
        Assert.Same(task1, Asyncio.CurrentTask(Loop));
        Asyncio._LeaveTask(Loop, task1);
        Loop.RunUntilComplete(Asyncio.Gather(task1, task2));
    }

    [Fact]
    public void test__leave_task()
    {
        var task = PendingTask();
        Asyncio._EnterTask(Loop, task);
        Asyncio._LeaveTask(Loop, task);
        Assert.Null(Asyncio.CurrentTask(Loop));
        Loop.RunUntilComplete(task);
    }

    [Fact]
    public void test__leave_task_failure1()
    {
        var task1 = PendingTask();
        var task2 = PendingTask();
        Asyncio._EnterTask(Loop, task1);
        Assert.Throws<RuntimeError>(() => Asyncio._LeaveTask(Loop, task2));
        Assert.Same(task1, Asyncio.CurrentTask(Loop));
        Asyncio._LeaveTask(Loop, task1);
        Loop.RunUntilComplete(Asyncio.Gather(task1, task2));
    }

    [Fact]
    public void test__leave_task_failure2()
    {
        var task = PendingTask();
        Assert.Throws<RuntimeError>(() => Asyncio._LeaveTask(Loop, task));
        Assert.Null(Asyncio.CurrentTask(Loop));
        Loop.RunUntilComplete(task);
    }

    [Fact]
    public void test__unregister_task()
    {
        var task = PendingTask();
        Asyncio._RegisterTask(task);
        Asyncio._UnregisterTask(task);
        Assert.Empty(Asyncio.AllTasks(Loop));
        Loop.RunUntilComplete(task);
    }

    [Fact]
    public void test__unregister_task_not_registered()
    {
        var task = PendingTask();
        Asyncio._UnregisterTask(task);
        // Unregistering a task that is not registered does nothing.
        Asyncio._UnregisterTask(task);
        Assert.Empty(Asyncio.AllTasks(Loop));
        Loop.RunUntilComplete(task);
    }

    [Fact]
    public void test__register_task_3()
    {
        // A done task registered is not among all_tasks().
        var task = PendingTask();
        Loop.RunUntilComplete(task);
        Asyncio._RegisterTask(task);
        Assert.Empty(Asyncio.AllTasks(Loop));
        Asyncio._UnregisterTask(task);
    }
}

/// <summary>Ports of CPython's BaseCurrentLoopTests (run as PyCurrentLoopTests and CCurrentLoopTests).</summary>
public class BaseCurrentLoopTests : LoopTestCase
{
    [Fact]
    public void test_current_task_no_running_loop() => Assert.Null(Asyncio.CurrentTask(Loop));

    [Fact]
    public void test_current_task_no_running_loop_implicit()
    {
        var exc = Assert.Throws<RuntimeError>(() => Asyncio.CurrentTask());
        Assert.Contains("no running event loop", exc.Message);
    }

    [Fact]
    public void test_current_task_with_implicit_loop()
    {
        AsyncioTask? task = null;

#pragma warning disable CS1998
        async Coroutine Coro()
        {
            Assert.Same(task, Asyncio.CurrentTask(Loop));
            Assert.Same(task, Asyncio.CurrentTask(null));
            Assert.Same(task, Asyncio.CurrentTask());
        }
#pragma warning restore CS1998

        task = new AsyncioTask(Coro(), Loop);
        Loop.RunUntilComplete(task);
        Assert.Null(Asyncio.CurrentTask(Loop));
    }
}

/// <summary>Port of CPython's GenericTaskTests.</summary>
public class GenericTaskTests : LoopTestCase
{
    [Fact]
    public void test_future_subclass() => Assert.True(typeof(AsyncioTask).IsSubclassOf(typeof(Future)));
}

/// <summary>
/// CPython's GatherTestsBase: FutureGatherTests gathers the futures themselves, CoroutineGatherTests coroutines
/// awaiting them.
/// </summary>
public abstract class GatherTestsBase : LoopTestCase
{
    protected readonly SelectorEventLoop OneLoop;
    protected readonly SelectorEventLoop OtherLoop;

    protected GatherTestsBase()
    {
        OneLoop = Loop;
        OtherLoop = NewTestLoop();
    }

    public override void Dispose()
    {
        OtherLoop.Close();
        base.Dispose();
    }

    protected abstract IAwaitable[] WrapFutures(params Future[] futures);

    protected abstract Future<object?[]> DoGather(IAwaitable[] args, bool returnExceptions = false);

    protected void RunLoop(BaseEventLoop loop)
    {
        // CPython's "while loop._ready".
        var ready = (System.Collections.ICollection)typeof(BaseEventLoop)
            .GetField("_ready", System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.NonPublic)!.GetValue(loop)!;
        while (ready.Count > 0)
        {
            RunBriefly(loop);
        }
    }

    private void CheckSuccess(bool returnExceptions)
    {
        var (a, b, c) = (OneLoop.CreateFuture(), OneLoop.CreateFuture(), OneLoop.CreateFuture());
        var fut = DoGather(WrapFutures(a, b, c), returnExceptions);
        var called = new List<Future>();
        fut.AddDoneCallback(called.Add);
        b.SetResult(1);
        a.SetResult(2);
        RunLoop(OneLoop);
        Assert.Empty(called);
        Assert.False(fut.Done());
        c.SetResult(3);
        RunLoop(OneLoop);
        Assert.Same(fut, Assert.Single(called));
        Assert.Equal(new object?[] { 2, 1, 3 }, fut.Result());
    }

    [Fact]
    public void test_success()
    {
        CheckSuccess(false);
    }

    [Fact]
    public void test_result_exception_success() => CheckSuccess(true);

    [Fact]
    public void test_one_exception()
    {
        var f = Enumerable.Range(0, 5).Select(_ => OneLoop.CreateFuture()).ToArray();
        var fut = DoGather(WrapFutures(f));
        var called = new List<Future>();
        fut.AddDoneCallback(called.Add);
        var exc = new DivideByZeroException();
        f[0].SetResult(1);
        f[1].SetException(exc);
        RunLoop(OneLoop);
        Assert.True(fut.Done());
        Assert.Same(fut, Assert.Single(called));
        Assert.Same(exc, fut.Exception());
        // These do nothing.
        f[2].SetResult(3);
        f[3].Cancel();
        f[4].SetException(new RuntimeError(""));
        f[4].Exception();
        RunLoop(OneLoop);
    }

    [Fact]
    public void test_return_exceptions()
    {
        var f = Enumerable.Range(0, 4).Select(_ => OneLoop.CreateFuture()).ToArray();
        var fut = DoGather(WrapFutures(f), returnExceptions: true);
        var called = new List<Future>();
        fut.AddDoneCallback(called.Add);
        var exc = new DivideByZeroException();
        var exc2 = new RuntimeError("");
        f[1].SetResult(1);
        f[2].SetException(exc);
        f[0].SetResult(3);
        RunLoop(OneLoop);
        Assert.False(fut.Done());
        f[3].SetException(exc2);
        RunLoop(OneLoop);
        Assert.True(fut.Done());
        Assert.Same(fut, Assert.Single(called));
        Assert.Equal(new object?[] { 3, 1, exc, exc2 }, fut.Result());
    }
}

/// <summary>Ports of CPython's FutureGatherTests.</summary>
public class FutureGatherTests : GatherTestsBase
{
    protected override IAwaitable[] WrapFutures(params Future[] futures) => futures;

    protected override Future<object?[]> DoGather(IAwaitable[] args, bool returnExceptions = false) =>
        Asyncio.Gather(args, returnExceptions);

    [Fact]
    public void test_constructor_empty_sequence_use_running_loop()
    {
#pragma warning disable CS1998
        async Coroutine<Future<object?[]>> Gather() => Asyncio.Gather();
#pragma warning restore CS1998
        var fut = OneLoop.RunUntilComplete(Gather());
        Assert.Same(OneLoop, fut.GetLoop());
        RunLoop(OneLoop);
        Assert.True(fut.Done());
        Assert.Empty(fut.Result());
    }

    [Fact]
    public void test_constructor_empty_sequence_use_global_loop()
    {
        Asyncio.SetEventLoop(OneLoop);
        var fut = Asyncio.Gather();
        Assert.Same(OneLoop, fut.GetLoop());
        RunLoop(OneLoop);
        Assert.True(fut.Done());
        Assert.Empty(fut.Result());
    }

    [Fact]
    public void test_constructor_heterogenous_futures()
    {
        var fut1 = OneLoop.CreateFuture();
        var fut2 = OtherLoop.CreateFuture();
        Assert.Throws<ValueError>(() => Asyncio.Gather(fut1, fut2));
    }

    [Fact]
    public void test_constructor_homogenous_futures()
    {
        var children = Enumerable.Range(0, 3).Select(_ => (IAwaitable)OtherLoop.CreateFuture()).ToArray();
        var fut = Asyncio.Gather(children);
        Assert.Same(OtherLoop, fut.GetLoop());
        RunLoop(OtherLoop);
        Assert.False(fut.Done());
        fut = Asyncio.Gather(children);
        Assert.Same(OtherLoop, fut.GetLoop());
        RunLoop(OtherLoop);
        Assert.False(fut.Done());
    }

    [Fact]
    public void test_one_cancellation()
    {
        var f = Enumerable.Range(0, 5).Select(_ => OneLoop.CreateFuture()).ToArray();
        var fut = Asyncio.Gather(f);
        var called = new List<Future>();
        fut.AddDoneCallback(called.Add);
        f[0].SetResult(1);
        f[1].Cancel();
        RunLoop(OneLoop);
        Assert.True(fut.Done());
        Assert.Same(fut, Assert.Single(called));
        Assert.False(fut.Cancelled());
        Assert.IsType<CancelledError>(fut.Exception());
        // These do nothing.
        f[2].SetResult(3);
        f[3].Cancel();
        f[4].SetException(new RuntimeError(""));
        f[4].Exception();
        RunLoop(OneLoop);
    }

    [Fact]
    public void test_result_exception_one_cancellation()
    {
        var f = Enumerable.Range(0, 6).Select(_ => OneLoop.CreateFuture()).ToArray();
        var fut = Asyncio.Gather(f, returnExceptions: true);
        var called = new List<Future>();
        fut.AddDoneCallback(called.Add);
        f[0].SetResult(1);
        var zde = new DivideByZeroException();
        f[1].SetException(zde);
        f[2].Cancel();
        RunLoop(OneLoop);
        Assert.False(fut.Done());
        f[3].SetResult(3);
        f[4].Cancel();
        var rte = new RuntimeError("");
        f[5].SetException(rte);
        var res = OneLoop.RunUntilComplete(fut);
        Assert.IsType<CancelledError>(res[2]);
        Assert.IsType<CancelledError>(res[4]);
        res[2] = res[4] = null;
        Assert.Equal(new object?[] { 1, zde, null, 3, null, rte }, res);
        Assert.Same(fut, Assert.Single(called));
    }
}

/// <summary>Ports of CPython's CoroutineGatherTests.</summary>
public class CoroutineGatherTests : GatherTestsBase
{
    protected override IAwaitable[] WrapFutures(params Future[] futures)
    {
        async Coroutine<object?> Coro(Future fut) => await fut;
        return futures.Select(f => (IAwaitable)Coro(f)).ToArray();
    }

    protected override Future<object?[]> DoGather(IAwaitable[] args, bool returnExceptions = false)
    {
#pragma warning disable CS1998
        async Coroutine<Future<object?[]>> Coro() => Asyncio.Gather(args, returnExceptions);
#pragma warning restore CS1998
        return OneLoop.RunUntilComplete(Coro());
    }

#pragma warning disable CS1998
    private static async Coroutine<string> Coro(string s) => s;
#pragma warning restore CS1998

    [Fact]
    public void test_constructor_use_running_loop()
    {
        var gen1 = Coro("abc");
        var gen2 = Coro("abc");
#pragma warning disable CS1998
        async Coroutine<Future<object?[]>> Gather() => Asyncio.Gather(gen1, gen2);
#pragma warning restore CS1998
        var fut = OneLoop.RunUntilComplete(Gather());
        Assert.Same(OneLoop, fut.GetLoop());
        OneLoop.RunUntilComplete(fut);
    }

    [Fact]
    public void test_constructor_use_global_loop()
    {
        Asyncio.SetEventLoop(OtherLoop);
        var fut = Asyncio.Gather(Coro("abc"), Coro("abc"));
        Assert.Same(OtherLoop, fut.GetLoop());
        OtherLoop.RunUntilComplete(fut);
        Asyncio.SetEventLoop(Loop);
    }

    [Fact]
    public void test_duplicate_coroutines()
    {
        var c = Coro("abc");
        var fut = DoGather(new IAwaitable[] { c, c, Coro("def"), c });
        RunLoop(OneLoop);
        Assert.Equal(new object?[] { "abc", "abc", "def", "abc" }, fut.Result());
    }

    [Fact]
    public void test_issue46672()
    {
        // A bad argument after a coroutine: TypeError, and no error reported from the done callback.
        var c = Coro("abc");
        Assert.Throws<TypeError>(() => DoGather(new IAwaitable[] { c, new NeitherFutureNorCoroutine() }));
        RunLoop(OneLoop);
    }

    [Fact]
    public void test_cancellation_broadcast()
    {
        // Cancelling outer() cancels all the children.
        var proof = 0;
        var waiter = OneLoop.CreateFuture();

        async Coroutine Inner()
        {
            await waiter;
            proof += 1;
        }

        var child1 = Asyncio.EnsureFuture(Inner(), OneLoop);
        var child2 = Asyncio.EnsureFuture(Inner(), OneLoop);
        Future? gatherer = null;

        async Coroutine Outer()
        {
            gatherer = Asyncio.Gather(child1, child2);
            await gatherer;
            proof += 100;
        }

        var f = Asyncio.EnsureFuture(Outer(), OneLoop);
        RunBriefly(OneLoop);
        Assert.True(f.Cancel());
        Assert.Throws<CancelledError>(() => OneLoop.RunUntilComplete(f));
        Assert.False(gatherer!.Cancel());
        Assert.True(waiter.Cancelled());
        Assert.True(child1.Cancelled());
        Assert.True(child2.Cancelled());
        RunBriefly(OneLoop);
        Assert.Equal(0, proof);
    }

    [Fact]
    public void test_exception_marking()
    {
        // The first line marked "Mark exception retrieved."
        async Coroutine Inner(Future f)
        {
            await f;
            throw new RuntimeError("should not be ignored");
        }

        var a = OneLoop.CreateFuture();
        var b = OneLoop.CreateFuture();

        async Coroutine Outer() => await Asyncio.Gather(Inner(a), Inner(b));

        var f = Asyncio.EnsureFuture(Outer(), OneLoop);
        RunBriefly(OneLoop);
        a.SetResult(null);
        RunBriefly(OneLoop);
        b.SetResult(null);
        RunBriefly(OneLoop);
        Assert.IsType<RuntimeError>(f.Exception());
    }
}

/// <summary>Ports of CPython's RunCoroutineThreadsafeTests: the .NET task plays the concurrent future.</summary>
public class RunCoroutineThreadsafeTests : LoopTestCase
{
    /// <summary>Waits 0.05 seconds and returns a + b.</summary>
    private async Coroutine<int> Add(int a, int b, bool fail = false, bool cancel = false)
    {
        await Asyncio.Sleep(0.05);
        if (fail)
        {
            throw new RuntimeError("Fail!");
        }
        if (cancel)
        {
            Asyncio.CurrentTask(Loop)!.Cancel();
            await Asyncio.Sleep(0);
        }
        return a + b;
    }

    /// <summary>Runs Add on the loop from another thread; Python's <c>future.result(timeout)</c> is Wait plus unwrapping.</summary>
    private int Target(bool fail = false, bool cancel = false, double? timeout = null)
    {
        using var cts = new CancellationTokenSource();
        var future = Asyncio.RunCoroutineThreadsafe(Add(1, 2, fail, cancel), Loop, cts.Token);
        try
        {
            try
            {
                if (!future.Wait(timeout is { } t ? TimeSpan.FromSeconds(t) : System.Threading.Timeout.InfiniteTimeSpan))
                {
                    throw new TimeoutError();
                }
                return future.Result;
            }
            catch (AggregateException e) when (e.InnerException is TaskCanceledException)
            {
                throw new CancelledError();
            }
            catch (AggregateException e)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerException!);
                throw;
            }
        }
        finally
        {
            if (!future.IsCompleted)
            {
                cts.Cancel();
            }
        }
    }

    [Fact]
    public void test_run_coroutine_threadsafe()
    {
        var future = Loop.RunInExecutor(null, () => Target());
        Assert.Equal(3, Loop.RunUntilComplete(future));
    }

    [Fact]
    public void test_run_coroutine_threadsafe_with_exception()
    {
        var future = Loop.RunInExecutor(null, () => Target(fail: true));
        var exc = Assert.Throws<RuntimeError>(() => Loop.RunUntilComplete(future));
        Assert.Contains("Fail!", exc.Message);
    }

    [Fact]
    public void test_run_coroutine_threadsafe_with_timeout()
    {
        var future = Loop.RunInExecutor(null, () => Target(timeout: 0));
        Assert.Throws<TimeoutError>(() => Loop.RunUntilComplete(future));
        // The cancellation crosses threads: run until the add() task has seen it.
        RunUntil(() => Asyncio.AllTasks(Loop).All(t => t.Done()));
        foreach (var task in Asyncio.AllTasks(Loop))
        {
            Assert.True(task.Done());
        }
    }

    [Fact]
    public void test_run_coroutine_threadsafe_task_cancelled()
    {
        var future = Loop.RunInExecutor(null, () => Target(cancel: true));
        Assert.Throws<CancelledError>(() => Loop.RunUntilComplete(future));
    }

    [Fact]
    public void test_run_coroutine_threadsafe_task_factory_exception()
    {
        var run = Loop.RunInExecutor(null, () => Target());
        CustomExceptionHandler = true;
        var calls = new List<IReadOnlyDictionary<string, object?>>();
        Loop.SetExceptionHandler((_, context) => calls.Add(context));
        Loop.SetTaskFactory((_, _, _) => throw new TaskFactoryNameError());
        var exc = Assert.Throws<TaskFactoryNameError>(() => Loop.RunUntilComplete(run));
        Loop.SetTaskFactory(null);
        var context = Assert.Single(calls);
        Assert.Same(exc, context["exception"]);
    }
}

/// <summary>Port of CPython's SleepTests.</summary>
public class SleepTests : LoopTestCase
{
    [Fact]
    public void test_sleep_zero()
    {
        var result = 0;

        async Coroutine Coro()
        {
            Loop.CallSoon(() => result += 1);
            Assert.Equal(0, result);
            var num = await Asyncio.Sleep(0, result: 10);
            // Incremented by call_soon.
            Assert.Equal(1, result);
            result += num;
        }

        Loop.RunUntilComplete(Coro());
        Assert.Equal(11, result);
    }
}
