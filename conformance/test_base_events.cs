using System.Runtime.CompilerServices;
using AsyncioSharp;
using AsyncioSharp.ConcurrentFutures;
using Xunit;

namespace AsyncioSharp.Conformance;

/// <summary>
/// CPython's test_base_events.BaseEventLoopTests: the loop basics (the socket tests are helper "transports"'s,
/// in test_base_events_sockets.cs). CPython runs them on a BaseEventLoop with a mock selector; here they run on
/// the real selector loop, reading its queues through internal accessors.
/// </summary>
public partial class BaseEventLoopTests : LoopTestCase
{
    private static void Cb() { }

    [Fact]
    public void test_close()
    {
        Assert.False(Loop.IsClosed());
        Loop.Close();
        Assert.True(Loop.IsClosed());
        Loop.Close();
        Loop.Close();
        var f = new Future(Loop);
        Assert.Equal("Event loop is closed", Assert.Throws<RuntimeError>(() => Loop.RunForever()).Message);
        Assert.Equal("Event loop is closed", Assert.Throws<RuntimeError>(() => Loop.RunUntilComplete(f)).Message);
    }

    [Fact]
    public void test__add_callback_handle()
    {
        var h = new Handle(() => { }, Loop, null);
        Loop.AddCallback(h);
        Assert.Empty(Loop.ScheduledTimers);
        Assert.Contains(h, Loop.Ready);
    }

    [Fact]
    public void test__add_callback_cancelled_handle()
    {
        var h = new Handle(() => { }, Loop, null);
        h.Cancel();
        Loop.AddCallback(h);
        Assert.Empty(Loop.ScheduledTimers);
        Assert.Empty(Loop.Ready);
    }

    [Fact]
    public void test_set_default_executor()
    {
        var executor = new ThreadPoolExecutor();
        Loop.SetDefaultExecutor(executor);
        Assert.Same(executor, Loop.DefaultExecutor);
    }

    private sealed class NotAThreadPool : Executor
    {
        public override Task<T> Submit<T>(Func<T> fn) => throw new NotImplementedException();

        public override void Shutdown(bool wait = true, bool cancelFutures = false) { }
    }

    [Fact]
    public void test_set_default_executor_error()
    {
        var exc = Assert.Throws<TypeError>(() => Loop.SetDefaultExecutor(new NotAThreadPool()));
        Assert.Equal("executor must be ThreadPoolExecutor instance", exc.Message);
        Assert.Null(Loop.DefaultExecutor);
    }

    [Fact]
    public void test_call_soon()
    {
        Action cb = Cb;
        var h = Loop.CallSoon(cb);
        Assert.Equal(cb, h.Callback);
        Assert.IsType<Handle>(h);
        Assert.Contains(h, Loop.Ready);
    }

    [Fact]
    public void test_call_soon_non_callable()
    {
        Loop.SetDebug(true);
        var exc = Assert.Throws<TypeError>(() => Loop.CallSoon(null!));
        Assert.StartsWith("a callable object", exc.Message);
        Loop.SetDebug(false);
    }

    [Fact]
    public void test_call_later()
    {
        var h = Loop.CallLater(10.0, Cb);
        Assert.IsType<TimerHandle>(h);
        Assert.Contains(h, Loop.ScheduledTimers);
        Assert.DoesNotContain(h, Loop.Ready);
    }

    [Fact]
    public void test_call_later_negative_delays()
    {
        var calls = new List<string>();
        Loop.CallLater(-1, () => calls.Add("a"));
        Loop.CallLater(-2, () => calls.Add("b"));
        RunBriefly();
        Assert.Equal(new[] { "b", "a" }, calls);
    }

    [Fact]
    public void test_time_and_call_at()
    {
        const double delay = 0.100;
        var when = Loop.Time() + delay;
        Loop.CallAt(when, Loop.Stop);
        var t0 = Loop.Time();
        Loop.RunForever();
        var dt = Loop.Time() - t0;
        Assert.True(dt >= delay - 0.050, $"{dt}");
    }

    private static void CheckThread(AbstractEventLoop loop, bool debug)
    {
        loop.SetDebug(debug);
        if (debug)
        {
            const string msg = "Non-thread-safe operation invoked on an event loop other than the current one";
            Assert.Equal(msg, Assert.Throws<RuntimeError>(() => loop.CallSoon(Cb)).Message);
            Assert.Equal(msg, Assert.Throws<RuntimeError>(() => loop.CallLater(60, Cb)).Message);
            Assert.Equal(msg, Assert.Throws<RuntimeError>(() => loop.CallAt(loop.Time() + 60, Cb)).Message);
        }
        else
        {
            // Without debug mode nothing is checked (and nothing else may touch the loop from here but the timers
            // are never run: the loop is closed at the end of the test).
            loop.CallLater(60, Cb);
            loop.CallAt(loop.Time() + 60, Cb);
        }
    }

    [Fact]
    public void test_check_thread()
    {
        void TestThread(bool debug, bool createLoop)
        {
            var started = new ManualResetEventSlim();
            var fut = Loop.CreateFuture();
            Loop.CallSoon(started.Set);
            var thread = new Thread(() =>
            {
                started.Wait();
                try
                {
                    if (createLoop)
                    {
                        var loop2 = new SelectorEventLoop();
                        try
                        {
                            Asyncio.SetEventLoop(loop2);
                            CheckThread(Loop, debug);
                        }
                        finally
                        {
                            Asyncio.SetEventLoop(null);
                            loop2.Close();
                        }
                    }
                    else
                    {
                        CheckThread(Loop, debug);
                    }
                    Loop.CallSoonThreadsafe(() => fut.SetResult(null));
                }
                catch (Exception exc)
                {
                    Loop.CallSoonThreadsafe(() => fut.SetException(exc));
                }
            });
            thread.Start();
            Loop.RunUntilComplete(fut);
            thread.Join();
        }

        TestThread(debug: true, createLoop: false);
        TestThread(debug: false, createLoop: false);
        TestThread(debug: true, createLoop: true);
        TestThread(debug: false, createLoop: true);
        Loop.SetDebug(false);
    }

    [Fact]
    public void test__run_once()
    {
        var h1 = Loop.CallAt(Loop.Time() + 5.0, Cb);
        var h2 = Loop.CallAt(Loop.Time() + 10.0, Cb);
        h1.Cancel();
        // CPython's mock selector returns at once; a ready callback makes the real one not wait for h2.
        Loop.CallSoon(() => { });
        Loop.RunOnce();
        Assert.Equal(new[] { h2 }, Loop.ScheduledTimers);
        Assert.Equal(0, Loop.TimerCancelledCount);
    }

    [Fact]
    public void test_set_debug()
    {
        Loop.SetDebug(true);
        Assert.True(Loop.GetDebug());
        Loop.SetDebug(false);
        Assert.False(Loop.GetDebug());
    }

    [Fact]
    public void test__run_once_schedule_handle()
    {
        Handle? handle = null;
        var processed = false;
        Loop.CallAt(Loop.Time() - 1, () =>
        {
            processed = true;
            handle = Loop.CallSoon(() => { });
        });
        Loop.RunOnce();
        Assert.True(processed);
        Assert.Equal(new[] { handle }, Loop.Ready);
    }

    [Fact]
    public void test__run_once_cancelled_event_cleanup()
    {
        // Python's _MIN_SCHEDULED_TIMER_HANDLES = 100 and _MIN_CANCELLED_TIMER_HANDLES_FRACTION = 0.5.
        const int minScheduled = 100;
        const double minFraction = 0.5;

        var notCancelledCount = 1;
        Loop.CallLater(3000, Cb);

        var cancelledCount = 2;
        for (var x = 0; x < 2; x++)
        {
            Loop.CallLater(3600, Cb).Cancel();
        }
        cancelledCount += 2;
        for (var x = 0; x < 2; x++)
        {
            Loop.CallLater(100, Cb).Cancel();
        }
        Assert.True(cancelledCount + notCancelledCount <= minScheduled);
        Assert.Equal(cancelledCount, Loop.TimerCancelledCount);

        // Make the iteration not block: the blocking timer is 3000 s away.
        Loop.CallSoon(() => { });
        Loop.RunOnce();
        cancelledCount -= 2;
        Assert.Equal(cancelledCount, Loop.TimerCancelledCount);
        Assert.Equal(cancelledCount + notCancelledCount, Loop.ScheduledTimers.Count());

        var addCancelCount = (int)Math.Ceiling(minScheduled * minFraction) + 1;
        var addNotCancelCount = Math.Max(minScheduled - addCancelCount, 0);
        notCancelledCount += addNotCancelCount;
        for (var x = 0; x < addNotCancelCount; x++)
        {
            Loop.CallLater(3600, Cb);
        }
        cancelledCount += addCancelCount;
        for (var x = 0; x < addCancelCount; x++)
        {
            Loop.CallLater(3600, Cb).Cancel();
        }
        Assert.Equal(cancelledCount + notCancelledCount, Loop.ScheduledTimers.Count());

        Loop.CallSoon(() => { });
        Loop.RunOnce();
        Assert.Equal(notCancelledCount, Loop.ScheduledTimers.Count());
        Assert.All(Loop.ScheduledTimers, t => Assert.False(t.Cancelled()));
    }

    private sealed class NotAnAwaitable : IAwaitable
    {
    }

    [Fact]
    public void test_run_until_complete_type_error()
    {
        Assert.Throws<TypeError>(() => Loop.RunUntilComplete(new NotAnAwaitable()));
    }

    [Fact]
    public void test_run_until_complete_loop()
    {
        var task = Loop.CreateFuture();
        var otherLoop = NewTestLoop();
        try
        {
            Assert.Throws<ValueError>(() => otherLoop.RunUntilComplete(task));
        }
        finally
        {
            otherLoop.Close();
            task.Cancel();
        }
    }

    private sealed class ShowStopper : SystemExit
    {
    }

    private static async Coroutine Foo(double delay) => await Asyncio.Sleep(delay);

    [Fact]
    public void test_run_until_complete_loop_orphan_future_close_loop()
    {
        Loop.CallSoon(() => throw new ShowStopper());
        Assert.Throws<ShowStopper>(() => Loop.RunUntilComplete(Foo(0.1)));
        // Fails if run_until_complete did not remove its done callback from the previous future.
        Loop.RunUntilComplete(Foo(0.2));
    }

    private static string CaptureLog(Action action)
    {
        var log = new StringWriter();
        var saved = Log.Writer;
        Log.Writer = log;
        try
        {
            action();
        }
        finally
        {
            Log.Writer = saved;
        }
        return log.ToString();
    }

    private static int Zero() => 0;

    [Fact]
    public void test_default_exc_handler_callback()
    {
        Loop.SetExceptionHandler(null);
        CustomExceptionHandler = true;
        void ZeroError(Future fut)
        {
            fut.SetResult(true);
            _ = 1 / Zero();
        }

        var text = CaptureLog(() =>
        {
            var fut = Loop.CreateFuture();
            Loop.CallSoon(() => ZeroError(fut));
            fut.AddDoneCallback(_ => Loop.Stop());
            Loop.RunForever();
        });
        Assert.Matches("^ERROR:asyncio:Exception in callback .*\\(\\)\n", text);
        Assert.Contains(nameof(DivideByZeroException), text);

        text = CaptureLog(() =>
        {
            var fut = Loop.CreateFuture();
            Loop.CallLater(0.01, () => ZeroError(fut));
            fut.AddDoneCallback(_ => Loop.Stop());
            Loop.RunForever();
        });
        Assert.Matches("^ERROR:asyncio:Exception in callback .*\\(\\)\n", text);
        Assert.Contains(nameof(DivideByZeroException), text);
    }

    private static async Coroutine ZeroErrorCoro()
    {
        await Asyncio.Sleep(0.01);
        _ = 1 / Zero();
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void RunAndForget(Coroutine coro)
    {
        var fut = Asyncio.EnsureFuture(coro, Loop);
        fut.AddDoneCallback(_ => Loop.Stop());
        Loop.RunForever();
    }

    [Fact]
    public void test_default_exc_handler_coro()
    {
        Loop.SetExceptionHandler(null);
        CustomExceptionHandler = true;
        var text = CaptureLog(() =>
        {
            RunAndForget(ZeroErrorCoro());
            GC.Collect();
            GC.WaitForPendingFinalizers();
        });
        Assert.Matches("^ERROR:asyncio:Task exception was never retrieved\n", text);
        Assert.Contains(nameof(DivideByZeroException), text);
    }

    [Fact]
    public void test_set_exc_handler_custom()
    {
        Handle RunLoop()
        {
            var handle = Loop.CallSoon(() => _ = 1 / Zero());
            Loop.RunOnce();
            return handle;
        }

        Loop.SetDebug(true);
        Loop.SetExceptionHandler(null);
        Assert.Null(Loop.GetExceptionHandler());
        var calls = new List<(AbstractEventLoop Loop, IReadOnlyDictionary<string, object?> Context)>();
        ExceptionHandler handler = (loop, context) => calls.Add((loop, context));
        Loop.SetExceptionHandler(handler);
        Assert.Same(handler, Loop.GetExceptionHandler());
        var handle = RunLoop();
        var (calledLoop, ctx) = Assert.Single(calls);
        Assert.Same(Loop, calledLoop);
        Assert.IsType<DivideByZeroException>(ctx["exception"]);
        Assert.Matches("Exception in callback.*test_set_exc_handler_custom", (string)ctx["message"]!);
        Assert.Same(handle, ctx["handle"]);
        Assert.Same(handle.SourceTraceback, ctx["source_traceback"]);
        calls.Clear();

        Loop.SetExceptionHandler(null);
        CustomExceptionHandler = true;
        var text = CaptureLog(() => RunLoop());
        Assert.Matches("^ERROR:asyncio:Exception in callback .*\n", text);
        Assert.Contains(nameof(DivideByZeroException), text);
        Assert.Empty(calls);
        Loop.SetDebug(false);
    }

    [Fact]
    public void test_set_exc_handler_broken()
    {
        Loop.SetExceptionHandler((_, _) => throw new InvalidOperationException("spam"));
        CustomExceptionHandler = true;
        var text = CaptureLog(() =>
        {
            Loop.CallSoon(() => _ = 1 / Zero());
            Loop.RunOnce();
        });
        Assert.True(text.StartsWith("ERROR:asyncio:Unhandled error in exception handler\n", StringComparison.Ordinal), text);
        Assert.Contains("InvalidOperationException: spam", text);
    }

    private sealed class BrokenDefaultHandlerLoop : SelectorEventLoop
    {
        public IReadOnlyDictionary<string, object?>? LastContext;

        public override void DefaultExceptionHandler(IReadOnlyDictionary<string, object?> context)
        {
            LastContext = context;
            throw new ValueError("spam");
        }
    }

    [Fact]
    public void test_default_exc_handler_broken()
    {
        var loop = new BrokenDefaultHandlerLoop();
        try
        {
            Asyncio.SetEventLoop(loop);
            void RunLoop()
            {
                loop.CallSoon(() => _ = 1 / Zero());
                loop.RunOnce();
            }

            var text = CaptureLog(RunLoop);
            Assert.StartsWith("ERROR:asyncio:Exception in default exception handler\n", text);
            Assert.Contains("ValueError: spam", text);

            loop.SetExceptionHandler((_, _) => throw new ValueError("ham"));
            loop.LastContext = null;
            text = CaptureLog(RunLoop);
            Assert.Matches("^ERROR:asyncio:Exception in default exception.*while handling.*in custom", text);
            var inner = (IReadOnlyDictionary<string, object?>)loop.LastContext!["context"]!;
            Assert.IsType<DivideByZeroException>(inner["exception"]);
        }
        finally
        {
            loop.Close();
        }
    }

    private sealed class MyTask : AsyncioTask
    {
        public MyTask(Coroutine coro, AbstractEventLoop loop) : base(coro, loop) { }
    }

    private static async Coroutine Coro() => await Asyncio.Sleep(0);

    [Fact]
    public void test_set_task_factory()
    {
        TaskFactory factory = (loop, coro, _) => new MyTask(coro, loop);
        Assert.Null(Loop.GetTaskFactory());
        Loop.SetTaskFactory(factory);
        Assert.Same(factory, Loop.GetTaskFactory());
        var task = Loop.CreateTask(Coro());
        Assert.IsType<MyTask>(task);
        Loop.RunUntilComplete(task);

        Loop.SetTaskFactory(null);
        Assert.Null(Loop.GetTaskFactory());
        task = Loop.CreateTask(Coro());
        Assert.IsNotType<MyTask>(task);
        Loop.RunUntilComplete(task);
    }

    [Fact]
    public void test_env_var_debug()
    {
        var savedDebug = Environment.GetEnvironmentVariable("PYTHONASYNCIODEBUG");
        var savedDev = Environment.GetEnvironmentVariable("PYTHONDEVMODE");
        try
        {
            bool DebugOfNewLoop(string? asyncioDebug, string? devMode)
            {
                Environment.SetEnvironmentVariable("PYTHONASYNCIODEBUG", asyncioDebug);
                Environment.SetEnvironmentVariable("PYTHONDEVMODE", devMode);
                var loop = Asyncio.NewEventLoop();
                loop.Close();
                return loop.GetDebug();
            }

            Assert.False(DebugOfNewLoop(null, null));
            Assert.False(DebugOfNewLoop("", ""));
            Assert.True(DebugOfNewLoop("1", ""));
            Assert.True(DebugOfNewLoop(null, "1"));
        }
        finally
        {
            Environment.SetEnvironmentVariable("PYTHONASYNCIODEBUG", savedDebug);
            Environment.SetEnvironmentVariable("PYTHONDEVMODE", savedDev);
        }
    }

    private sealed class MyTaskLoop : SelectorEventLoop
    {
        public override AsyncioTask CreateTask(Coroutine coro, string? name = null, ExecutionContext? context = null) =>
            new MyTask(coro, this);
    }

    [Fact]
    public void test_create_task()
    {
        var loop = new MyTaskLoop();
        try
        {
            Asyncio.SetEventLoop(loop);
            var task = Asyncio.EnsureFuture(Coro(), loop);
            Assert.IsType<MyTask>(task);
            loop.RunUntilComplete(task);
        }
        finally
        {
            loop.Close();
        }
    }

    [Fact]
    public void test_create_task_error_closes_coro()
    {
        var loop = Asyncio.NewEventLoop();
        loop.Close();
        Assert.Equal("Event loop is closed", Assert.Throws<RuntimeError>(() => Asyncio.EnsureFuture(Coro(), loop)).Message);
    }

    [Fact]
    public void test_create_named_task_with_default_factory()
    {
        var loop = Asyncio.NewEventLoop();
        var task = loop.CreateTask(Coro(), name: "test_task");
        try
        {
            Assert.Equal("test_task", task.GetName());
        }
        finally
        {
            loop.RunUntilComplete(task);
            loop.Close();
        }
    }

    [Fact]
    public void test_create_named_task_with_custom_factory()
    {
        var loop = Asyncio.NewEventLoop();
        loop.SetTaskFactory((l, coro, _) => new AsyncioTask(coro, l));
        var task = loop.CreateTask(Coro(), name: "test_task");
        try
        {
            Assert.Equal("test_task", task.GetName());
        }
        finally
        {
            loop.RunUntilComplete(task);
            loop.Close();
        }
    }

    private static async Coroutine RaiseKeyboardInterrupt()
    {
        await Asyncio.Sleep(0);
        throw new KeyboardInterrupt();
    }

    [Fact]
    public void test_run_forever_keyboard_interrupt()
    {
        // The temporary task run_until_complete makes consumes the KeyboardInterrupt, so nothing is reported
        // (the base class fails the test if the exception handler was called).
        Assert.Throws<KeyboardInterrupt>(() => Loop.RunUntilComplete(RaiseKeyboardInterrupt()));
        Loop.Close();
        GC.Collect();
        GC.WaitForPendingFinalizers();
    }

    [Fact]
    public void test_run_until_complete_baseexception()
    {
        Assert.Throws<KeyboardInterrupt>(() => Loop.RunUntilComplete(RaiseKeyboardInterrupt()));
        var called = false;
        Loop.CallSoon(() =>
        {
            Loop.Stop();
            called = true;
        });
        Loop.RunForever();
        Assert.True(called);
    }

    [Fact]
    public void test_run_once()
    {
        var count = 0;
        Loop.CallSoon(() => count++);
        Loop.CallSoon(Loop.Stop);
        Loop.RunForever();
        Assert.Equal(1, count);
    }

    [Fact]
    public void test_run_forever_pre_stopped()
    {
        var timer = Loop.CallLater(60, Cb);
        Loop.Stop();
        var t0 = Loop.Time();
        Loop.RunForever();
        // A pre-stopped loop runs one iteration that does not wait (select(0)).
        Assert.True(Loop.Time() - t0 < 1.0);
        timer.Cancel();
    }
}

/// <summary>
/// The loop-basics tests of CPython's test_base_events.BaseEventLoopWithSelectorTests (the socket ones are helper
/// "transports"'s; the class is partial so both files can hold its tests).
/// </summary>
public partial class BaseEventLoopWithSelectorTests : LoopTestCase
{
    private static async Coroutine StopLoopCoro(AbstractEventLoop loop)
    {
        loop.Stop();
        await Asyncio.Sleep(0);
    }

    [Fact]
    public void test_log_slow_callbacks()
    {
        Loop.SetDebug(true);
        Loop.SlowCallbackDuration = 0.0;
        var log = new StringWriter();
        var saved = Log.Writer;
        Log.Writer = log;
        try
        {
            Loop.CallSoon(() => Loop.Stop());
            Loop.RunForever();
            var lines = log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Matches("^WARNING:asyncio:Executing <Handle .*test_log_slow_callbacks.*> took .* seconds$", lines[^1]);

            var task = Asyncio.EnsureFuture(StopLoopCoro(Loop), Loop);
            Loop.RunForever();
            lines = log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Matches("^WARNING:asyncio:Executing <Task .*StopLoopCoro.*> took .* seconds$", lines[^1]);
            Loop.RunUntilComplete(task);
        }
        finally
        {
            Log.Writer = saved;
            Loop.SetDebug(false);
        }
    }
}

/// <summary>CPython's test_base_events.RunningLoopTests.</summary>
public class RunningLoopTests : LoopTestCase
{
    private static async Coroutine Runner(AbstractEventLoop loop)
    {
        await Asyncio.Sleep(0);
        loop.RunForever();
    }

    [Fact]
    public void test_running_loop_within_a_loop()
    {
        var loop = Asyncio.NewEventLoop();
        try
        {
            var exc = Assert.Throws<RuntimeError>(() => Loop.RunUntilComplete(Runner(loop)));
            Assert.Contains("while another loop is running", exc.Message);
        }
        finally
        {
            loop.Close();
        }
    }
}
