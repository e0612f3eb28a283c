using AsyncioSharp;
using Xunit;

namespace AsyncioSharp.Conformance;

/// <summary>
/// CPython's <c>SubprocessWatcherMixin</c>: <see cref="SubprocessMixin"/>'s tests with a child watcher set on the
/// policy (and attached to the test's loop), which subprocesses then register with instead of the loop's own pidfd.
/// </summary>
public abstract class SubprocessWatcherMixin : SubprocessMixin
{
    protected SubprocessWatcherMixin()
    {
        var watcher = CreateWatcher();
        watcher.AttachLoop(Loop);
        Asyncio.GetEventLoopPolicy().SetChildWatcher(watcher);
    }

    /// <summary>CPython's <c>Watcher</c> class attribute.</summary>
    protected abstract AbstractChildWatcher CreateWatcher();

    public override void Dispose()
    {
        try
        {
            base.Dispose();
        }
        finally
        {
            var policy = Asyncio.GetEventLoopPolicy();
            var watcher = policy.GetChildWatcher();
            policy.SetChildWatcher(null);
            watcher.AttachLoop(null);
            watcher.Close();
        }
    }
}

/// <summary>CPython's <c>SubprocessThreadedWatcherTests</c>.</summary>
public class SubprocessThreadedWatcherTests : SubprocessWatcherMixin
{
    protected override AbstractChildWatcher CreateWatcher() => new ThreadedChildWatcher();
}

/// <summary>CPython's <c>SubprocessSafeWatcherTests</c>.</summary>
public class SubprocessSafeWatcherTests : SubprocessWatcherMixin
{
    protected override AbstractChildWatcher CreateWatcher() => new SafeChildWatcher();
}

/// <summary>CPython's <c>SubprocessFastWatcherTests</c>.</summary>
public class SubprocessFastWatcherTests : SubprocessWatcherMixin
{
    protected override AbstractChildWatcher CreateWatcher() => new FastChildWatcher();
}

/// <summary>CPython's <c>SubprocessPidfdWatcherTests</c>.</summary>
public class SubprocessPidfdWatcherTests : SubprocessWatcherMixin
{
    protected override AbstractChildWatcher CreateWatcher() => new PidfdChildWatcher();
}

/// <summary>
/// CPython's <c>SubprocessMultiLoopWatcherTests</c>, which CPython skips (bpo-38323: MultiLoopChildWatcher has a race
/// condition and the tests can hang); kept runnable here, since the .NET signal registration has no such race.
/// </summary>
public class SubprocessMultiLoopWatcherTests : SubprocessWatcherMixin
{
    protected override AbstractChildWatcher CreateWatcher() => new MultiLoopChildWatcher();
}

/// <summary>CPython's <c>GenericWatcherTests</c>.</summary>
public class GenericWatcherTests
{
    /// <summary>CPython's <c>mock.create_autospec(AbstractChildWatcher)</c> whose entered watcher is not active.</summary>
    private sealed class InactiveWatcher : AbstractChildWatcher
    {
        public readonly List<string> MockCalls = new();

        public override AbstractChildWatcher Enter()
        {
            MockCalls.Add("__enter__()");
            return this;
        }

        public override bool IsActive()
        {
            MockCalls.Add("__enter__().is_active()");
            return false;
        }

        public override void Exit(Exception? exc) => MockCalls.Add($"__exit__({exc?.GetType().Name})");

        public override void AddChildHandler(int pid, Action<int, int> callback) => MockCalls.Add("add_child_handler()");

        public override void Close()
        {
        }
    }

    [Fact]
    public void test_create_subprocess_fails_with_inactive_watcher()
    {
        var watcher = new InactiveWatcher();
        try
        {
            using (var runner = new Runner(loopFactory: Asyncio.NewEventLoop))
            {
                runner.Run(Execute());
            }
            Assert.Equal(["__enter__()", "__enter__().is_active()", "__exit__(RuntimeError)"], watcher.MockCalls);
        }
        finally
        {
            Asyncio.SetChildWatcher(null);
        }

        async Coroutine Execute()
        {
            Asyncio.SetChildWatcher(watcher);
            RuntimeError? raised = null;
            try
            {
                await Asyncio.CreateSubprocessExec("python3", ["-c", "pass"]);
            }
            catch (RuntimeError exc)
            {
                raised = exc;
            }
            Assert.NotNull(raised);
            Assert.DoesNotContain("add_child_handler()", watcher.MockCalls);
        }
    }
}
