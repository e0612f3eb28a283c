using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Threading;

namespace AsyncioSharp;

/// <summary>
/// Python's <c>asyncio.Future</c>: a result that will be set later, on one loop, with done callbacks scheduled
/// through that loop. Awaiting it in a coroutine suspends the coroutine's task until it is done.
/// This non-generic class holds a result of any type (Python's untyped Future); <see cref="Future{T}"/> is the typed view.
/// </summary>
public class Future : IAwaitable, ICriticalNotifyCompletion
{
    private enum State : byte { Pending, Cancelled, Finished }

    private State _state;
    // One field for what only one state needs, so a future stays small: Finished: the result, or an ExceptionBox
    // when an exception was set; Cancelled: the cancel message (string) or the CancelledError to re-raise.
    private object? _value;
    private readonly BaseEventLoop _loop;

    // Done callbacks, as handles ready to queue: the first is kept apart, since most futures get exactly one
    // (the awaiting task's step, a handle the task reuses).
    private Handle? _callback0;
    private List<Handle>? _callbacks;

    /// <summary>Python's <c>Future(*, loop=None)</c>: a pending future bound to <paramref name="loop"/> or the current one.</summary>
    public Future(AbstractEventLoop? loop = null)
    {
        _loop = (BaseEventLoop)(loop ?? Asyncio.GetEventLoop());
        if (_loop.DebugEnabled)
        {
            SourceTracebacks.Record(this);
        }
    }

    /// <summary>Python's <c>_source_traceback</c>: in debug mode, where the future was created (oldest frame first).</summary>
    internal IReadOnlyList<FrameSummary>? SourceTraceback => SourceTracebacks.Of(this);

    /// <summary>Python's <c>get_loop()</c>.</summary>
    public AbstractEventLoop GetLoop() => _loop;

    internal BaseEventLoop Loop => _loop;

    /// <summary>Python's <c>done()</c>: true once a result or exception is set or the future is cancelled.</summary>
    public bool Done() => _state != State.Pending;

    /// <summary>Python's <c>cancelled()</c>.</summary>
    public bool Cancelled() => _state == State.Cancelled;

    /// <summary>
    /// Python's <c>cancel(msg=None)</c>: cancels a pending future and schedules its callbacks; false if it was done.
    /// </summary>
    public virtual bool Cancel(string? msg = null) => CancelCore(msg);

    private protected bool CancelCore(string? msg)
    {
        SuppressGuard();
        if (_state != State.Pending)
        {
            return false;
        }
        _state = State.Cancelled;
        _value = msg;
        ScheduleCallbacks();
        return true;
    }

    internal string? CancelMessage => _state == State.Cancelled ? _value as string : null;

    /// <summary>The CancelledError to raise for a cancelled future (Python's <c>_make_cancelled_error</c>).</summary>
    internal CancelledError MakeCancelledError()
    {
        if (_value is CancelledError exc)
        {
            _value = null;
            return exc;
        }
        return new CancelledError(CancelMessage);
    }

    /// <summary>Cancels with the CancelledError a task's coroutine ended with (Python: <c>_cancelled_exc</c>, then <c>cancel()</c>).</summary>
    private protected void CancelWith(CancelledError exc)
    {
        if (CancelCore(null))
        {
            _value = exc;
        }
    }

    /// <summary>
    /// Python's <c>result()</c>: the result; raises the exception set, <see cref="CancelledError"/> if cancelled,
    /// or <see cref="InvalidStateError"/>('Result is not ready.') while pending.
    /// </summary>
    public object? Result()
    {
        if (_state == State.Cancelled)
        {
            throw MakeCancelledError();
        }
        if (_state != State.Finished)
        {
            throw new InvalidStateError("Result is not ready.");
        }
        if (_value is ExceptionBox box)
        {
            box.Retrieved();
            // Python raises exception.with_traceback(saved_tb): every raise starts from the trace saved at set time,
            // so awaiting a failed future repeatedly does not grow its trace.
            box.Info.Throw();
        }
        return _value;
    }

    /// <summary>
    /// Python's <c>exception()</c>: the exception set, or null; raises <see cref="CancelledError"/> if cancelled
    /// and <see cref="InvalidStateError"/>('Exception is not set.') while pending.
    /// </summary>
    public Exception? Exception()
    {
        if (_state == State.Cancelled)
        {
            throw MakeCancelledError();
        }
        if (_state != State.Finished)
        {
            throw new InvalidStateError("Exception is not set.");
        }
        if (_value is ExceptionBox box)
        {
            box.Retrieved();
            return box.Exception;
        }
        return null;
    }

    /// <summary>
    /// Python's <c>add_done_callback(fn, *, context=None)</c>: <paramref name="fn"/> is called with this future
    /// through the loop once it is done (at once, scheduled, if it already is).
    /// </summary>
    public void AddDoneCallback(Action<Future> fn, ExecutionContext? context = null)
    {
        if (fn is null)
        {
            throw new TypeError("a callable object was expected by add_done_callback(), got None");
        }
        context ??= ExecutionContext.Capture();
        AddDoneCallbackCore(fn, context);
    }

    private void AddDoneCallbackCore(Action<Future> fn, ExecutionContext? context) =>
        AddDoneHandle(new FutureCallbackHandle(fn, this, context));

    /// <summary>Queues <paramref name="handle"/> on the loop once the future is done (at once if it is).</summary>
    internal void AddDoneHandle(Handle handle)
    {
        if (_state != State.Pending)
        {
            _loop.CallSoonHandle(handle);
        }
        else if (_callback0 is null && _callbacks is null)
        {
            _callback0 = handle;
        }
        else
        {
            (_callbacks ??= new()).Add(handle);
        }
    }

    /// <summary>Python's <c>remove_done_callback(fn)</c>: removes every registration of fn; returns how many.</summary>
    public int RemoveDoneCallback(Action<Future> fn)
    {
        static bool Matches(Handle? h, Action<Future> fn) => h is FutureCallbackHandle f && f.Is(fn);
        var removed = 0;
        if (Matches(_callback0, fn))
        {
            _callback0 = null;
            removed++;
        }
        if (_callbacks is not null)
        {
            removed += _callbacks.RemoveAll(h => Matches(h, fn));
        }
        return removed;
    }

    /// <summary>
    /// Python's <c>set_result(result)</c>; raises <see cref="InvalidStateError"/> if the future is already done.
    /// </summary>
    public virtual void SetResult(object? result) => SetResultCore(result);

    private protected void SetResultCore(object? result)
    {
        if (_state != State.Pending)
        {
            throw new InvalidStateError($"{StateName}: {this}");
        }
        _value = result;
        _state = State.Finished;
        ScheduleCallbacks();
    }

    /// <summary>
    /// Python's <c>set_exception(exception)</c>; raises <see cref="InvalidStateError"/> if the future is already done.
    /// An exception never retrieved is reported to the loop's exception handler when the future is collected.
    /// </summary>
    public virtual void SetException(Exception exception) => SetExceptionCore(exception);

    private protected void SetExceptionCore(Exception exception)
    {
        if (_state != State.Pending)
        {
            throw new InvalidStateError($"{StateName}: {this}");
        }
        _value = new ExceptionBox(this, exception ?? throw new TypeError("exception must be an Exception, got None"));
        _state = State.Finished;
        ScheduleCallbacks();
    }

    private void SuppressGuard() => (_value as ExceptionBox)?.Retrieved();

    private void ScheduleCallbacks()
    {
        if (_callback0 is not null)
        {
            _loop.CallSoonHandle(_callback0);
            _callback0 = null;
        }
        if (_callbacks is not null)
        {
            foreach (var handle in _callbacks)
            {
                _loop.CallSoonHandle(handle);
            }
            _callbacks = null;
        }
    }

    private string StateName => _state switch
    {
        State.Pending => "PENDING",
        State.Cancelled => "CANCELLED",
        _ => "FINISHED",
    };

    /// <summary>The name used in messages such as "Future exception was never retrieved".</summary>
    private protected virtual string KindName
    {
        get
        {
            // Python prints the class name; a C# generic's arity suffix ("Future`1") is not part of it.
            var name = GetType().Name;
            var tick = name.IndexOf('`');
            return tick < 0 ? name : name[..tick];
        }
    }

    /// <summary>Python's <c>_future_repr_info</c>: the state, the result or exception, the callbacks.</summary>
    private protected virtual List<string> ReprInfo()
    {
        var info = new List<string> { StateName.ToLowerInvariant() };
        if (_state == State.Finished)
        {
            info.Add(_value is ExceptionBox box ? $"exception={FormatHelpers.Repr(box.Exception)}" : $"result={FormatHelpers.Repr(_value)}");
        }
        var callbacks = new List<Delegate>();
        if (_callback0?.Callback is { } first)
        {
            callbacks.Add(first);
        }
        if (_callbacks is not null)
        {
            callbacks.AddRange(_callbacks.Select(c => c.Callback).OfType<Delegate>());
        }
        if (callbacks.Count > 0)
        {
            var shown = callbacks.Count switch
            {
                1 => FormatHelpers.FormatCallback(callbacks[0]),
                2 => $"{FormatHelpers.FormatCallback(callbacks[0])}, {FormatHelpers.FormatCallback(callbacks[1])}",
                _ => $"{FormatHelpers.FormatCallback(callbacks[0])}, <{callbacks.Count - 2} more>, {FormatHelpers.FormatCallback(callbacks[^1])}",
            };
            info.Add($"cb=[{shown}]");
        }
        if (FormatHelpers.CreatedAt(SourceTraceback) is { } createdAt)
        {
            info.Add(createdAt);
        }
        return info;
    }

    /// <summary>Python's <c>repr(future)</c>: <c>&lt;Future finished result=42&gt;</c>; a future met again while printing itself shows as <c>...</c>.</summary>
    public override string ToString() =>
        FormatHelpers.GuardRecursion(this, () => $"<{KindName} {string.Join(" ", ReprInfo())}>");

    /// <summary>
    /// The exception a future holds; reports "exception was never retrieved" if the future is collected before
    /// anyone read it (Python's <c>__del__</c> with <c>__log_traceback</c>).
    /// </summary>
    private sealed class ExceptionBox
    {
        private readonly Future _future;
        private bool _retrieved;

        public ExceptionBox(Future future, Exception exception)
        {
            _future = future;
            Exception = exception;
            Info = ExceptionDispatchInfo.Capture(exception);
        }

        public Exception Exception { get; }

        /// <summary>The exception with the trace it had when it was set.</summary>
        public ExceptionDispatchInfo Info { get; }

        public void Retrieved()
        {
            if (!_retrieved)
            {
                _retrieved = true;
                GC.SuppressFinalize(this);
            }
        }

        ~ExceptionBox()
        {
            var context = new Dictionary<string, object?>
            {
                ["message"] = $"{_future.KindName} exception was never retrieved",
                ["exception"] = Exception,
                ["future"] = _future,
            };
            if (_future.SourceTraceback is { } sourceTraceback)
            {
                context["source_traceback"] = sourceTraceback;
            }
            _future._loop.ReportFromFinalizer(context);
        }
    }

    // The awaiter pattern: a future is its own awaiter, so awaiting one allocates nothing.

    /// <summary>Makes the future awaitable (Python's <c>__await__</c>).</summary>
    public Future GetAwaiter() => this;

    /// <summary>Part of the awaiter pattern: true once the future is done.</summary>
    public bool IsCompleted => _state != State.Pending;

    /// <summary>Part of the awaiter pattern: the result, or the exception raised (Python's <c>__await__</c> return).</summary>
    public object? GetResult()
    {
        AsyncioTask.ThrowIfCancelPending();
        return Result();
    }

    /// <summary>Part of the awaiter pattern, for awaits outside asyncio coroutines (a plain .NET async method or another thread).</summary>
    public void OnCompleted(Action continuation) => UnsafeOnCompleted(continuation);

    /// <summary>Part of the awaiter pattern, for awaits outside asyncio coroutines (a plain .NET async method or another thread).</summary>
    public void UnsafeOnCompleted(Action continuation)
    {
        if (_loop.IsLoopThread)
        {
            AddDoneCallbackCore(_ => continuation(), null);
        }
        else
        {
            // Another thread: register on the loop's thread, and resume that thread's code off the loop.
            _loop.CallSoonThreadsafe(() => AddDoneCallbackCore(
                _ => ThreadPool.UnsafeQueueUserWorkItem(static c => c(), continuation, preferLocal: false), null));
        }
    }
}

/// <summary>
/// A <see cref="Future"/> whose result is a <typeparamref name="T"/>: what <c>loop.CreateFuture&lt;T&gt;()</c> returns.
/// </summary>
public class Future<T> : Future, IAwaitable<T>
{
    /// <summary>Creates a pending future bound to <paramref name="loop"/> or the current one.</summary>
    public Future(AbstractEventLoop? loop = null) : base(loop) { }

    /// <summary>Python's <c>result()</c>, typed.</summary>
    public new T Result() => (T)base.Result()!;

    /// <summary>Python's <c>set_result(result)</c>, typed.</summary>
    public void SetResult(T result) => SetResultCore(result);

    /// <summary>Makes the future awaitable with a typed result.</summary>
    public new Future<T> GetAwaiter() => this;

    /// <summary>Part of the awaiter pattern: the typed result.</summary>
    public new T GetResult() => (T)base.GetResult()!;
}
