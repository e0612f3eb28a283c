using System;
using System.Collections.Generic;
using System.Runtime.ExceptionServices;
using System.Threading;

namespace AsyncioSharp;

/// <summary>
/// Python's <c>asyncio.Task</c> (named AsyncioTask in C#, so it never clashes with System.Threading.Tasks.Task;
/// see docs/naming.md): a <see cref="Future"/> that runs a <see cref="Coroutine"/> on its loop, one step per
/// loop callback, suspending while the coroutine awaits a pending future.
/// </summary>
public class AsyncioTask : Future
{
    [ThreadStatic] private static AsyncioTask? t_current;
    private static long s_nameCounter;

    private readonly Coroutine _coro;
    private ExecutionContext? _context;
    private string? _name;
    private readonly long _nameNumber;
    private readonly TaskStepHandle _stepHandle;
    private Future? _futWaiter;
    private Coroutine _resume;
    private bool _mustCancel;
    private Exception? _pendingThrow;
    // How many tasks (on every loop) hold a pending throw: lets every await skip the thread-local lookup of the
    // current task in the usual case where none does.
    private static int s_pendingThrows;
    private int _numCancelsRequested;
    private string? _cancelMessage;
    private int _registrySlot = -1;

    /// <summary>
    /// Python's <c>Task(coro, *, loop=None, name=None, context=None)</c>: schedules the first step of
    /// <paramref name="coro"/> with <c>call_soon</c>. Prefer <c>Asyncio.CreateTask</c> or <c>loop.CreateTask</c>.
    /// </summary>
    public AsyncioTask(Coroutine coro, AbstractEventLoop? loop = null, string? name = null, ExecutionContext? context = null)
        : base(loop)
    {
        if (coro is null || coro.IsStarted)
        {
            throw new TypeError($"a coroutine was expected, got {(coro is null ? "None" : coro.ToString())}");
        }
        _coro = coro;
        _resume = coro;
        _name = name;
        if (name is null)
        {
            // Python formats "Task-N" lazily too: most tasks are never asked their name.
            _nameNumber = Interlocked.Increment(ref s_nameCounter);
        }
        _stepHandle = new TaskStepHandle(this);
        _context = context ?? ExecutionContext.Capture();
        Loop.CallSoonHandle(_stepHandle);
        Register();
    }

    /// <summary>Python's <c>_log_destroy_pending</c>: false for tasks made internally, which are not reported when collected pending.</summary>
    internal bool LogDestroyPending
    {
        set
        {
            if (!value && _registrySlot >= 0)
            {
                Loop.Tasks.DontReport(_registrySlot);
            }
        }
    }

    /// <summary>Python's <c>_register_task</c>: all_tasks() sees the task until it is done.</summary>
    internal void Register()
    {
        if (_registrySlot < 0 && !Done())
        {
            _registrySlot = Loop.Tasks.Add(this, _name, _nameNumber, _coro.GetType());
        }
    }

    /// <summary>Python's <c>_unregister_task</c>.</summary>
    internal void Unregister()
    {
        if (_registrySlot >= 0)
        {
            Loop.Tasks.Remove(_registrySlot);
            _registrySlot = -1;
        }
    }

    /// <summary>The task whose coroutine is running on this thread right now, if any.</summary>
    internal static AsyncioTask? Current => t_current;

    private protected override string KindName =>
        GetType() == typeof(AsyncioTask) || (GetType().IsGenericType && GetType().GetGenericTypeDefinition() == typeof(AsyncioTask<>)) ? "Task" : base.KindName;

    /// <summary>Python's <c>get_coro()</c>.</summary>
    public Coroutine GetCoro() => _coro;

    /// <summary>Python's <c>get_context()</c>.</summary>
    public ExecutionContext? GetContext() => _context;

    /// <summary>Python's <c>get_name()</c>.</summary>
    public string GetName() => _name ??= $"Task-{_nameNumber}";

    /// <summary>Python's <c>set_name(value)</c>.</summary>
    public void SetName(object value) => _name = value.ToString() ?? "";

    /// <summary>Python's <c>get_stack(*, limit=None)</c>: the suspended coroutine chain is not inspectable in .NET, so it is empty.</summary>
    public IReadOnlyList<string> GetStack(int? limit = null) => Array.Empty<string>();

    /// <summary>Python's <c>print_stack(*, limit=None, file=None)</c>.</summary>
    public void PrintStack(int? limit = null, System.IO.TextWriter? file = null)
    {
        (file ?? Console.Error).WriteLine($"No stack for {this}");
    }

    /// <summary>Python's <c>set_result()</c>: not supported on a task.</summary>
    public override void SetResult(object? result) => throw new RuntimeError("Task does not support set_result() operation");

    /// <summary>Python's <c>set_exception()</c>: not supported on a task.</summary>
    public override void SetException(Exception exception) => throw new RuntimeError("Task does not support set_exception() operation");

    /// <summary>
    /// Python's <c>Task.cancel(msg=None)</c>: asks the task to cancel itself; a <see cref="CancelledError"/> is
    /// thrown into the coroutine at the await it is suspended in, on the next loop iteration.
    /// </summary>
    public override bool Cancel(string? msg = null)
    {
        if (Done())
        {
            // As Python's _log_traceback = False: cancelling a finished task silences "exception was never retrieved".
            return CancelCore(msg);
        }
        _numCancelsRequested++;
        if (_futWaiter is not null && _futWaiter.Cancel(msg))
        {
            // Leave _futWaiter: it may be a task that ignores the cancellation and must be cancelled again.
            return true;
        }
        _mustCancel = true;
        _cancelMessage = msg;
        return true;
    }

    /// <summary>Python's <c>cancelling()</c>: the number of pending cancellation requests.</summary>
    public int Cancelling() => _numCancelsRequested;

    /// <summary>Python's <c>uncancel()</c>: decrements the pending cancellation requests and returns the rest.</summary>
    public int Uncancel()
    {
        if (_numCancelsRequested > 0)
        {
            _numCancelsRequested--;
        }
        return _numCancelsRequested;
    }

    /// <summary>Throws into the running coroutine the exception a cancel() left pending (Python's <c>coro.throw</c>).</summary>
    internal static void ThrowIfCancelPending()
    {
        if (Volatile.Read(ref s_pendingThrows) == 0)
        {
            return;
        }
        var task = t_current;
        if (task?._pendingThrow is { } exc)
        {
            task.SetPendingThrow(null);
            throw exc;
        }
    }

    internal void Suspend(Future future, Coroutine resume)
    {
        _resume = resume;
        if (!ReferenceEquals(future.Loop, Loop))
        {
            ThrowAtNextStep(new RuntimeError($"Task {this} got Future {future} attached to a different loop"));
        }
        else if (ReferenceEquals(future, this))
        {
            ThrowAtNextStep(new RuntimeError($"Task cannot await on itself: {this}"));
        }
        else
        {
            future.AddDoneHandle(_stepHandle);
            _futWaiter = future;
            // A cancellation that arrived while the coroutine awaited a .NET awaitable is pending too: deliver it here.
            if ((_mustCancel || _pendingThrow is CancelledError) && future.Cancel(_cancelMessage))
            {
                _mustCancel = false;
            }
        }
    }

    internal void SuspendOneIteration(Coroutine resume)
    {
        _resume = resume;
        Loop.CallSoonHandle(_stepHandle);
    }

    internal Action SuspendForeign(Coroutine resume)
    {
        _resume = resume;
        return Step;
    }

    private void SetPendingThrow(Exception? exc)
    {
        if ((_pendingThrow is null) != (exc is null))
        {
            Interlocked.Add(ref s_pendingThrows, exc is null ? -1 : 1);
        }
        _pendingThrow = exc;
    }

    private void ThrowAtNextStep(Exception exc)
    {
        SetPendingThrow(exc);
        Loop.CallSoonHandle(_stepHandle);
    }

    internal void Step()
    {
        if (Done())
        {
            throw new InvalidStateError($"_step(): already done: {this}");
        }
        if (_mustCancel)
        {
            SetPendingThrow(_pendingThrow as CancelledError ?? MakeCancelledError(_cancelMessage));
            _mustCancel = false;
        }
        _futWaiter = null;
        Loop.EnterTask(this);
        var outerContext = ExecutionContext.Capture();
        if (_context is not null && !ReferenceEquals(_context, outerContext))
        {
            ExecutionContext.Restore(_context);
        }
        // Steps never nest (EnterTask refuses), so there is no outer task to restore afterwards.
        t_current = this;
        try
        {
            if (!_coro.IsStarted && _pendingThrow is { } early)
            {
                SetPendingThrow(null);
                _coro.ThrowBeforeStart(early);
            }
            else
            {
                _resume.Step();
            }
        }
        finally
        {
            t_current = null;
            _context = ExecutionContext.Capture();
            if (outerContext is not null && !ReferenceEquals(_context, outerContext))
            {
                ExecutionContext.Restore(outerContext);
            }
            Loop.LeaveTask(this);
        }
        if (_coro.IsCompleted)
        {
            Finish();
        }
    }

    private void Finish()
    {
        Unregister();
        var leftOver = _pendingThrow;
        SetPendingThrow(null);
        switch (_coro.Error)
        {
            case CancelledError cancelled:
                CancelWith(cancelled);
                break;
            case { } error:
                SetExceptionCore(error);
                if (error is KeyboardInterrupt or SystemExit)
                {
                    // Python's Task.__step sets them and re-raises them, so they stop the loop.
                    ExceptionDispatchInfo.Throw(error);
                }
                break;
            default:
                if (_mustCancel || leftOver is CancelledError)
                {
                    // Cancelled right before the coroutine returned (or while it awaited something not asyncio's).
                    _mustCancel = false;
                    CancelCore(_cancelMessage);
                }
                else if (leftOver is not null)
                {
                    SetExceptionCore(leftOver);
                }
                else
                {
                    SetResultCore(_coro.ResultObject);
                }
                break;
        }
    }

    private static CancelledError MakeCancelledError(string? msg) => new(msg);

    /// <summary>Python's <c>base_tasks._task_repr_info</c>: the future's info with the name, the coroutine and what the task waits for.</summary>
    private protected override List<string> ReprInfo()
    {
        var info = base.ReprInfo();
        if (_numCancelsRequested > 0 && !Done())
        {
            info[0] = "cancelling";
        }
        info.Insert(1, $"name={FormatHelpers.Repr(GetName())}");
        info.Insert(2, $"coro=<{_coro.Format()}>");
        if (_futWaiter is not null)
        {
            info.Insert(3, $"wait_for={_futWaiter}");
        }
        return info;
    }
}

/// <summary>A task whose result is a <typeparamref name="T"/>: what creating a task from a <see cref="Coroutine{T}"/> gives.</summary>
public class AsyncioTask<T> : AsyncioTask, IAwaitable<T>
{
    /// <summary>Python's <c>Task(coro, ...)</c>, typed.</summary>
    public AsyncioTask(Coroutine<T> coro, AbstractEventLoop? loop = null, string? name = null, ExecutionContext? context = null)
        : base(coro, loop, name, context)
    {
    }

    /// <summary>Python's <c>get_coro()</c>, typed.</summary>
    public new Coroutine<T> GetCoro() => (Coroutine<T>)base.GetCoro();

    /// <summary>Python's <c>result()</c>, typed.</summary>
    public new T Result() => (T)base.Result()!;

    /// <summary>Makes the task awaitable with a typed result.</summary>
    public new AsyncioTask<T> GetAwaiter() => this;

    /// <summary>Part of the awaiter pattern: the typed result.</summary>
    public new T GetResult() => (T)base.GetResult()!;
}
