using System.Runtime.CompilerServices;
using AsyncioSharp;
using AsyncioSharp.ConcurrentFutures;
using Xunit;

namespace AsyncioSharp.Conformance;

/// <summary>CPython's test_futures.DuckTests: an asyncio future given to wrap_future/ensure_future comes back as is.</summary>
public class DuckTests : LoopTestCase
{
    [Fact]
    public void test_wrap_future()
    {
        var f = new Future(Loop);
        // C# has no duck-typed future: a Future is what wrap_future passes through.
        Assert.Same(f, Asyncio.WrapFuture(f));
        f.Cancel();
    }

    [Fact]
    public void test_ensure_future()
    {
        var f = new Future(Loop);
        Assert.Same(f, Asyncio.EnsureFuture(f));
        f.Cancel();
    }
}

/// <summary>CPython's test_futures.BaseFutureTests (run by PyFutureTests/CFutureTests on Python's two implementations).</summary>
public class BaseFutureTests : LoopTestCase
{
    private Future NewFuture() => new(Loop);

    private static void Collect()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }

    [Fact]
    public void test_isfuture()
    {
        Assert.False(Asyncio.Isfuture(typeof(Future)));
        Assert.False(Asyncio.Isfuture(1));
        var f = NewFuture();
        Assert.True(Asyncio.Isfuture(f));
        Assert.False(Asyncio.Isfuture(f.GetType()));
        f.Cancel();
    }

    [Fact]
    public void test_initial_state()
    {
        var f = NewFuture();
        Assert.False(f.Cancelled());
        Assert.False(f.Done());
        f.Cancel();
        Assert.True(f.Cancelled());
    }

    [Fact]
    public void test_constructor_without_loop()
    {
        Asyncio.SetEventLoop(null);
        var exc = Assert.Throws<RuntimeError>(() => new Future());
        Assert.Contains("no current event loop", exc.Message);
    }

    private async Coroutine<Future> NewFutureInCoroutine()
    {
        await Asyncio.Sleep(0);
        return new Future();
    }

    [Fact]
    public void test_constructor_use_running_loop()
    {
        Asyncio.SetEventLoop(null);
        var f = Loop.RunUntilComplete(NewFutureInCoroutine());
        Assert.Same(Loop, f.GetLoop());
    }

    [Fact]
    public void test_constructor_use_global_loop()
    {
        Asyncio.SetEventLoop(Loop);
        var f = new Future();
        Assert.Same(Loop, f.GetLoop());
    }

    private static async Coroutine AwaitFuture(Future f) => await f;

    [Fact]
    public void test_future_cancel_message_getter()
    {
        var f = NewFuture();
        Assert.Null(f.CancelMessage);
        f.Cancel("my message");
        var exc = Assert.Throws<CancelledError>(() => Loop.RunUntilComplete(f));
        Assert.Equal("my message", f.CancelMessage);
        Assert.Equal("my message", exc.Message);
    }

    [Fact]
    public void test_cancel()
    {
        var f = NewFuture();
        Assert.True(f.Cancel());
        Assert.True(f.Cancelled());
        Assert.True(f.Done());
        Assert.Throws<CancelledError>(() => f.Result());
        Assert.Throws<CancelledError>(() => f.Exception());
        Assert.Throws<InvalidStateError>(() => f.SetResult(null));
        Assert.Throws<InvalidStateError>(() => f.SetException(new RuntimeError("")));
        Assert.False(f.Cancel());
    }

    [Fact]
    public void test_result()
    {
        var f = NewFuture();
        var notReady = Assert.Throws<InvalidStateError>(() => f.Result());
        Assert.Equal("Result is not ready.", notReady.Message);
        f.SetResult(42);
        Assert.False(f.Cancelled());
        Assert.True(f.Done());
        Assert.Equal(42, f.Result());
        Assert.Null(f.Exception());
        var again = Assert.Throws<InvalidStateError>(() => f.SetResult(null));
        Assert.Equal("FINISHED: <Future finished result=42>", again.Message);
        Assert.Throws<InvalidStateError>(() => f.SetException(new RuntimeError("")));
        Assert.False(f.Cancel());
    }

    [Fact]
    public void test_exception()
    {
        var exc = new RuntimeError("");
        var f = NewFuture();
        var notSet = Assert.Throws<InvalidStateError>(() => f.Exception());
        Assert.Equal("Exception is not set.", notSet.Message);
        f.SetException(exc);
        Assert.False(f.Cancelled());
        Assert.True(f.Done());
        Assert.Same(exc, Assert.Throws<RuntimeError>(() => f.Result()));
        Assert.Same(exc, f.Exception());
        Assert.Throws<InvalidStateError>(() => f.SetResult(null));
        Assert.Throws<InvalidStateError>(() => f.SetException(new RuntimeError("")));
        Assert.False(f.Cancel());
    }

    [Fact]
    public void test_future_repr()
    {
        Loop.SetDebug(true);
        var pendingDebug = NewFuture();
        var frame = pendingDebug.SourceTraceback![^1];
        Assert.Equal($"<Future pending created at {frame.Filename}:{frame.Lineno}>", pendingDebug.ToString());
        pendingDebug.Cancel();
        Loop.SetDebug(false);

        var pending = NewFuture();
        Assert.Equal("<Future pending>", pending.ToString());
        pending.Cancel();

        var cancelled = NewFuture();
        cancelled.Cancel();
        Assert.Equal("<Future cancelled>", cancelled.ToString());

        var result = NewFuture();
        result.SetResult(4);
        Assert.Equal("<Future finished result=4>", result.ToString());
        Assert.Equal(4, result.Result());

        var exc = new RuntimeError("");
        var exception = NewFuture();
        exception.SetException(exc);
        Assert.Equal("<Future finished exception=RuntimeError()>", exception.ToString());
        Assert.Same(exc, exception.Exception());

        var one = NewFuture();
        one.AddDoneCallback(FakeFunc);
        Assert.Equal("<Future pending cb=[BaseFutureTests.FakeFunc()]>", one.ToString());
        one.Cancel();
        Assert.Equal("<Future cancelled>", one.ToString());

        var two = NewFuture();
        two.AddDoneCallback(FirstCb);
        two.AddDoneCallback(LastCb);
        Assert.Equal("<Future pending cb=[BaseFutureTests.FirstCb(), BaseFutureTests.LastCb()]>", two.ToString());
        two.Cancel();

        var many = NewFuture();
        many.AddDoneCallback(FirstCb);
        for (var i = 0; i < 8; i++)
        {
            many.AddDoneCallback(FakeFunc);
        }
        many.AddDoneCallback(LastCb);
        Assert.Equal("<Future pending cb=[BaseFutureTests.FirstCb(), <8 more>, BaseFutureTests.LastCb()]>", many.ToString());
        many.Cancel();
        Assert.Equal("<Future cancelled>", many.ToString());
    }

    private static void FakeFunc(Future f) { }

    private static void FirstCb(Future f) { }

    private static void LastCb(Future f) { }

    [Fact]
    public void test_copy_state()
    {
        var f = NewFuture();
        f.SetResult(10);
        var newf = NewFuture();
        Futures.CopyFutureState(f, newf);
        Assert.True(newf.Done());
        Assert.Equal(10, newf.Result());

        var fException = NewFuture();
        fException.SetException(new RuntimeError(""));
        var newfException = NewFuture();
        Futures.CopyFutureState(fException, newfException);
        Assert.True(newfException.Done());
        Assert.Throws<RuntimeError>(() => newfException.Result());
        fException.Exception();

        var fCancelled = NewFuture();
        fCancelled.Cancel();
        var newfCancelled = NewFuture();
        Futures.CopyFutureState(fCancelled, newfCancelled);
        Assert.True(newfCancelled.Cancelled());
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Abandon(Action<Future> setUp)
    {
        var fut = NewFuture();
        setUp(fut);
    }

    private List<IReadOnlyDictionary<string, object?>> CollectAndReport()
    {
        Collect();
        RunBriefly();
        return TakeUnhandled();
    }

    [Fact]
    public void test_tb_logger_abandoned()
    {
        Abandon(_ => { });
        Assert.Empty(CollectAndReport());
    }

    [Fact]
    public void test_tb_logger_not_called_after_cancel()
    {
        Abandon(fut =>
        {
            fut.SetException(new Exception());
            fut.Cancel();
        });
        Assert.Empty(CollectAndReport());
    }

    [Fact]
    public void test_tb_logger_result_unretrieved()
    {
        Abandon(fut => fut.SetResult(42));
        Assert.Empty(CollectAndReport());
    }

    [Fact]
    public void test_tb_logger_result_retrieved()
    {
        Abandon(fut =>
        {
            fut.SetResult(42);
            fut.Result();
        });
        Assert.Empty(CollectAndReport());
    }

    [Fact]
    public void test_tb_logger_exception_unretrieved()
    {
        Abandon(fut => fut.SetException(new RuntimeError("boom")));
        RunBriefly();
        var reported = CollectAndReport();
        Assert.Single(reported);
        Assert.Equal("Future exception was never retrieved", reported[0]["message"]);
        Assert.IsType<RuntimeError>(reported[0]["exception"]);
    }

    [Fact]
    public void test_tb_logger_exception_retrieved()
    {
        Abandon(fut =>
        {
            fut.SetException(new RuntimeError("boom"));
            fut.Exception();
        });
        Assert.Empty(CollectAndReport());
    }

    [Fact]
    public void test_tb_logger_exception_result_retrieved()
    {
        Abandon(fut =>
        {
            fut.SetException(new RuntimeError("boom"));
            Assert.Throws<RuntimeError>(() => fut.Result());
        });
        Assert.Empty(CollectAndReport());
    }

    [Fact]
    public void test_wrap_future()
    {
        var ex = new ThreadPoolExecutor(1);
        var f1 = ex.Submit(() => ("oi", Environment.CurrentManagedThreadId));
        var f2 = Asyncio.WrapFuture(f1, Loop);
        var (res, ident) = ((string, int))Loop.RunUntilComplete(f2)!;
        Assert.True(Asyncio.Isfuture(f2));
        Assert.Equal("oi", res);
        Assert.NotEqual(Environment.CurrentManagedThreadId, ident);
        ex.Shutdown(wait: true);
    }

    [Fact]
    public void test_wrap_future_future()
    {
        var f1 = NewFuture();
        var f2 = Asyncio.WrapFuture(f1);
        Assert.Same(f1, f2);
        f1.Cancel();
    }

    [Fact]
    public void test_wrap_future_without_loop()
    {
        var ex = new ThreadPoolExecutor(1);
        var f1 = ex.Submit(() => "oi");
        Asyncio.SetEventLoop(null);
        var exc = Assert.Throws<RuntimeError>(() => Asyncio.WrapFuture(f1));
        Assert.Contains("no current event loop", exc.Message);
        ex.Shutdown(wait: true);
    }

    private static async Coroutine<Future> WrapInCoroutine(System.Threading.Tasks.Task f1)
    {
        await Asyncio.Sleep(0);
        return Asyncio.WrapFuture(f1);
    }

    [Fact]
    public void test_wrap_future_use_running_loop()
    {
        var ex = new ThreadPoolExecutor(1);
        var f1 = ex.Submit(() => "oi");
        Asyncio.SetEventLoop(null);
        var f2 = Loop.RunUntilComplete(WrapInCoroutine(f1));
        Assert.Same(Loop, f2.GetLoop());
        ex.Shutdown(wait: true);
        RunUntil(f2.Done);
    }

    [Fact]
    public void test_wrap_future_use_global_loop()
    {
        var ex = new ThreadPoolExecutor(1);
        var f1 = ex.Submit(() => "oi");
        var f2 = Asyncio.WrapFuture(f1);
        Assert.Same(Loop, f2.GetLoop());
        ex.Shutdown(wait: true);
        RunUntil(f2.Done);
    }

    [Fact]
    public void test_wrap_future_cancel()
    {
        // Python cancels a bare concurrent Future; the C# counterpart is a call queued behind a busy worker.
        var ex = new ThreadPoolExecutor(1);
        var release = new ManualResetEventSlim();
        var busy = ex.Submit(() => release.Wait(TimeSpan.FromSeconds(30)));
        var ran = false;
        var f1 = ex.Submit(() => ran = true);
        var f2 = Asyncio.WrapFuture(f1, Loop);
        f2.Cancel();
        RunBriefly();
        release.Set();
        ex.Shutdown(wait: true);
        Assert.True(busy.Result);
        Assert.True(f1.IsCanceled);
        Assert.False(ran);
        Assert.True(f2.Cancelled());
    }

    [Fact]
    public void test_wrap_future_cancel2()
    {
        var f1 = new TaskCompletionSource<object?>();
        var f2 = Asyncio.WrapFuture(f1.Task, Loop);
        f1.SetResult(42);
        f2.Cancel();
        RunBriefly();
        Assert.False(f1.Task.IsCanceled);
        Assert.Equal(42, f1.Task.Result);
        Assert.True(f2.Cancelled());
    }

    private void CheckFutureExceptionNeverRetrieved(bool debug)
    {
        Loop.SetDebug(debug);
        Loop.SetExceptionHandler(null);
        CustomExceptionHandler = true;
        var log = new StringWriter();
        var saved = Log.Writer;
        Log.Writer = log;
        try
        {
            Abandon(fut => fut.SetException(new InsufficientMemoryException()));
            RunBriefly();
            Collect();
            RunBriefly();
        }
        finally
        {
            Log.Writer = saved;
            Loop.SetDebug(false);
        }
        var text = log.ToString();
        Assert.StartsWith("ERROR:asyncio:Future exception was never retrieved\n", text);
        Assert.Contains(nameof(InsufficientMemoryException), text);
        Assert.Equal(1, text.Split("was never retrieved").Length - 1);
    }

    [Fact]
    public void test_future_exception_never_retrieved() => CheckFutureExceptionNeverRetrieved(false);

    [Fact]
    public void test_future_exception_never_retrieved_debug() => CheckFutureExceptionNeverRetrieved(true);

    [Fact]
    public void test_future_source_traceback()
    {
        Loop.SetDebug(true);
        var (file, line) = HandleTests.Here();
        var future = NewFuture();
        // Python's [-2] is the test frame under _new_future; here the helper NewFuture is the last frame.
        var frames = future.SourceTraceback!;
        Assert.Equal((file, line + 1, nameof(test_future_source_traceback)), (frames[^2].Filename, frames[^2].Lineno, frames[^2].Name));
        future.Cancel();
        Loop.SetDebug(false);
    }

    [Fact]
    public void test_set_result_unless_cancelled()
    {
        var fut = NewFuture();
        fut.Cancel();
        Futures.SetResultUnlessCancelled(fut, 2);
        Assert.True(fut.Cancelled());
    }

    [Fact]
    public void test_future_del_collect()
    {
        for (var i = 0; i < 100; i++)
        {
            Abandon(fut => fut.SetResult(new object()));
        }
        Assert.Empty(CollectAndReport());
    }
}

/// <summary>CPython's test_futures.BaseFutureDoneCallbackTests.</summary>
public class BaseFutureDoneCallbackTests : LoopTestCase
{
    private Future NewFuture() => new(Loop);

    private static Action<Future> MakeCallback(List<int> bag, int thing) => _ => bag.Add(thing);

    [Fact]
    public void test_callbacks_remove_first_callback()
    {
        var bag = new List<int>();
        var f = NewFuture();
        var cb1 = MakeCallback(bag, 42);
        var cb2 = MakeCallback(bag, 17);
        var cb3 = MakeCallback(bag, 100);
        f.AddDoneCallback(cb1);
        f.AddDoneCallback(cb2);
        f.AddDoneCallback(cb3);
        f.RemoveDoneCallback(cb1);
        f.RemoveDoneCallback(cb1);
        Assert.Empty(bag);
        f.SetResult("foo");
        RunBriefly();
        Assert.Equal(new[] { 17, 100 }, bag);
        Assert.Equal("foo", f.Result());
    }

    [Fact]
    public void test_callbacks_remove_first_and_second_callback()
    {
        var bag = new List<int>();
        var f = NewFuture();
        var cb1 = MakeCallback(bag, 42);
        var cb2 = MakeCallback(bag, 17);
        var cb3 = MakeCallback(bag, 100);
        f.AddDoneCallback(cb1);
        f.AddDoneCallback(cb2);
        f.AddDoneCallback(cb3);
        f.RemoveDoneCallback(cb1);
        f.RemoveDoneCallback(cb2);
        f.RemoveDoneCallback(cb1);
        Assert.Empty(bag);
        f.SetResult("foo");
        RunBriefly();
        Assert.Equal(new[] { 100 }, bag);
        Assert.Equal("foo", f.Result());
    }

    [Fact]
    public void test_callbacks_remove_third_callback()
    {
        var bag = new List<int>();
        var f = NewFuture();
        var cb1 = MakeCallback(bag, 42);
        var cb2 = MakeCallback(bag, 17);
        var cb3 = MakeCallback(bag, 100);
        f.AddDoneCallback(cb1);
        f.AddDoneCallback(cb2);
        f.AddDoneCallback(cb3);
        f.RemoveDoneCallback(cb3);
        f.RemoveDoneCallback(cb3);
        Assert.Empty(bag);
        f.SetResult("foo");
        RunBriefly();
        Assert.Equal(new[] { 42, 17 }, bag);
        Assert.Equal("foo", f.Result());
    }

    [Fact]
    public void test_callbacks_invoked_on_set_result()
    {
        var bag = new List<int>();
        var f = NewFuture();
        f.AddDoneCallback(MakeCallback(bag, 42));
        f.AddDoneCallback(MakeCallback(bag, 17));
        Assert.Empty(bag);
        f.SetResult("foo");
        RunBriefly();
        Assert.Equal(new[] { 42, 17 }, bag);
        Assert.Equal("foo", f.Result());
    }

    [Fact]
    public void test_callbacks_invoked_on_set_exception()
    {
        var bag = new List<int>();
        var f = NewFuture();
        f.AddDoneCallback(MakeCallback(bag, 100));
        Assert.Empty(bag);
        var exc = new RuntimeError("");
        f.SetException(exc);
        RunBriefly();
        Assert.Equal(new[] { 100 }, bag);
        Assert.Same(exc, f.Exception());
    }

    [Fact]
    public void test_remove_done_callback()
    {
        var bag = new List<int>();
        var f = NewFuture();
        var cb1 = MakeCallback(bag, 1);
        var cb2 = MakeCallback(bag, 2);
        var cb3 = MakeCallback(bag, 3);
        f.AddDoneCallback(cb1);
        f.AddDoneCallback(cb2);
        Assert.Equal(1, f.RemoveDoneCallback(cb2));
        Assert.Equal(0, f.RemoveDoneCallback(cb3));
        f.AddDoneCallback(cb2);
        for (var i = 0; i < 5; i++)
        {
            f.AddDoneCallback(cb1);
        }
        Assert.Equal(6, f.RemoveDoneCallback(cb1));
        Assert.Empty(bag);
        f.SetResult("foo");
        RunBriefly();
        Assert.Equal(new[] { 2 }, bag);
        Assert.Equal("foo", f.Result());
    }

    [Fact]
    public void test_schedule_callbacks_list_mutation_1()
    {
        var calls = 0;
        Action<Future> str = _ => calls++;
        var fut = NewFuture();
        fut.AddDoneCallback(f => f.RemoveDoneCallback(str));
        fut.AddDoneCallback(str);
        fut.AddDoneCallback(str);
        fut.SetResult(1);
        RunBriefly();
        // The callbacks were scheduled when the result was set: removing one afterwards changes nothing.
        Assert.Equal(2, calls);
    }
}

/// <summary>CPython's test_futures.BaseFutureInheritanceTests.</summary>
public class BaseFutureInheritanceTests : LoopTestCase
{
    private sealed class MyFut : Future
    {
        public MyFut(AbstractEventLoop loop) : base(loop) { }
    }

    [Fact]
    public void test_inherit_without_calling_super_init()
    {
        // C# always runs a base constructor, so a subclass is a working future (Python checks the missing
        // __init__ raises RuntimeError); what carries over is that a subclass behaves as a Future.
        var fut = new MyFut(Loop);
        Assert.False(fut.Done());
        fut.SetResult(1);
        Assert.Equal(1, fut.Result());
        Assert.Equal("<MyFut finished result=1>", fut.ToString());
    }
}
