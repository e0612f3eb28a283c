using AsyncioSharp;
using Xunit;

namespace AsyncioSharp.Conformance;

/// <summary>
/// The base of every ported test class, like CPython's <c>test_utils.TestCase</c>: a fresh loop per test, set as
/// the current loop; at the end the test fails if the loop's exception handler was called unexpectedly
/// or the test left file descriptors open. Tests run one at a time (xunit.runner.json), so the fd count is exact.
/// </summary>
public abstract class LoopTestCase : IDisposable
{
    private readonly int _fdsBefore = OpenFdCount();

    static LoopTestCase()
    {
        // Let the runtime open the descriptors it opens once per process, so they do not count as leaks.
        using (var s = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp))
        {
        }
        System.Net.Dns.GetHostAddresses("localhost");
        System.Threading.Tasks.Task.Run(() => { }).Wait();
        // Assemblies loaded on first use map their file (an fd each): load them now, not inside the first test.
        _ = typeof(System.Runtime.Intrinsics.Vector128<byte>).Assembly;
        Assert.True(true);
        _ = Log.Writer;
        // Printing a stack trace (the loop's default handler logs them) loads the symbol readers and pdbs once.
        try
        {
            Asyncio.GetRunningLoop();
        }
        catch (RuntimeError e)
        {
            Assert.NotEmpty(e.ToString());
        }
        // xunit's assemblies embed compressed pdbs: a trace through them loads System.IO.Compression.
        var failed = Record.Exception(() => Assert.Fail("warm-up"));
        Assert.NotEmpty(failed.ToString());
        // Console output and signal handlers (Runner's SIGINT) share the runtime's signal pipe, opened on first use.
        Console.Error.Flush();
        Console.Out.Write("");
        using (System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGCONT, _ => { }))
        {
        }
    }
    private readonly List<IReadOnlyDictionary<string, object?>> _unhandled = new();

    protected LoopTestCase()
    {
        Loop = NewTestLoop();
        Asyncio.SetEventLoop(Loop);
    }

    /// <summary>The loop under test (CPython's <c>self.loop</c>).</summary>
    protected SelectorEventLoop Loop { get; private set; }

    /// <summary>Set when a test replaces the exception handler itself, so the base does not check calls.</summary>
    protected bool CustomExceptionHandler { get; set; }

    /// <summary>CPython's <c>new_test_loop</c>: a loop whose handler records unhandled errors.</summary>
    protected SelectorEventLoop NewTestLoop()
    {
        var loop = CreateLoop();
        loop.SetExceptionHandler((_, context) => _unhandled.Add(context));
        return loop;
    }

    /// <summary>Makes the loop under test: a test class overrides it to stand in for CPython's mock.patch of loop methods.</summary>
    protected virtual SelectorEventLoop CreateLoop() => new();

    /// <summary>CPython's <c>run_briefly(loop)</c>: runs one iteration's worth of ready callbacks.</summary>
    protected void RunBriefly(AbstractEventLoop? loop = null)
    {
        loop ??= Loop;
        loop.RunUntilComplete(Once());
    }

    // CPython's run_briefly runs a coroutine that returns at once (sleep(0) would take one more iteration).
#pragma warning disable CS1998
    private static async Coroutine Once()
    {
    }
#pragma warning restore CS1998

    /// <summary>CPython's <c>run_until(loop, pred, timeout)</c>: runs the loop until pred holds, failing after timeout seconds.</summary>
    protected void RunUntil(Func<bool> pred, double timeout = 30)
    {
        var deadline = Loop.Time() + timeout;
        while (!pred())
        {
            if (Loop.Time() > deadline)
            {
                throw new AsyncioSharp.TimeoutError("run_until() timed out");
            }
            Loop.RunUntilComplete(Asyncio.Sleep(0.001));
        }
    }

    /// <summary>The errors the loop reported so far, which then no longer fail the test: for tests that expect some.</summary>
    protected List<IReadOnlyDictionary<string, object?>> TakeUnhandled()
    {
        var taken = _unhandled.ToList();
        _unhandled.Clear();
        return taken;
    }

    public virtual void Dispose()
    {
        if (!Loop.IsClosed())
        {
            if (!Loop.IsRunning())
            {
                Loop.RunUntilComplete(Loop.ShutdownDefaultExecutor());
            }
            Loop.Close();
        }
        Asyncio.SetEventLoop(null);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        if (!CustomExceptionHandler)
        {
            Assert.True(_unhandled.Count == 0,
                "unexpected call_exception_handler: " + string.Join("; ", _unhandled.Select(c => c.GetValueOrDefault("message"))));
        }
        var fdsAfter = OpenFdCount();
        // A pipe pair the runtime opens for a moment (seen under load in the subprocess tests, gone 0.5 s later) is
        // not the test's: a leak is what is still open after a short wait.
        for (var i = 0; i < 10 && fdsAfter > _fdsBefore; i++)
        {
            Thread.Sleep(50);
            fdsAfter = OpenFdCount();
        }
        Assert.True(fdsAfter <= _fdsBefore, $"the test leaked {fdsAfter - _fdsBefore} file descriptor(s)");
        GC.SuppressFinalize(this);
    }

    // Assemblies the runtime maps on first use (xunit.assert.dll, System.Linq.dll...) and the symbol files it opens to
    // format a stack trace (*.pdb) are not the test's descriptors.
    private static int OpenFdCount() =>
        Directory.GetFiles("/proc/self/fd").Count(f => new FileInfo(f).LinkTarget is not { } target
            || !(target.EndsWith(".dll", StringComparison.Ordinal) || target.EndsWith(".pdb", StringComparison.Ordinal)));
}
