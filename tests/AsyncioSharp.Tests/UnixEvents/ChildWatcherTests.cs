using AsyncioSharp;
using Xunit;

namespace AsyncioSharp.Tests.UnixEvents;

/// <summary>How subprocesses use the policy's child watcher, and watcher behaviour CPython's tests do not cover.</summary>
[Collection(nameof(AloneCollection))]
public class ChildWatcherTests
{
    /// <summary>A watcher that records the pids registered with it and delegates to a real one.</summary>
    private sealed class RecordingWatcher(AbstractChildWatcher inner) : AbstractChildWatcher
    {
        public readonly List<int> Pids = new();

        public override void AddChildHandler(int pid, Action<int, int> callback)
        {
            Pids.Add(pid);
            inner.AddChildHandler(pid, callback);
        }

        public override bool RemoveChildHandler(int pid) => inner.RemoveChildHandler(pid);

        public override void AttachLoop(AbstractEventLoop? loop) => inner.AttachLoop(loop);

        public override void Close() => inner.Close();

        public override bool IsActive() => inner.IsActive();

        public override AbstractChildWatcher Enter() => inner.Enter() == inner ? this : throw new InvalidOperationException();

        public override void Exit(Exception? exc) => inner.Exit(exc);
    }

    private static int RunChild(AbstractChildWatcher? watcher, string code)
    {
        var loop = new SelectorEventLoop();
        try
        {
            watcher?.AttachLoop(loop);
            Asyncio.SetChildWatcher(watcher);
            return loop.RunUntilComplete(Run());
        }
        finally
        {
            Asyncio.SetChildWatcher(null);
            loop.Close();
        }

        async Coroutine<int> Run()
        {
            var proc = await Asyncio.CreateSubprocessExec("python3", ["-c", code]);
            return await proc.Wait();
        }
    }

    [Fact]
    public void subprocess_registers_its_pid_with_the_policys_watcher_and_gets_the_exit_code_from_it()
    {
        var watcher = new RecordingWatcher(new ThreadedChildWatcher());
        Assert.Equal(3, RunChild(watcher, "raise SystemExit(3)"));
        Assert.Single(watcher.Pids);
    }

    [Fact]
    public void without_a_watcher_the_loop_watches_its_children_and_the_policy_creates_none()
    {
        Assert.Equal(-15, RunChild(null, "import os, signal; os.kill(os.getpid(), signal.SIGTERM)"));
        Assert.Null(Asyncio.GetEventLoopPolicy().SubprocessChildWatcher());
    }

    [Fact]
    public void multi_loop_watcher_reports_to_a_loop_in_another_thread()
    {
        var watcher = new MultiLoopChildWatcher();
        Assert.False(watcher.IsActive());
        int returncode = 0;
        var thread = new Thread(() => returncode = RunChild(watcher, "raise SystemExit(5)"));
        thread.Start();
        thread.Join();
        Assert.Equal(5, returncode);
    }

    [Fact]
    public void pidfd_watcher_detached_with_pending_handlers_warns_and_closes_their_pidfds()
    {
        var loop = new SelectorEventLoop();
        var watcher = new PidfdChildWatcher();
        var writer = Log.Writer;
        var warnings = new StringWriter();
        using var child = System.Diagnostics.Process.Start("sleep", "10");
        try
        {
            watcher.AttachLoop(loop);
            var fdsBefore = Directory.GetFiles("/proc/self/fd").Length;
            watcher.AddChildHandler(child.Id, (_, _) => { });
            Assert.Equal(fdsBefore + 1, Directory.GetFiles("/proc/self/fd").Length);
            Log.Writer = warnings;
            watcher.AttachLoop(null);
            Assert.Equal(fdsBefore, Directory.GetFiles("/proc/self/fd").Length);
            Assert.Contains("RuntimeWarning: A loop is being detached from a child watcher with pending handlers", warnings.ToString());
        }
        finally
        {
            Log.Writer = writer;
            child.Kill();
            child.WaitForExit();
            loop.Close();
        }
    }

    [Fact]
    public void fast_watcher_add_child_handler_outside_the_context_manager_fails()
    {
        var watcher = new FastChildWatcher();
        Assert.Equal("Must use the context manager",
            Assert.Throws<InvalidOperationException>(() => watcher.AddChildHandler(1, (_, _) => { })).Message);
    }

    [Fact]
    public void waitstatus_to_exitcode_is_pythons()
    {
        Assert.Equal(7, WaitStatus.ToExitcode(7 << 8));
        Assert.Equal(-9, WaitStatus.ToExitcode(9));
        Assert.Equal("process stopped by delivery of signal 19",
            Assert.Throws<ValueError>(() => WaitStatus.ToExitcode((19 << 8) | 0x7f)).Message);
        Assert.Equal("invalid wait status: 255", Assert.Throws<ValueError>(() => WaitStatus.ToExitcode(0xff)).Message);
    }
}
