using System.Runtime.CompilerServices;
using AsyncioSharp;
using Xunit;

namespace AsyncioSharp.Conformance;

/// <summary>
/// The loop-basics tests of CPython's test_events.EventLoopTestsMixin (running, stopping, closing, callbacks,
/// threads, executors); the socket, pipe and signal tests are other helpers', in test_events_*.cs.
/// </summary>
public partial class EventLoopTestsMixin : LoopTestCase
{
    private async Coroutine Coro1() => await Asyncio.Sleep(0);

    private async Coroutine Coro2()
    {
        Assert.True(Loop.IsRunning());
        Loop.RunUntilComplete(Coro1());
        await Asyncio.Sleep(0);
    }

    [Fact]
    public void test_run_until_complete_nesting()
    {
        var exc = Assert.Throws<RuntimeError>(() => Loop.RunUntilComplete(Coro2()));
        Assert.Equal("This event loop is already running", exc.Message);
    }

    [Fact]
    public void test_run_until_complete()
    {
        const double delay = 0.100;
        var t0 = Loop.Time();
        Loop.RunUntilComplete(Asyncio.Sleep(delay));
        var dt = Loop.Time() - t0;
        Assert.True(dt >= delay - 0.050, $"{dt}");
    }

    private async Coroutine StopThenSleep()
    {
        Loop.Stop();
        await Asyncio.Sleep(0.1);
    }

    [Fact]
    public void test_run_until_complete_stopped()
    {
        var exc = Assert.Throws<RuntimeError>(() => Loop.RunUntilComplete(StopThenSleep()));
        Assert.Equal("Event loop stopped before Future completed.", exc.Message);
    }

    [Fact]
    public void test_call_later()
    {
        var results = new List<string>();
        void Callback(string arg)
        {
            results.Add(arg);
            Loop.Stop();
        }

        Loop.CallLater(0.1, () => Callback("hello world"));
        Loop.RunForever();
        Assert.Equal(new[] { "hello world" }, results);
    }

    [Fact]
    public void test_call_soon()
    {
        var results = new List<(string, string)>();
        void Callback(string arg1, string arg2)
        {
            results.Add((arg1, arg2));
            Loop.Stop();
        }

        Loop.CallSoon(() => Callback("hello", "world"));
        Loop.RunForever();
        Assert.Equal(new[] { ("hello", "world") }, results);
    }

    [Fact]
    public void test_call_soon_threadsafe()
    {
        var results = new List<string>();
        void Callback(string arg)
        {
            results.Add(arg);
            if (results.Count >= 2)
            {
                Loop.Stop();
            }
        }

        var queued = new ManualResetEventSlim();
        var t = new Thread(() =>
        {
            Loop.CallSoonThreadsafe(() => Callback("hello"));
            queued.Set();
        });
        t.Start();
        queued.Wait();
        Loop.CallSoon(() => Callback("world"));
        Loop.RunForever();
        t.Join();
        Assert.Equal(new[] { "hello", "world" }, results);
    }

    [Fact]
    public void test_call_soon_threadsafe_same_thread()
    {
        var results = new List<string>();
        void Callback(string arg)
        {
            results.Add(arg);
            if (results.Count >= 2)
            {
                Loop.Stop();
            }
        }

        Loop.CallSoonThreadsafe(() => Callback("hello"));
        Loop.CallSoon(() => Callback("world"));
        Loop.RunForever();
        Assert.Equal(new[] { "hello", "world" }, results);
    }

    [Fact]
    public void test_run_in_executor()
    {
        var f2 = Loop.RunInExecutor(null, () => ("yo", Environment.CurrentManagedThreadId));
        var (res, threadId) = Loop.RunUntilComplete(f2);
        Assert.Equal("yo", res);
        Assert.NotEqual(Environment.CurrentManagedThreadId, threadId);
    }

    [Fact]
    public void test_run_in_executor_cancel()
    {
        var f2 = Loop.RunInExecutor(null, () =>
        {
            Thread.Sleep(50);
            return (object?)null;
        });
        f2.Cancel();
        Loop.RunUntilComplete(Loop.ShutdownDefaultExecutor());
        Loop.Close();
        // The job finished after the loop closed: its result must not be scheduled on the closed loop.
        Thread.Sleep(400);
        Assert.True(f2.Cancelled());
    }

    private async Coroutine Wait()
    {
        await Asyncio.Sleep(1e-2);
        await Asyncio.Sleep(1e-4);
        await Asyncio.Sleep(1e-6);
        await Asyncio.Sleep(1e-8);
        await Asyncio.Sleep(1e-10);
    }

    [Fact]
    public void test_timeout_rounding()
    {
        // CPython counts _run_once calls by patching the loop; here a callback re-armed every iteration counts them.
        var iterations = 0;
        var counting = true;
        void Count()
        {
            iterations++;
            if (counting)
            {
                Loop.CallSoon(Count);
            }
        }

        var task = Asyncio.EnsureFuture(Wait(), Loop);
        task.AddDoneCallback(_ => counting = false);
        Loop.RunUntilComplete(task);
        Assert.True(iterations <= 20, $"{iterations} iterations");
    }

    private async Coroutine CloseLoop()
    {
        await Asyncio.Sleep(0);
        Loop.Close();
    }

    [Fact]
    public void test_close_running_event_loop()
    {
        var exc = Assert.Throws<RuntimeError>(() => Loop.RunUntilComplete(CloseLoop()));
        Assert.Equal("Cannot close a running event loop", exc.Message);
    }

    private static async Coroutine Nothing() => await Asyncio.Sleep(0);

    [Fact]
    public void test_close()
    {
        Loop.Close();
        Action func = () => { };
        const string closed = "Event loop is closed";
        Assert.Equal(closed, Assert.Throws<RuntimeError>(() => Loop.RunForever()).Message);
        Assert.Equal(closed, Assert.Throws<RuntimeError>(() => Loop.RunUntilComplete(Loop.CreateFuture())).Message);
        Assert.Equal(closed, Assert.Throws<RuntimeError>(() => Loop.CallSoon(func)).Message);
        Assert.Equal(closed, Assert.Throws<RuntimeError>(() => Loop.CallSoonThreadsafe(func)).Message);
        Assert.Equal(closed, Assert.Throws<RuntimeError>(() => Loop.CallLater(1.0, func)).Message);
        Assert.Equal(closed, Assert.Throws<RuntimeError>(() => Loop.CallAt(Loop.Time() + .0, func)).Message);
        Assert.Equal(closed, Assert.Throws<RuntimeError>(() => Loop.CreateTask(Nothing())).Message);
        Assert.Equal(closed, Assert.Throws<RuntimeError>(() => Loop.RunInExecutor(null, () => null)).Message);
    }
}

/// <summary>test_events.EventLoopTestsMixin.test_internal_fds (the reader/writer tests are in test_events_lowlevel.cs).</summary>
public partial class EventLoopTestsMixin
{
    [Fact]
    public void test_internal_fds()
    {
        // Python counts its self-pipe (_internal_fds == 1, 0 after close); here the loop's own fds are its epoll
        // instance and its wake-up eventfd, all released by close().
        var before = Directory.GetFiles("/proc/self/fd").Length;
        var loop = new SelectorEventLoop();
        Assert.Equal(before + 2, Directory.GetFiles("/proc/self/fd").Length);
        loop.Close();
        Assert.Equal(before, Directory.GetFiles("/proc/self/fd").Length);
    }
}

/// <summary>CPython's test_events.HandleTests.</summary>
public class HandleTests : LoopTestCase
{
    private static void Noop() { }

    [Fact]
    public void test_handle()
    {
        Action callback = Noop;
        var h = new Handle(callback, Loop, null);
        Assert.Equal(callback, h.Callback);
        Assert.False(h.Cancelled());
        h.Cancel();
        Assert.True(h.Cancelled());
    }

    [Fact]
    public void test_callback_with_exception()
    {
        var h = new Handle(() => throw new ValueError(""), Loop, null);
        h.Run();
        var context = Assert.Single(TakeUnhandled());
        Assert.Matches("^Exception in callback .*", (string)context["message"]!);
        Assert.IsType<ValueError>(context["exception"]);
        Assert.Same(h, context["handle"]);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private WeakReference MakeWeak() => new(new Handle(() => { }, Loop, null));

    [Fact]
    public void test_handle_weakref()
    {
        var wd = MakeWeak();
        GC.Collect();
        Assert.False(wd.IsAlive);
    }

    [Fact]
    public void test_handle_repr()
    {
        Loop.SetDebug(false);
        var h = new Handle(Noop, Loop, null);
        Assert.Equal("<Handle HandleTests.Noop()>", h.ToString());
        h.Cancel();
        Assert.Equal("<Handle cancelled>", h.ToString());

        var lambda = new Handle(() => Noop(), Loop, null);
        Assert.Equal("<Handle HandleTests.test_handle_repr.<locals>.<lambda>()>", lambda.ToString());
    }

    /// <summary>The file and line of the call (the test's <c>__file__</c> and <c>sys._getframe().f_lineno</c>).</summary>
    internal static (string File, int Line) Here([CallerFilePath] string file = "", [CallerLineNumber] int line = 0) => (file, line);

    [Fact]
    public void test_handle_repr_debug()
    {
        Loop.SetDebug(true);
        var (file, line) = Here();
        var h = new Handle(Noop, Loop, null);
        var createdAt = $"created at {file}:{line + 1}";
        Assert.Equal($"<Handle HandleTests.Noop() {createdAt}>", h.ToString());
        // In debug mode the repr is kept at cancel, for slow-callback warnings.
        h.Cancel();
        Assert.Equal($"<Handle cancelled HandleTests.Noop() {createdAt}>", h.ToString());
        h.Cancel();
        Assert.Equal($"<Handle cancelled HandleTests.Noop() {createdAt}>", h.ToString());
        Loop.SetDebug(false);
    }

    [Fact]
    public void test_handle_source_traceback()
    {
        var loop = Asyncio.GetEventLoopPolicy().NewEventLoop();
        try
        {
            loop.SetDebug(true);
            void CheckSourceTraceback(Handle h, int lineno)
            {
                var frames = h.SourceTraceback;
                Assert.NotNull(frames);
                Assert.Equal((Here().File, lineno, nameof(test_handle_source_traceback)), (frames![^1].Filename, frames[^1].Lineno, frames[^1].Name));
            }

            var (_, line) = Here();
            var h = loop.CallSoon(Noop);
            CheckSourceTraceback(h, line + 1);
            (_, line) = Here();
            h = loop.CallSoonThreadsafe(Noop);
            CheckSourceTraceback(h, line + 1);
            (_, line) = Here();
            h = loop.CallLater(0, Noop);
            CheckSourceTraceback(h, line + 1);
            (_, line) = Here();
            h = loop.CallAt(loop.Time(), Noop);
            CheckSourceTraceback(h, line + 1);
        }
        finally
        {
            loop.Close();
        }
    }
}

/// <summary>CPython's test_events.TimerTests.</summary>
public class TimerTests : LoopTestCase
{
    private static void Noop() { }

    [Fact]
    public void test_hash()
    {
        var when = Loop.Time();
        var h = new TimerHandle(when, () => { }, Loop, null);
        Assert.Equal(when.GetHashCode(), h.GetHashCode());
    }

    [Fact]
    public void test_when()
    {
        var when = Loop.Time();
        var h = new TimerHandle(when, () => { }, Loop, null);
        Assert.Equal(when, h.When());
    }

    [Fact]
    public void test_timer()
    {
        Action callback = Noop;
        var h = new TimerHandle(Loop.Time(), callback, Loop, null);
        Assert.Equal(callback, h.Callback);
        Assert.False(h.Cancelled());
        h.Cancel();
        Assert.True(h.Cancelled());
        Assert.Null(h.Callback);
    }

    [Fact]
    public void test_timer_repr()
    {
        Loop.SetDebug(false);
        var h = new TimerHandle(123.5, Noop, Loop, null);
        Assert.Equal("<TimerHandle when=123.5 TimerTests.Noop()>", h.ToString());
        h.Cancel();
        Assert.Equal("<TimerHandle cancelled when=123.5>", h.ToString());
        Assert.Equal("<TimerHandle when=123.0 TimerTests.Noop()>", new TimerHandle(123, Noop, Loop, null).ToString());
    }

    [Fact]
    public void test_timer_repr_debug()
    {
        Loop.SetDebug(true);
        var (file, line) = HandleTests.Here();
        var h = new TimerHandle(123.5, Noop, Loop, null);
        var createdAt = $"created at {file}:{line + 1}";
        Assert.Equal($"<TimerHandle when=123.5 TimerTests.Noop() {createdAt}>", h.ToString());
        h.Cancel();
        Assert.Equal($"<TimerHandle cancelled when=123.5 TimerTests.Noop() {createdAt}>", h.ToString());
        Loop.SetDebug(false);
    }

    [Fact]
    public void test_timer_comparison()
    {
        Action callback = Noop;
        var when = Loop.Time();
        var h1 = new TimerHandle(when, callback, Loop, null);
        var h2 = new TimerHandle(when, callback, Loop, null);
        Assert.False(h1 < h2);
        Assert.False(h2 < h1);
        Assert.True(h1 <= h2);
        Assert.True(h2 <= h1);
        Assert.False(h1 > h2);
        Assert.False(h2 > h1);
        Assert.True(h1 >= h2);
        Assert.True(h2 >= h1);
        Assert.True(h1 == h2);
        Assert.False(h1 != h2);

        h2.Cancel();
        Assert.False(h1 == h2);

        h1 = new TimerHandle(when, callback, Loop, null);
        h2 = new TimerHandle(when + 10.0, callback, Loop, null);
        Assert.True(h1 < h2);
        Assert.False(h2 < h1);
        Assert.True(h1 <= h2);
        Assert.False(h2 <= h1);
        Assert.False(h1 > h2);
        Assert.True(h2 > h1);
        Assert.False(h1 >= h2);
        Assert.True(h2 >= h1);
        Assert.False(h1 == h2);
        Assert.True(h1 != h2);

        // A TimerHandle is never equal to a plain Handle (Python: __eq__ returns NotImplemented).
        var h3 = new Handle(callback, Loop, null);
        Assert.False(h1.Equals(h3));
        Assert.False(h1.Equals(null));
    }
}

/// <summary>CPython's test_events.AbstractEventLoopTests.</summary>
public class AbstractEventLoopTests
{
    private sealed class BareLoop : AbstractEventLoop
    {
    }

    [Fact]
    public void test_not_implemented()
    {
        var loop = new BareLoop();
        Action f = () => { };
        Assert.Throws<NotImplementedException>(() => loop.RunForever());
        Assert.Throws<NotImplementedException>(() => loop.RunUntilComplete(null!));
        Assert.Throws<NotImplementedException>(() => loop.Stop());
        Assert.Throws<NotImplementedException>(() => loop.IsRunning());
        Assert.Throws<NotImplementedException>(() => loop.IsClosed());
        Assert.Throws<NotImplementedException>(() => loop.Close());
        Assert.Throws<NotImplementedException>(() => loop.CreateTask(null!));
        Assert.Throws<NotImplementedException>(() => loop.CallLater(0, f));
        Assert.Throws<NotImplementedException>(() => loop.CallAt(0, f));
        Assert.Throws<NotImplementedException>(() => loop.CallSoon(f));
        Assert.Throws<NotImplementedException>(() => loop.Time());
        Assert.Throws<NotImplementedException>(() => loop.CallSoonThreadsafe(f));
        Assert.Throws<NotImplementedException>(() => loop.SetDefaultExecutor(null!));
        Assert.Throws<NotImplementedException>(() => loop.AddReader(1, f));
        Assert.Throws<NotImplementedException>(() => loop.RemoveReader(1));
        Assert.Throws<NotImplementedException>(() => loop.AddWriter(1, f));
        Assert.Throws<NotImplementedException>(() => loop.RemoveWriter(1));
        Assert.Throws<NotImplementedException>(() => loop.AddSignalHandler(1, f));
        Assert.Throws<NotImplementedException>(() => loop.RemoveSignalHandler(1));
        Assert.Throws<NotImplementedException>(() => loop.SetExceptionHandler(null));
        Assert.Throws<NotImplementedException>(() => loop.DefaultExceptionHandler(new Dictionary<string, object?>()));
        Assert.Throws<NotImplementedException>(() => loop.CallExceptionHandler(new Dictionary<string, object?>()));
        Assert.Throws<NotImplementedException>(() => loop.GetDebug());
        Assert.Throws<NotImplementedException>(() => loop.SetDebug(true));
    }

    [Fact]
    public void test_not_implemented_async()
    {
        var loop = new BareLoop();
        Assert.Throws<NotImplementedException>(() => loop.RunInExecutor(null, () => null));
        Assert.Throws<NotImplementedException>(() => loop.Getaddrinfo("localhost", 8080));
        Assert.Throws<NotImplementedException>(() => loop.CreateConnection(() => new Protocol()));
        Assert.Throws<NotImplementedException>(() => loop.CreateServer(() => new Protocol()));
        Assert.Throws<NotImplementedException>(() => loop.SockRecv(null!, 10));
        Assert.Throws<NotImplementedException>(() => loop.SockSendall(null!, new byte[10]));
        Assert.Throws<NotImplementedException>(() => loop.SockAccept(null!));
        Assert.Throws<NotImplementedException>(() => loop.ShutdownDefaultExecutor());
    }
}

/// <summary>CPython's test_events.PolicyTests.</summary>
public class PolicyTests
{
    [Fact]
    public void test_event_loop_policy()
    {
        var policy = new AbstractEventLoopPolicy();
        Assert.Throws<NotImplementedException>(() => policy.GetEventLoop());
        Assert.Throws<NotImplementedException>(() => policy.SetEventLoop(null));
        Assert.Throws<NotImplementedException>(() => policy.NewEventLoop());
        Assert.Throws<NotImplementedException>(() => policy.GetChildWatcher());
        Assert.Throws<NotImplementedException>(() => policy.SetChildWatcher(null));
    }

    [Fact]
    public void test_get_event_loop()
    {
        var policy = new DefaultEventLoopPolicy();
        var loop = policy.GetEventLoop();
        Assert.IsAssignableFrom<AbstractEventLoop>(loop);
        Assert.Same(loop, policy.GetEventLoop());
        loop.Close();
    }

    private sealed class RecordingPolicy : DefaultEventLoopPolicy
    {
        public List<AbstractEventLoop?> SetCalls { get; } = new();

        public override void SetEventLoop(AbstractEventLoop? loop)
        {
            SetCalls.Add(loop);
            base.SetEventLoop(loop);
        }
    }

    [Fact]
    public void test_get_event_loop_calls_set_event_loop()
    {
        var policy = new RecordingPolicy();
        var loop = policy.GetEventLoop();
        Assert.Equal(new[] { loop }, policy.SetCalls);
        loop.Close();
    }

    [Fact]
    public void test_get_event_loop_after_set_none()
    {
        var policy = new DefaultEventLoopPolicy();
        policy.SetEventLoop(null);
        var exc = Assert.Throws<RuntimeError>(() => policy.GetEventLoop());
        Assert.StartsWith("There is no current event loop in thread ", exc.Message);
    }

    [Fact]
    public void test_new_event_loop()
    {
        var policy = new DefaultEventLoopPolicy();
        var loop = policy.NewEventLoop();
        Assert.IsAssignableFrom<AbstractEventLoop>(loop);
        loop.Close();
    }

    [Fact]
    public void test_set_event_loop()
    {
        var policy = new DefaultEventLoopPolicy();
        var oldLoop = policy.NewEventLoop();
        policy.SetEventLoop(oldLoop);
        var loop = policy.NewEventLoop();
        policy.SetEventLoop(loop);
        Assert.Same(loop, policy.GetEventLoop());
        Assert.NotSame(oldLoop, policy.GetEventLoop());
        loop.Close();
        oldLoop.Close();
    }

    [Fact]
    public void test_get_event_loop_policy()
    {
        var policy = Asyncio.GetEventLoopPolicy();
        Assert.IsAssignableFrom<AbstractEventLoopPolicy>(policy);
        Assert.Same(policy, Asyncio.GetEventLoopPolicy());
    }

    [Fact]
    public void test_set_event_loop_policy()
    {
        var oldPolicy = Asyncio.GetEventLoopPolicy();
        try
        {
            var policy = new DefaultEventLoopPolicy();
            Asyncio.SetEventLoopPolicy(policy);
            Assert.Same(policy, Asyncio.GetEventLoopPolicy());
            Assert.NotSame(oldPolicy, policy);
        }
        finally
        {
            Asyncio.SetEventLoopPolicy(oldPolicy);
        }
    }
}

/// <summary>CPython's test_events.GetEventLoopTestsMixin (run by TestPyGetEventLoop/TestCGetEventLoop).</summary>
public class GetEventLoopTestsMixin
{
    private sealed class TestError : Exception
    {
    }

    private sealed class Policy : DefaultEventLoopPolicy
    {
        public override AbstractEventLoop GetEventLoop() => throw new TestError();
    }

    private static async Coroutine Func(AbstractEventLoop loop)
    {
        await Asyncio.Sleep(0);
        Assert.Same(loop, Asyncio.GetEventLoop());
        Assert.Same(loop, Asyncio.GetRunningLoop());
        Assert.Same(loop, Asyncio._GetRunningLoop());
    }

    [Fact]
    public void test_get_event_loop_returns_running_loop()
    {
        var oldPolicy = Asyncio.GetEventLoopPolicy();
        AbstractEventLoop? loop = null;
        try
        {
            Asyncio.SetEventLoopPolicy(new Policy());
            loop = Asyncio.NewEventLoop();
            Assert.Throws<TestError>(() => Asyncio.GetEventLoop());
            Asyncio.SetEventLoop(null);
            Assert.Throws<TestError>(() => Asyncio.GetEventLoop());
            Assert.Contains("no running", Assert.Throws<RuntimeError>(() => Asyncio.GetRunningLoop()).Message);
            Assert.Null(Asyncio._GetRunningLoop());

            loop.RunUntilComplete(Func(loop));

            Asyncio.SetEventLoop(loop);
            Assert.Throws<TestError>(() => Asyncio.GetEventLoop());
            Asyncio.SetEventLoop(null);
            Assert.Throws<TestError>(() => Asyncio.GetEventLoop());
        }
        finally
        {
            Asyncio.SetEventLoopPolicy(oldPolicy);
            loop?.Close();
        }
        Assert.Contains("no running", Assert.Throws<RuntimeError>(() => Asyncio.GetRunningLoop()).Message);
        Assert.Null(Asyncio._GetRunningLoop());
    }

    [Fact]
    public void test_get_event_loop_returns_running_loop2()
    {
        var oldPolicy = Asyncio.GetEventLoopPolicy();
        AbstractEventLoop? loop = null;
        AbstractEventLoop? loop2 = null;
        try
        {
            Asyncio.SetEventLoopPolicy(new DefaultEventLoopPolicy());
            loop = Asyncio.NewEventLoop();
            loop2 = Asyncio.GetEventLoop();
            Asyncio.SetEventLoop(null);
            Assert.Contains("no current", Assert.Throws<RuntimeError>(() => Asyncio.GetEventLoop()).Message);
            Assert.Contains("no running", Assert.Throws<RuntimeError>(() => Asyncio.GetRunningLoop()).Message);
            Assert.Null(Asyncio._GetRunningLoop());

            loop.RunUntilComplete(Func(loop));

            Asyncio.SetEventLoop(loop);
            Assert.Same(loop, Asyncio.GetEventLoop());
            Asyncio.SetEventLoop(null);
            Assert.Contains("no current", Assert.Throws<RuntimeError>(() => Asyncio.GetEventLoop()).Message);
        }
        finally
        {
            Asyncio.SetEventLoopPolicy(oldPolicy);
            loop?.Close();
            loop2?.Close();
        }
        Assert.Contains("no running", Assert.Throws<RuntimeError>(() => Asyncio.GetRunningLoop()).Message);
        Assert.Null(Asyncio._GetRunningLoop());
    }
}

/// <summary>CPython's test_events.TestAbstractServer.</summary>
public class TestAbstractServer
{
    private sealed class BareServer : AbstractServer
    {
    }

    [Fact]
    public void test_close()
    {
        Assert.Throws<NotImplementedException>(() => new BareServer().Close());
    }

    [Fact]
    public void test_wait_closed()
    {
        var loop = Asyncio.NewEventLoop();
        try
        {
            Assert.Throws<NotImplementedException>(() => loop.RunUntilComplete(new BareServer().WaitClosed()));
        }
        finally
        {
            loop.Close();
        }
    }

    [Fact]
    public void test_get_loop()
    {
        Assert.Throws<NotImplementedException>(() => new BareServer().GetLoop());
    }
}
