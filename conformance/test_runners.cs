using System.Runtime.InteropServices;
using AsyncioSharp;
using Xunit;

namespace AsyncioSharp.Conformance;

/// <summary>
/// CPython's test_runners.BaseTest: each test starts and ends with the default policy and no event loop set.
/// (CPython installs a policy of mock loops; these tests run real loops.)
/// </summary>
public abstract class RunnersBaseTest : IDisposable
{
    protected RunnersBaseTest()
    {
        Asyncio.SetEventLoopPolicy(null);
    }

    public void Dispose()
    {
        Asyncio.SetEventLoopPolicy(null);
        GC.SuppressFinalize(this);
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);

    private static readonly SemaphoreSlim SigintSeen = new(0);

    // Registered before any Runner's, so it runs after theirs (.NET calls handlers newest first): once it has seen
    // the signal, the runner's handler has too. Python runs the handler at once in the main thread; .NET delivers
    // signals on another thread, so interrupt_self waits for that delivery to be as synchronous.
    private static readonly PosixSignalRegistration SigintWitness = PosixSignalRegistration.Create(PosixSignal.SIGINT, ctx =>
    {
        ctx.Cancel = true;
        SigintSeen.Release();
    });

    /// <summary>CPython's <c>interrupt_self()</c>: a SIGINT to this process, as Ctrl-C sends, handled before it returns.</summary>
    protected static void InterruptSelf()
    {
        GC.KeepAlive(SigintWitness);
        kill(Environment.ProcessId, 2);
        Assert.True(SigintSeen.Wait(TimeSpan.FromSeconds(10)), "SIGINT was not delivered");
    }

    /// <summary>A default policy that records its set_event_loop calls (CPython mocks the method).</summary>
    protected sealed class RecordingPolicy : DefaultEventLoopPolicy
    {
        public List<AbstractEventLoop?> SetCalls { get; } = new();

        public override void SetEventLoop(AbstractEventLoop? loop)
        {
            SetCalls.Add(loop);
            base.SetEventLoop(loop);
        }
    }
}

/// <summary>CPython's test_runners.RunTests.</summary>
public class RunTests : RunnersBaseTest
{
    private static async Coroutine<int> Main42()
    {
        await Asyncio.Sleep(0);
        return 42;
    }

    [Fact]
    public void test_asyncio_run_return()
    {
        Assert.Equal(42, Asyncio.Run(Main42()));
    }

    private static async Coroutine MainRaises()
    {
        await Asyncio.Sleep(0);
        throw new ValueError("spam");
    }

    [Fact]
    public void test_asyncio_run_raises()
    {
        Assert.Equal("spam", Assert.Throws<ValueError>(() => Asyncio.Run(MainRaises())).Message);
    }

    [Fact]
    public void test_asyncio_run_only_coro()
    {
        var exc = Assert.Throws<ValueError>(() => Asyncio.Run(null!));
        Assert.StartsWith("a coroutine was expected", exc.Message);
    }

    private static async Coroutine MainDebug(bool expected)
    {
        await Asyncio.Sleep(0);
        Assert.Equal(expected, Asyncio.GetEventLoop().GetDebug());
    }

    [Fact]
    public void test_asyncio_run_debug()
    {
        var saved = Environment.GetEnvironmentVariable("PYTHONASYNCIODEBUG");
        try
        {
            Environment.SetEnvironmentVariable("PYTHONASYNCIODEBUG", null);
            Asyncio.Run(MainDebug(false), debug: false);
            Asyncio.Run(MainDebug(true), debug: true);
            Environment.SetEnvironmentVariable("PYTHONASYNCIODEBUG", "1");
            Asyncio.Run(MainDebug(true));
            Asyncio.Run(MainDebug(false), debug: false);
            Environment.SetEnvironmentVariable("PYTHONASYNCIODEBUG", null);
            Asyncio.Run(MainDebug(true), debug: true);
            Asyncio.Run(MainDebug(false));
        }
        finally
        {
            Environment.SetEnvironmentVariable("PYTHONASYNCIODEBUG", saved);
        }
    }

    private static async Coroutine MainRecursive()
    {
        await Asyncio.Sleep(0);
        Asyncio.Run(MainRecursive());
    }

    [Fact]
    public void test_asyncio_run_from_running_loop()
    {
        var exc = Assert.Throws<RuntimeError>(() => Asyncio.Run(MainRecursive()));
        Assert.Contains("cannot be called from a running", exc.Message);
    }

    [Fact]
    public void test_asyncio_run_cancels_hanging_tasks()
    {
        AsyncioTask? loTask = null;
        async Coroutine Leftover() => await Asyncio.Sleep(0.1);
        async Coroutine<int> Main()
        {
            await Asyncio.Sleep(0);
            loTask = Asyncio.CreateTask(Leftover());
            return 123;
        }

        Assert.Equal(123, Asyncio.Run(Main()));
        Assert.True(loTask!.Done());
    }

    [Fact]
    public void test_asyncio_run_reports_hanging_tasks_errors()
    {
        AsyncioTask? loTask = null;
        var calls = new List<IReadOnlyDictionary<string, object?>>();
        async Coroutine Leftover()
        {
            try
            {
                await Asyncio.Sleep(0.1);
            }
            catch (CancelledError)
            {
                _ = 1 / Zero();
            }
        }

        async Coroutine<int> Main()
        {
            await Asyncio.Sleep(0);
            Asyncio.GetRunningLoop().SetExceptionHandler((_, context) => calls.Add(context));
            loTask = Asyncio.CreateTask(Leftover());
            return 123;
        }

        Assert.Equal(123, Asyncio.Run(Main()));
        Assert.True(loTask!.Done());
        var context = Assert.Single(calls);
        Assert.Matches("asyncio.run.*shutdown", (string)context["message"]!);
        Assert.Same(loTask, context["task"]);
        Assert.IsType<DivideByZeroException>(context["exception"]);
    }

    private static int Zero() => 0;

    [Fact]
    public void test_asyncio_run_set_event_loop()
    {
        var policy = new RecordingPolicy();
        Asyncio.SetEventLoopPolicy(policy);
        Asyncio.Run(Main42());
        Assert.NotEmpty(policy.SetCalls);
    }
}

/// <summary>CPython's test_runners.RunnerTests.</summary>
public class RunnerTests : RunnersBaseTest
{
    private static async Coroutine Nothing() => await Asyncio.Sleep(0);

    [Fact]
    public void test_non_debug()
    {
        using var runner = new Runner(debug: false);
        Assert.False(runner.GetLoop().GetDebug());
    }

    [Fact]
    public void test_debug()
    {
        using var runner = new Runner(debug: true);
        Assert.True(runner.GetLoop().GetDebug());
    }

    [Fact]
    public void test_custom_factory()
    {
        var loop = new SelectorEventLoop();
        using (var runner = new Runner(loopFactory: () => loop))
        {
            Assert.Same(loop, runner.GetLoop());
        }
        Assert.True(loop.IsClosed());
    }

    private static async Coroutine<string> F()
    {
        await Asyncio.Sleep(0);
        return "done";
    }

    [Fact]
    public void test_run()
    {
        AbstractEventLoop loop;
        var runner = new Runner();
        using (runner)
        {
            Assert.Equal("done", runner.Run(F()));
            loop = runner.GetLoop();
        }
        Assert.Equal("Runner is closed", Assert.Throws<RuntimeError>(() => runner.GetLoop()).Message);
        Assert.True(loop.IsClosed());
    }

    [Fact]
    public void test_run_non_coro()
    {
        using var runner = new Runner();
        var exc = Assert.Throws<ValueError>(() => runner.Run(null!));
        Assert.StartsWith("a coroutine was expected", exc.Message);
    }

    [Fact]
    public void test_explicit_close()
    {
        var runner = new Runner();
        var loop = runner.GetLoop();
        runner.Close();
        Assert.Equal("Runner is closed", Assert.Throws<RuntimeError>(() => runner.GetLoop()).Message);
        Assert.True(loop.IsClosed());
    }

    [Fact]
    public void test_double_close()
    {
        var runner = new Runner();
        var loop = runner.GetLoop();
        runner.Close();
        Assert.True(loop.IsClosed());
        runner.Close();
        Assert.True(loop.IsClosed());
    }

    [Fact]
    public void test_second_with_block_raises()
    {
        var ret = new List<int>();
        async Coroutine Append(int arg)
        {
            await Asyncio.Sleep(0);
            ret.Add(arg);
        }

        var runner = new Runner();
        using (runner)
        {
            runner.Run(Append(1));
        }
        var exc = Assert.Throws<RuntimeError>(() =>
        {
            using (runner)
            {
                runner.Run(Append(2));
            }
        });
        Assert.Equal("Runner is closed", exc.Message);
        Assert.Equal(new[] { 1 }, ret);
    }

    private static readonly AsyncLocal<int?> Cvar = new();

    private static async Coroutine<int> SetCvar(int val)
    {
        var old = Cvar.Value ?? -1;
        await Asyncio.Sleep(0);
        Cvar.Value = val;
        return old;
    }

    private static async Coroutine<ExecutionContext> GetContext()
    {
        await Asyncio.Sleep(0);
        return ExecutionContext.Capture()!;
    }

    [Fact]
    public void test_run_keeps_context()
    {
        using var runner = new Runner();
        Assert.Equal(-1, runner.Run(SetCvar(1)));
        Assert.Equal(1, runner.Run(SetCvar(2)));
        var context = runner.Run(GetContext());
        int? seen = null;
        ExecutionContext.Run(context, _ => seen = Cvar.Value, null);
        Assert.Equal(2, seen);
        Assert.Null(Cvar.Value);
    }

    [Fact]
    public void test_recursive_run()
    {
        using var runner = new Runner();
        async Coroutine Outer()
        {
            await Asyncio.Sleep(0);
            runner.Run(Nothing());
        }

        var exc = Assert.Throws<RuntimeError>(() => runner.Run(Outer()));
        Assert.Equal("Runner.run() cannot be called from a running event loop", exc.Message);
    }

    [Fact]
    public void test_interrupt_call_soon()
    {
        using var runner = new Runner();
        runner.GetLoop().CallLater(0.1, InterruptSelf);
        Assert.Throws<KeyboardInterrupt>(() => runner.Run(CoroLoop()));
    }

    private static async Coroutine CoroLoop()
    {
        try
        {
            while (true)
            {
                await Asyncio.Sleep(0);
            }
        }
        catch (CancelledError)
        {
        }
        throw new CancelledError();
    }

    private static async Coroutine AwaitCancelled(Future fut)
    {
        try
        {
            await fut;
        }
        catch (CancelledError)
        {
            throw new CancelledError();
        }
        Assert.Fail("the future was not cancelled");
    }

    [Fact]
    public void test_interrupt_wait()
    {
        using var runner = new Runner();
        var fut = runner.GetLoop().CreateFuture();
        runner.GetLoop().CallLater(0.1, InterruptSelf);
        Assert.Throws<KeyboardInterrupt>(() => runner.Run(AwaitCancelled(fut)));
        Assert.True(fut.Cancelled());
    }

    private static async Coroutine Subtask(AsyncioTask task)
    {
        await Asyncio.Sleep(0);
        task.Cancel();
        InterruptSelf();
    }

    private static async Coroutine SleepLong()
    {
        await Asyncio.Sleep(0);
        Asyncio.CreateTask(Subtask(Asyncio.CurrentTask()!));
        await Asyncio.Sleep(10);
    }

    [Fact]
    public void test_interrupt_cancelled_task()
    {
        using var runner = new Runner();
        Assert.Throws<CancelledError>(() => runner.Run(SleepLong()));
    }

    [Fact]
    public void test_set_event_loop_called_once()
    {
        var policy = new RecordingPolicy();
        Asyncio.SetEventLoopPolicy(policy);
        var runner = new Runner();
        runner.Run(Nothing());
        runner.Run(Nothing());
        Assert.Single(policy.SetCalls);
        runner.Close();
    }
}
