using System;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading;

namespace AsyncioSharp;

/// <summary>
/// Python's <c>asyncio.Runner(*, debug=None, loop_factory=None)</c>: runs coroutines on one loop it creates lazily
/// and closes (cancelling leftover tasks, shutting down the default executor) on <see cref="Close"/>/Dispose.
/// </summary>
public sealed class Runner : IDisposable
{
    private enum State { Created, Initialized, Closed }

    private readonly bool? _debug;
    private readonly Func<AbstractEventLoop>? _loopFactory;
    private State _state;
    private AbstractEventLoop? _loop;
    private ExecutionContext? _context;
    private bool _setEventLoop;
    private int _interruptCount;
    private bool _interruptCancelled;

    /// <summary>Creates the runner; nothing happens until it is first used.</summary>
    public Runner(bool? debug = null, Func<AbstractEventLoop>? loopFactory = null)
    {
        _debug = debug;
        _loopFactory = loopFactory;
    }

    /// <summary>Python's <c>__exit__</c>: closes the runner.</summary>
    public void Dispose() => Close();

    /// <summary>Python's <c>close()</c>: cancels the tasks left, shuts down async generators and the default executor, closes the loop.</summary>
    public void Close()
    {
        if (_state != State.Initialized)
        {
            return;
        }
        var loop = _loop!;
        try
        {
            CancelAllTasks(loop);
            loop.RunUntilComplete(loop.ShutdownAsyncgens());
            loop.RunUntilComplete(loop.ShutdownDefaultExecutor());
        }
        finally
        {
            if (_setEventLoop)
            {
                Asyncio.SetEventLoop(null);
            }
            loop.Close();
            _loop = null;
            _state = State.Closed;
        }
    }

    /// <summary>Python's <c>get_loop()</c>.</summary>
    public AbstractEventLoop GetLoop()
    {
        LazyInit();
        return _loop!;
    }

    /// <summary>
    /// Python's <c>run(coro, *, context=None)</c>: runs the coroutine in a task until it completes; returns its result.
    /// Without <paramref name="context"/> every run shares the runner's context, so context changes carry over.
    /// While it runs, Ctrl-C (SIGINT) cancels the task and the run raises <see cref="KeyboardInterrupt"/>, as in
    /// Python; a second Ctrl-C ends the process.
    /// </summary>
    public object? Run(Coroutine coro, ExecutionContext? context = null)
    {
        if (coro is null)
        {
            throw new ValueError("a coroutine was expected, got None");
        }
        if (Asyncio._GetRunningLoop() is not null)
        {
            throw new RuntimeError("Runner.run() cannot be called from a running event loop");
        }
        LazyInit();
        var loop = _loop!;
        var task = loop.CreateTask(coro, context: context ?? _context);
        _interruptCount = 0;
        _interruptCancelled = false;
        using var sigint = InstallSigintHandler(loop, task);
        try
        {
            return loop.RunUntilComplete(task);
        }
        catch (CancelledError)
        {
            if (_interruptCancelled && task.Uncancel() == 0)
            {
                throw new KeyboardInterrupt();
            }
            throw;
        }
        finally
        {
            if (context is null && task.Done())
            {
                // A .NET ExecutionContext is immutable: carry the task's last one forward as Python's mutated Context.
                _context = task.GetContext();
            }
        }
    }

    /// <summary>Python installs its SIGINT handler where it can and runs without one where <c>signal.signal</c> fails.</summary>
    private PosixSignalRegistration? InstallSigintHandler(AbstractEventLoop loop, AsyncioTask mainTask)
    {
        try
        {
            return PosixSignalRegistration.Create(PosixSignal.SIGINT, signal => OnSigint(signal, loop, mainTask));
        }
        catch (PlatformNotSupportedException)
        {
            return null;
        }
    }

    /// <summary>
    /// Python's <c>_on_sigint</c>, on the signal thread: the first Ctrl-C cancels the main task on the loop's thread.
    /// The signal arrives on another thread here, so the run raises KeyboardInterrupt only when that cancel is what
    /// ended the task (Python checks <c>main_task.done()</c> in the handler itself).
    /// </summary>
    private void OnSigint(PosixSignalContext signal, AbstractEventLoop loop, AsyncioTask mainTask)
    {
        if (Interlocked.Increment(ref _interruptCount) > 1)
        {
            // Python raises KeyboardInterrupt wherever the main thread is; .NET cannot, so the default action ends the process.
            return;
        }
        signal.Cancel = true;
        try
        {
            loop.CallSoonThreadsafe(() =>
            {
                if (!mainTask.Done())
                {
                    mainTask.Cancel();
                    _interruptCancelled = true;
                }
            });
        }
        catch (RuntimeError)
        {
            // The run ended and the loop closed while the signal was on its way: there is nothing left to cancel.
        }
    }

    /// <summary>Python's <c>run(coro, *, context=None)</c>, typed.</summary>
    public T Run<T>(Coroutine<T> coro, ExecutionContext? context = null) => (T)Run((Coroutine)coro, context)!;

    private void LazyInit()
    {
        if (_state == State.Closed)
        {
            throw new RuntimeError("Runner is closed");
        }
        if (_state == State.Initialized)
        {
            return;
        }
        if (_loopFactory is null)
        {
            _loop = Asyncio.NewEventLoop();
            if (!_setEventLoop)
            {
                Asyncio.SetEventLoop(_loop);
                _setEventLoop = true;
            }
        }
        else
        {
            _loop = _loopFactory();
        }
        if (_debug is { } debug)
        {
            _loop.SetDebug(debug);
        }
        _context = ExecutionContext.Capture();
        _state = State.Initialized;
    }

    /// <summary>Python's <c>runners._cancel_all_tasks(loop)</c>.</summary>
    private static void CancelAllTasks(AbstractEventLoop loop)
    {
        var toCancel = Asyncio.AllTasks(loop);
        if (toCancel.Count == 0)
        {
            return;
        }
        foreach (var task in toCancel)
        {
            task.Cancel();
        }
        loop.RunUntilComplete(Asyncio.Gather(toCancel.Cast<IAwaitable>().ToArray(), returnExceptions: true));
        foreach (var task in toCancel)
        {
            if (task.Cancelled())
            {
                continue;
            }
            if (task.Exception() is { } exc)
            {
                loop.CallExceptionHandler(new System.Collections.Generic.Dictionary<string, object?>
                {
                    ["message"] = "unhandled exception during asyncio.run() shutdown",
                    ["exception"] = exc,
                    ["task"] = task,
                });
            }
        }
    }
}
