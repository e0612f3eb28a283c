using AsyncioSharp;
using Xunit;

namespace AsyncioSharp.Conformance.UnixEventsWatchers;

/// <summary>CPython's <c>AbstractChildWatcherTests</c>.</summary>
public class AbstractChildWatcherTests
{
    [Fact]
    public void test_not_implemented()
    {
        var watcher = new AbstractChildWatcher();
        Assert.Throws<NotImplementedException>(() => watcher.AddChildHandler(1, (_, _) => { }));
        Assert.Throws<NotImplementedException>(() => watcher.RemoveChildHandler(1));
        Assert.Throws<NotImplementedException>(() => watcher.AttachLoop(null));
        Assert.Throws<NotImplementedException>(() => watcher.Close());
        Assert.Throws<NotImplementedException>(() => watcher.IsActive());
        Assert.Throws<NotImplementedException>(() => watcher.Enter());
        Assert.Throws<NotImplementedException>(() => watcher.Exit(null));
    }
}

/// <summary>CPython's <c>BaseChildWatcherTests</c>.</summary>
public class BaseChildWatcherTests
{
    [Fact]
    public void test_not_implemented()
    {
        var watcher = new BaseChildWatcher();
        Assert.Throws<NotImplementedException>(() => watcher.DoWaitpid(1));
    }
}

/// <summary>
/// A loop whose add_signal_handler/remove_signal_handler only record their calls: CPython's
/// <c>mock.patch.object(loop, "add_signal_handler")</c>, so no real SIGCHLD reaches the watcher under test.
/// </summary>
public sealed class SignalRecordingLoop : SelectorEventLoop
{
    public readonly List<(int Sig, Action Callback)> Added = new();
    public readonly List<int> Removed = new();

    public override void AddSignalHandler(int sig, Action callback) => Added.Add((sig, callback));

    public override bool RemoveSignalHandler(int sig)
    {
        Removed.Add(sig);
        return true;
    }
}

/// <summary>CPython's <c>mock.Mock()</c> used as a child handler: records each <c>callback(pid, returncode, *args)</c>.</summary>
public sealed class CallbackMock
{
    private readonly List<object[]> _calls = new();

    public bool Called => _calls.Count > 0;

    public Action<int, int> With(params object[] args) => (pid, returncode) => _calls.Add([pid, returncode, .. args]);

    public void AssertCalledOnceWith(params object[] expected)
    {
        var call = Assert.Single(_calls);
        Assert.Equal(expected, call);
    }

    public void ResetMock() => _calls.Clear();
}

/// <summary>
/// CPython's <c>ChildWatcherTestsMixin</c>: a watcher driven with a fake <c>os.waitpid</c> (the zombies the test adds)
/// and a fake <c>waitstatus_to_exitcode</c>, on a loop whose signal handlers are recorded, not installed.
/// </summary>
public abstract class ChildWatcherTestsMixin : LoopTestCase
{
    private const int SIGCHLD = 17;
    private bool _running;
    private readonly List<(int Pid, int Status)> _zombies = new();
    protected readonly BaseChildWatcher Watcher;
    private readonly SignalRecordingLoop _setUpLoop;

    protected ChildWatcherTestsMixin()
    {
        _setUpLoop = (SignalRecordingLoop)Loop;
        Watcher = CreateWatcher();
        Watcher.Waitpid = Waitpid;
        Watcher.WaitstatusToExitcode = WaitstatusToExitcode;
        Watcher.AttachLoop(Loop);
    }

    protected abstract BaseChildWatcher CreateWatcher();

    protected override SelectorEventLoop CreateLoop() => new SignalRecordingLoop();

    private static int EXITCODE(int exitcode) => 32768 + exitcode;

    private static int SIGNAL(int signum) => 32768 - signum;

    private (int, int) Waitpid(int pid, int flags)
    {
        if (Watcher is SafeChildWatcher || pid != -1)
        {
            Assert.True(pid > 0);
        }
        var index = pid < 0 ? _zombies.Count - 1 : _zombies.FindIndex(z => z.Pid == pid);
        if (index >= 0)
        {
            var zombie = _zombies[index];
            _zombies.RemoveAt(index);
            return zombie;
        }
        if (_running)
        {
            return (0, 0);
        }
        throw new ChildProcessError("");
    }

    private void AddZombie(int pid, int status)
    {
        _zombies.RemoveAll(z => z.Pid == pid);
        _zombies.Add((pid, status));
    }

    private static int WaitstatusToExitcode(int status) =>
        status > 32768 ? status - 32768 : status is > 32700 and < 32768 ? status - 32768 : status;

    /// <summary>CPython's <c>ignore_warnings</c> (logger.warning patched out).</summary>
    private static void IgnoreWarnings(Action body)
    {
        var writer = Log.Writer;
        Log.Writer = TextWriter.Null;
        try
        {
            body();
        }
        finally
        {
            Log.Writer = writer;
        }
    }

    /// <summary>CPython's <c>with self.watcher:</c>.</summary>
    private void With(Action body)
    {
        var watcher = Watcher.Enter();
        try
        {
            body();
        }
        catch (Exception exc)
        {
            Watcher.Exit(exc);
            throw;
        }
        watcher.Exit(null);
    }

    [Fact]
    public void test_create_watcher()
    {
        var call = Assert.Single(_setUpLoop.Added);
        Assert.Equal(SIGCHLD, call.Sig);
        Assert.Equal((Action)Watcher.SigChld, call.Callback);
    }

    [Fact]
    public void test_sigchld()
    {
        var callback = new CallbackMock();
        With(() =>
        {
            _running = true;
            Watcher.AddChildHandler(42, callback.With(9, 10, 14));
        });
        Assert.False(callback.Called);

        // child is running
        Watcher.SigChld();
        Assert.False(callback.Called);

        // child terminates (returncode 12)
        _running = false;
        AddZombie(42, EXITCODE(12));
        Watcher.SigChld();
        callback.AssertCalledOnceWith(42, 12, 9, 10, 14);
        callback.ResetMock();

        // ensure that the child is effectively reaped
        AddZombie(42, EXITCODE(13));
        IgnoreWarnings(Watcher.SigChld);
        Assert.False(callback.Called);

        // sigchld called again
        _zombies.Clear();
        Watcher.SigChld();
        Assert.False(callback.Called);
    }

    [Fact]
    public void test_sigchld_two_children()
    {
        var callback1 = new CallbackMock();
        var callback2 = new CallbackMock();

        // register child 1
        With(() =>
        {
            _running = true;
            Watcher.AddChildHandler(43, callback1.With(7, 8));
        });
        Assert.False(callback1.Called);
        Assert.False(callback2.Called);

        // register child 2
        With(() => Watcher.AddChildHandler(44, callback2.With(147, 18)));
        Assert.False(callback1.Called);
        Assert.False(callback2.Called);

        // children are running
        Watcher.SigChld();
        Assert.False(callback1.Called);
        Assert.False(callback2.Called);

        // child 1 terminates (signal 3)
        AddZombie(43, SIGNAL(3));
        Watcher.SigChld();
        callback1.AssertCalledOnceWith(43, -3, 7, 8);
        Assert.False(callback2.Called);
        callback1.ResetMock();

        // child 2 still running
        Watcher.SigChld();
        Assert.False(callback1.Called);
        Assert.False(callback2.Called);

        // child 2 terminates (code 108)
        AddZombie(44, EXITCODE(108));
        _running = false;
        Watcher.SigChld();
        callback2.AssertCalledOnceWith(44, 108, 147, 18);
        Assert.False(callback1.Called);
        callback2.ResetMock();

        // ensure that the children are effectively reaped
        AddZombie(43, EXITCODE(14));
        AddZombie(44, EXITCODE(15));
        IgnoreWarnings(Watcher.SigChld);
        Assert.False(callback1.Called);
        Assert.False(callback2.Called);

        // sigchld called again
        _zombies.Clear();
        Watcher.SigChld();
        Assert.False(callback1.Called);
        Assert.False(callback2.Called);
    }

    [Fact]
    public void test_sigchld_two_children_terminating_together()
    {
        var callback1 = new CallbackMock();
        var callback2 = new CallbackMock();

        // register child 1
        With(() =>
        {
            _running = true;
            Watcher.AddChildHandler(45, callback1.With(17, 8));
        });
        Assert.False(callback1.Called);
        Assert.False(callback2.Called);

        // register child 2
        With(() => Watcher.AddChildHandler(46, callback2.With(1147, 18)));
        Assert.False(callback1.Called);
        Assert.False(callback2.Called);

        // children are running
        Watcher.SigChld();
        Assert.False(callback1.Called);
        Assert.False(callback2.Called);

        // child 1 terminates (code 78), child 2 terminates (signal 5)
        AddZombie(45, EXITCODE(78));
        AddZombie(46, SIGNAL(5));
        _running = false;
        Watcher.SigChld();
        callback1.AssertCalledOnceWith(45, 78, 17, 8);
        callback2.AssertCalledOnceWith(46, -5, 1147, 18);
        callback1.ResetMock();
        callback2.ResetMock();

        // ensure that the children are effectively reaped
        AddZombie(45, EXITCODE(14));
        AddZombie(46, EXITCODE(15));
        IgnoreWarnings(Watcher.SigChld);
        Assert.False(callback1.Called);
        Assert.False(callback2.Called);
    }

    [Fact]
    public void test_sigchld_race_condition()
    {
        var callback = new CallbackMock();
        With(() =>
        {
            // child terminates before being registered
            AddZombie(50, EXITCODE(4));
            Watcher.SigChld();
            Watcher.AddChildHandler(50, callback.With(1, 12));
        });
        callback.AssertCalledOnceWith(50, 4, 1, 12);
        callback.ResetMock();

        // ensure that the child is effectively reaped
        AddZombie(50, SIGNAL(1));
        IgnoreWarnings(Watcher.SigChld);
        Assert.False(callback.Called);
    }

    [Fact]
    public void test_sigchld_replace_handler()
    {
        var callback1 = new CallbackMock();
        var callback2 = new CallbackMock();

        // register a child
        With(() =>
        {
            _running = true;
            Watcher.AddChildHandler(51, callback1.With(19));
        });
        Assert.False(callback1.Called);
        Assert.False(callback2.Called);

        // register the same child again
        With(() => Watcher.AddChildHandler(51, callback2.With(21)));
        Assert.False(callback1.Called);
        Assert.False(callback2.Called);

        // child terminates (signal 8)
        _running = false;
        AddZombie(51, SIGNAL(8));
        Watcher.SigChld();
        callback2.AssertCalledOnceWith(51, -8, 21);
        Assert.False(callback1.Called);
        callback2.ResetMock();

        // ensure that the child is effectively reaped
        AddZombie(51, EXITCODE(13));
        IgnoreWarnings(Watcher.SigChld);
        Assert.False(callback1.Called);
        Assert.False(callback2.Called);
    }

    [Fact]
    public void test_sigchld_remove_handler()
    {
        var callback = new CallbackMock();

        // register a child
        With(() =>
        {
            _running = true;
            Watcher.AddChildHandler(52, callback.With(1984));
        });
        Assert.False(callback.Called);

        // unregister the child
        Watcher.RemoveChildHandler(52);
        Assert.False(callback.Called);

        // child terminates (code 99)
        _running = false;
        AddZombie(52, EXITCODE(99));
        IgnoreWarnings(Watcher.SigChld);
        Assert.False(callback.Called);
    }

    [Fact]
    public void test_sigchld_unknown_status()
    {
        var callback = new CallbackMock();

        // register a child
        With(() =>
        {
            _running = true;
            Watcher.AddChildHandler(53, callback.With(-19));
        });
        Assert.False(callback.Called);

        // terminate with unknown status
        AddZombie(53, 1178);
        _running = false;
        Watcher.SigChld();
        callback.AssertCalledOnceWith(53, 1178, -19);
        callback.ResetMock();

        // ensure that the child is effectively reaped
        AddZombie(53, EXITCODE(101));
        IgnoreWarnings(Watcher.SigChld);
        Assert.False(callback.Called);
    }

    [Fact]
    public void test_remove_child_handler()
    {
        var callback1 = new CallbackMock();
        var callback2 = new CallbackMock();
        var callback3 = new CallbackMock();

        // register children
        With(() =>
        {
            _running = true;
            Watcher.AddChildHandler(54, callback1.With(1));
            Watcher.AddChildHandler(55, callback2.With(2));
            Watcher.AddChildHandler(56, callback3.With(3));
        });

        // remove child handler 1
        Assert.True(Watcher.RemoveChildHandler(54));

        // remove child handler 2 multiple times
        Assert.True(Watcher.RemoveChildHandler(55));
        Assert.False(Watcher.RemoveChildHandler(55));
        Assert.False(Watcher.RemoveChildHandler(55));

        // all children terminate
        AddZombie(54, EXITCODE(0));
        AddZombie(55, EXITCODE(1));
        AddZombie(56, EXITCODE(2));
        _running = false;
        IgnoreWarnings(Watcher.SigChld);
        Assert.False(callback1.Called);
        Assert.False(callback2.Called);
        callback3.AssertCalledOnceWith(56, 2, 3);
    }

    [Fact]
    public void test_sigchld_unhandled_exception()
    {
        var callback = new CallbackMock();

        // register a child
        With(() =>
        {
            _running = true;
            Watcher.AddChildHandler(57, callback.With());
        });

        // raise an exception
        Watcher.Waitpid = (_, _) => throw new ValueError("");
        Watcher.SigChld();
        var context = Assert.Single(TakeUnhandled());
        Assert.Equal("Unknown exception in SIGCHLD handler", context["message"]);
        Assert.IsType<ValueError>(context["exception"]);
    }

    [Fact]
    public void test_sigchld_child_reaped_elsewhere()
    {
        var callback = new CallbackMock();
        With(() =>
        {
            _running = true;
            Watcher.AddChildHandler(58, callback.With());
        });
        Assert.False(callback.Called);

        // child terminates
        _running = false;
        AddZombie(58, EXITCODE(4));

        // waitpid is called elsewhere
        Waitpid(58, 1);

        // sigchld
        IgnoreWarnings(Watcher.SigChld);
        if (Watcher is FastChildWatcher)
        {
            // here the FastChildWatcher enters a deadlock (there is no way to prevent it)
            Assert.False(callback.Called);
        }
        else
        {
            callback.AssertCalledOnceWith(58, 255);
        }
    }

    [Fact]
    public void test_sigchld_unknown_pid_during_registration()
    {
        var callback1 = new CallbackMock();
        var callback2 = new CallbackMock();
        IgnoreWarnings(() => With(() =>
        {
            _running = true;
            // child 1 terminates
            AddZombie(591, EXITCODE(7));
            // an unknown child terminates
            AddZombie(593, EXITCODE(17));
            Watcher.SigChld();
            Watcher.AddChildHandler(591, callback1.With());
            Watcher.AddChildHandler(592, callback2.With());
        }));
        callback1.AssertCalledOnceWith(591, 7);
        Assert.False(callback2.Called);
    }

    [Fact]
    public void test_set_loop()
    {
        var callback = new CallbackMock();
        With(() =>
        {
            _running = true;
            Watcher.AddChildHandler(60, callback.With());
        });

        // attach a new loop
        var oldLoop = _setUpLoop;
        var newLoop = new SignalRecordingLoop();
        Watcher.AttachLoop(newLoop);
        Assert.Equal([SIGCHLD], oldLoop.Removed);
        var added = Assert.Single(newLoop.Added);
        Assert.Equal((SIGCHLD, (Action)Watcher.SigChld), added);

        // child terminates
        _running = false;
        AddZombie(60, EXITCODE(9));
        Watcher.SigChld();
        callback.AssertCalledOnceWith(60, 9);
        Watcher.AttachLoop(null);
        newLoop.Close();
    }

    [Fact]
    public void test_set_loop_race_condition()
    {
        var callback1 = new CallbackMock();
        var callback2 = new CallbackMock();
        var callback3 = new CallbackMock();

        // register 3 children
        With(() =>
        {
            _running = true;
            Watcher.AddChildHandler(61, callback1.With());
            Watcher.AddChildHandler(62, callback2.With());
            Watcher.AddChildHandler(622, callback3.With());
        });

        // detach the loop
        var writer = Log.Writer;
        var warnings = new StringWriter();
        Log.Writer = warnings;
        try
        {
            Watcher.AttachLoop(null);
        }
        finally
        {
            Log.Writer = writer;
        }
        Assert.Matches("RuntimeWarning: A loop is being detached", warnings.ToString());
        Assert.Equal([SIGCHLD], _setUpLoop.Removed);

        // child 1 & 2 terminate
        AddZombie(61, EXITCODE(11));
        AddZombie(62, SIGNAL(5));

        // SIGCHLD was not caught
        Assert.False(callback1.Called);
        Assert.False(callback2.Called);
        Assert.False(callback3.Called);

        // attach a new loop
        var newLoop = new SignalRecordingLoop();
        Watcher.AttachLoop(newLoop);
        Assert.Equal((SIGCHLD, (Action)Watcher.SigChld), Assert.Single(newLoop.Added));
        callback1.AssertCalledOnceWith(61, 11); // race condition!
        callback2.AssertCalledOnceWith(62, -5); // race condition!
        Assert.False(callback3.Called);
        callback1.ResetMock();
        callback2.ResetMock();

        // child 3 terminates
        _running = false;
        AddZombie(622, EXITCODE(19));
        Watcher.SigChld();
        Assert.False(callback1.Called);
        Assert.False(callback2.Called);
        callback3.AssertCalledOnceWith(622, 19);
        Watcher.AttachLoop(null);
        newLoop.Close();
    }

    [Fact]
    public void test_close()
    {
        var callback1 = new CallbackMock();
        With(() =>
        {
            _running = true;
            // child 1 terminates
            AddZombie(63, EXITCODE(9));
            // other child terminates
            AddZombie(65, EXITCODE(18));
            Watcher.SigChld();

            Watcher.AddChildHandler(63, callback1.With());
            Watcher.AddChildHandler(64, callback1.With());

            Assert.Equal(1, Watcher.CallbackCount);
            if (Watcher is FastChildWatcher fast)
            {
                Assert.Equal(1, fast.ZombieCount);
            }

            Watcher.Close();
            Assert.Equal([SIGCHLD], _setUpLoop.Removed);
            Assert.Equal(0, Watcher.CallbackCount);
            if (Watcher is FastChildWatcher fastAfter)
            {
                Assert.Equal(0, fastAfter.ZombieCount);
            }
        });
    }
}

/// <summary>CPython's <c>SafeChildWatcherTests</c>.</summary>
public class SafeChildWatcherTests : ChildWatcherTestsMixin
{
    protected override BaseChildWatcher CreateWatcher() => new SafeChildWatcher();
}

/// <summary>CPython's <c>FastChildWatcherTests</c>.</summary>
public class FastChildWatcherTests : ChildWatcherTestsMixin
{
    protected override BaseChildWatcher CreateWatcher() => new FastChildWatcher();
}

/// <summary>CPython's <c>PolicyTests</c> (the Unix policy's child watcher).</summary>
public class PolicyTests
{
    private static DefaultEventLoopPolicy CreatePolicy() => new();

    [Fact]
    public void test_get_default_child_watcher()
    {
        var policy = CreatePolicy();
        Assert.Null(policy.SubprocessChildWatcher());
        var watcher = policy.GetChildWatcher();
        Assert.IsType<ThreadedChildWatcher>(watcher);
        Assert.Same(watcher, policy.SubprocessChildWatcher());
        Assert.Same(watcher, policy.GetChildWatcher());
    }

    [Fact]
    public void test_get_child_watcher_after_set()
    {
        var policy = CreatePolicy();
        var watcher = new FastChildWatcher();
        policy.SetChildWatcher(watcher);
        Assert.Same(watcher, policy.SubprocessChildWatcher());
        Assert.Same(watcher, policy.GetChildWatcher());
    }

    [Fact]
    public void test_get_child_watcher_thread()
    {
        var policy = CreatePolicy();
        policy.SetChildWatcher(new SafeChildWatcher());
        Exception? failure = null;
        var th = new Thread(() =>
        {
            try
            {
                policy.SetEventLoop(policy.NewEventLoop());
                Assert.IsAssignableFrom<AbstractEventLoop>(policy.GetEventLoop());
                var watcher = policy.GetChildWatcher();
                Assert.IsType<SafeChildWatcher>(watcher);
                Assert.Null(((SafeChildWatcher)watcher).Loop);
                policy.GetEventLoop().Close();
            }
            catch (Exception exc)
            {
                failure = exc;
            }
        });
        th.Start();
        th.Join();
        Assert.Null(failure);
    }
}
