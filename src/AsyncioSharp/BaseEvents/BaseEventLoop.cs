using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using AsyncioSharp.ConcurrentFutures;

namespace AsyncioSharp;

/// <summary>
/// Python's <c>asyncio.BaseEventLoop</c>: the platform-independent loop: the ready queue, the timer heap,
/// the thread-safe inbox, tasks, executors and error handling. How the loop waits for I/O is the subclass's
/// (<see cref="SelectorEventLoop"/>).
/// </summary>
public abstract partial class BaseEventLoop : AbstractEventLoop
{
    // Python's _MIN_SCHEDULED_TIMER_HANDLES and _MIN_CANCELLED_TIMER_HANDLES_FRACTION.
    private const int MinScheduledTimerHandles = 100;
    private const double MinCancelledTimerHandlesFraction = 0.5;

    // Python's MAXIMUM_SELECT_TIMEOUT: 24 hours.
    private const double MaximumSelectTimeout = 24 * 3600;

    private static readonly double TicksToSeconds = 1.0 / Stopwatch.Frequency;

    // While callbacks keep the loop busy, I/O is still polled at least this often (20 microseconds).
    private static readonly long BusyPollInterval = Stopwatch.Frequency / 50_000;
    private long _lastPoll;
    private int _busyIterations;

    private readonly Queue<ReadyHandle> _ready = new();
    private readonly PriorityQueue<TimerHandle, (double When, long Seq)> _scheduled = new();
    private readonly ConcurrentQueue<Handle> _inbox = new();
    // Set after each cross-thread enqueue, cleared before each drain: the hot path checks this int, not the queue.
    private int _inboxPending;
    private long _timerSeq;
    private int _timerCancelledCount;
    private bool _stopping;
    private bool _closed;
    private int _threadId;
    private bool _debug;
    private Executor? _defaultExecutor;
    private bool _executorShutdownCalled;
    private TaskFactory? _taskFactory;
    private ExceptionHandler? _exceptionHandler;
    private AsyncioTask? _currentTask;
    private Handle? _currentHandle;

    /// <summary>
    /// Creates a loop; debug mode is on when the PYTHONASYNCIODEBUG or PYTHONDEVMODE environment variable is
    /// non-empty, as in Python (<c>coroutines._is_debug_mode()</c>).
    /// </summary>
    protected BaseEventLoop()
    {
        _debug = !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("PYTHONASYNCIODEBUG")) ||
                 !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("PYTHONDEVMODE"));
    }

    /// <summary>Python's <c>slow_callback_duration</c>: in debug mode, callbacks slower than this (seconds) are logged.</summary>
    public double SlowCallbackDuration { get; set; } = 0.1;

    /// <summary>Not a Python name: what the loop calls around a blocking wait for I/O (see <see cref="IBlockingHook"/>).</summary>
    public IBlockingHook? BlockingHook { get; set; }

    /// <summary>Python's <c>_clock_resolution</c>: timers due within it are treated as due.</summary>
    private protected double ClockResolution { get; } = TicksToSeconds;

    /// <summary>The debug flag without a virtual call, for the constructors of handles and futures.</summary>
    internal bool DebugEnabled => _debug;

    internal bool IsLoopThread => _threadId == Environment.CurrentManagedThreadId;

    /// <summary>The task whose step is running on this loop, if any (Python's <c>current_task(loop)</c>).</summary>
    internal AsyncioTask? CurrentTask => _currentTask;

    /// <inheritdoc />
    public override string ToString() =>
        $"<{GetType().Name} running={IsRunning()} closed={_closed} debug={_debug}>";

    // Waiting for I/O: what the subclass implements.

    /// <summary>Waits up to <paramref name="timeout"/> seconds (forever if null) for I/O and queues the ready callbacks.</summary>
    private protected abstract void Select(double? timeout);

    /// <summary>Wakes a loop blocked in <see cref="Select"/> (Python's <c>_write_to_self</c>).</summary>
    private protected abstract void WriteToSelf();

    /// <summary>Python's <c>_ready</c>, for tests: the callbacks the next iteration runs.</summary>
    internal IReadOnlyCollection<Handle> Ready => _ready.Select(r => r.Handle).ToList();

    /// <summary>Python's <c>_scheduled</c>, for tests: the timers in the heap, in no particular order.</summary>
    internal IEnumerable<TimerHandle> ScheduledTimers => _scheduled.UnorderedItems.Select(item => item.Element);

    /// <summary>Python's <c>_timer_cancelled_count</c>, for tests.</summary>
    internal int TimerCancelledCount => _timerCancelledCount;

    /// <summary>Python's <c>_default_executor</c>, for tests.</summary>
    internal Executor? DefaultExecutor => _defaultExecutor;

    /// <summary>Appends a handle to the ready queue (Python's <c>_add_callback</c>).</summary>
    internal void AddCallback(Handle handle)
    {
        if (!handle.Cancelled())
        {
            _ready.Enqueue(handle);
        }
    }

    // Running and stopping the event loop.

    /// <inheritdoc />
    public override void RunForever()
    {
        CheckClosed();
        CheckRunning();
        var oldContext = SynchronizationContext.Current;
        try
        {
            _threadId = Environment.CurrentManagedThreadId;
            // The first iteration reads the clock, so I/O that got ready while the loop was not running is seen at once.
            _busyIterations = -1;
            Asyncio._SetRunningLoop(this);
            SynchronizationContext.SetSynchronizationContext(new LoopSynchronizationContext(this));
            while (true)
            {
                RunOnce();
                if (_stopping)
                {
                    break;
                }
            }
        }
        finally
        {
            _stopping = false;
            _threadId = 0;
            Asyncio._SetRunningLoop(null);
            SynchronizationContext.SetSynchronizationContext(oldContext);
        }
    }

    /// <inheritdoc />
    public override object? RunUntilComplete(IAwaitable future)
    {
        CheckClosed();
        CheckRunning();
        var newTask = future is not Future;
        var fut = Asyncio.EnsureFuture(future, this);
        if (newTask && fut is AsyncioTask task)
        {
            task.LogDestroyPending = false;
        }
        Action<Future> done = RunUntilCompleteCallback;
        fut.AddDoneCallback(done);
        try
        {
            RunForever();
        }
        catch
        {
            if (newTask && fut.Done() && !fut.Cancelled())
            {
                // The coroutine raised a BaseException: consume it so it is not reported as never retrieved.
                fut.Exception();
            }
            throw;
        }
        finally
        {
            fut.RemoveDoneCallback(done);
        }
        if (!fut.Done())
        {
            throw new RuntimeError("Event loop stopped before Future completed.");
        }
        return fut.Result();
    }

    /// <summary>Python's <c>run_until_complete(future)</c>, typed.</summary>
    public T RunUntilComplete<T>(IAwaitable<T> future) => (T)RunUntilComplete((IAwaitable)future)!;

    /// <summary>Python's <c>_run_until_complete_cb</c>: a KeyboardInterrupt or SystemExit is already propagating out of the loop, so it does not stop it.</summary>
    private static void RunUntilCompleteCallback(Future fut)
    {
        if (!fut.Cancelled() && fut.Exception() is KeyboardInterrupt or SystemExit)
        {
            return;
        }
        fut.Loop.Stop();
    }

    /// <inheritdoc />
    public override void Stop() => _stopping = true;

    /// <inheritdoc />
    public override bool IsRunning() => _threadId != 0;

    /// <inheritdoc />
    public override bool IsClosed() => _closed;

    /// <inheritdoc />
    public override void Close()
    {
        if (IsRunning())
        {
            throw new RuntimeError("Cannot close a running event loop");
        }
        if (_closed)
        {
            return;
        }
        if (_debug)
        {
            Log.Debug($"Close {this}");
        }
        _closed = true;
        _ready.Clear();
        _scheduled.Clear();
        while (_inbox.TryDequeue(out _))
        {
        }
        _executorShutdownCalled = true;
        var executor = _defaultExecutor;
        if (executor is not null)
        {
            _defaultExecutor = null;
            executor.Shutdown(wait: false);
        }
    }

    /// <summary>
    /// Python's <c>shutdown_asyncgens()</c>. C# has no async generators that the loop finalizes
    /// (an <c>IAsyncEnumerable</c> is disposed by its <c>await foreach</c>), so there is nothing to close.
    /// </summary>
    public override Coroutine ShutdownAsyncgens() => Asyncio.Sleep(0);

    /// <inheritdoc />
    public override Coroutine ShutdownDefaultExecutor() => ShutdownDefaultExecutorCore();

    private async Coroutine ShutdownDefaultExecutorCore()
    {
        _executorShutdownCalled = true;
        var executor = _defaultExecutor;
        if (executor is null)
        {
            return;
        }
        var future = CreateFuture();
        var thread = new Thread(() =>
        {
            try
            {
                executor.Shutdown(wait: true);
                if (!IsClosed())
                {
                    CallSoonThreadsafe(() => Futures.SetResultUnlessCancelled(future, null));
                }
            }
            catch (Exception ex)
            {
                if (!IsClosed())
                {
                    CallSoonThreadsafe(() => future.SetException(ex));
                }
            }
        }) { IsBackground = true, Name = "asyncio-shutdown-executor" };
        thread.Start();
        try
        {
            await future;
        }
        finally
        {
            thread.Join();
        }
    }

    /// <summary>Python's <c>_check_closed()</c>.</summary>
    private protected void CheckClosed()
    {
        if (_closed)
        {
            throw new RuntimeError("Event loop is closed");
        }
    }

    private void CheckRunning()
    {
        if (IsRunning())
        {
            throw new RuntimeError("This event loop is already running");
        }
        if (Asyncio._GetRunningLoop() is not null)
        {
            throw new RuntimeError("Cannot run the event loop while another loop is running");
        }
    }

    /// <summary>Python's <c>_check_thread()</c> (debug mode only): non-thread-safe calls from other threads raise.</summary>
    private protected void CheckThread()
    {
        if (_threadId != 0 && _threadId != Environment.CurrentManagedThreadId)
        {
            throw new RuntimeError("Non-thread-safe operation invoked on an event loop other than the current one");
        }
    }

    private static void CheckCallback(Delegate? callback, string method)
    {
        if (callback is null)
        {
            throw new TypeError($"a callable object was expected by {method}(), got None");
        }
    }

    // Methods scheduling callbacks.

    /// <inheritdoc />
    public override Handle CallSoon(Action callback, ExecutionContext? context = null)
    {
        CheckClosed();
        if (_debug)
        {
            CheckThread();
        }
        CheckCallback(callback, "call_soon");
        var handle = new Handle(callback, this, context ?? ExecutionContext.Capture());
        DrainInboxBeforeEnqueue();
        _ready.Enqueue(handle);
        return handle;
    }

    /// <summary>Queues a prepared internal handle (a done callback, a task's step) without the public checks.</summary>
    internal void CallSoonHandle(Handle handle)
    {
        CheckClosed();
        if (_debug)
        {
            // Python schedules these through call_soon, which checks the thread in debug mode.
            CheckThread();
        }
        DrainInboxBeforeEnqueue();
        _ready.Enqueue(handle);
    }

    /// <summary>Schedules an internal callback without the public checks.</summary>
    internal Handle CallSoonCore(Action<object?> callback, object? state, ExecutionContext? context)
    {
        CheckClosed();
        if (_debug)
        {
            CheckThread();
        }
        var handle = new Handle(callback, state, this, context);
        DrainInboxBeforeEnqueue();
        _ready.Enqueue(handle);
        return handle;
    }

    /// <inheritdoc />
    public override TimerHandle CallLater(double delay, Action callback, ExecutionContext? context = null) =>
        CallAt(Time() + delay, callback, context);

    /// <inheritdoc />
    public override TimerHandle CallAt(double when, Action callback, ExecutionContext? context = null)
    {
        CheckClosed();
        if (_debug)
        {
            CheckThread();
        }
        CheckCallback(callback, "call_at");
        var timer = new TimerHandle(when, callback, this, context ?? ExecutionContext.Capture());
        Schedule(timer);
        return timer;
    }

    internal TimerHandle CallAtCore(double when, Action<object?> callback, object? state)
    {
        CheckClosed();
        var timer = new TimerHandle(when, callback, state, this, null);
        Schedule(timer);
        return timer;
    }

    private void Schedule(TimerHandle timer)
    {
        _scheduled.Enqueue(timer, (timer.When(), _timerSeq++));
        timer.Scheduled = true;
    }

    /// <summary>Counts a cancelled scheduled timer, so <see cref="RunOnce"/> knows when to clean the heap.</summary>
    internal void TimerHandleCancelled(TimerHandle handle)
    {
        if (handle.Scheduled)
        {
            _timerCancelledCount++;
        }
    }

    /// <inheritdoc />
    public override double Time() => Stopwatch.GetTimestamp() * TicksToSeconds;

    /// <inheritdoc />
    public override Future CreateFuture() => new(this);

    /// <summary>Python's <c>create_future()</c>, typed.</summary>
    public Future<T> CreateFuture<T>() => new(this);

    /// <inheritdoc />
    public override AsyncioTask CreateTask(Coroutine coro, string? name = null, ExecutionContext? context = null)
    {
        CheckClosed();
        if (_taskFactory is null)
        {
            return new AsyncioTask(coro, this, name, context);
        }
        var task = _taskFactory(this, coro, context);
        if (name is not null)
        {
            task.SetName(name);
        }
        return task;
    }

    /// <summary>Python's <c>create_task(coro, ...)</c>, typed.</summary>
    public AsyncioTask<T> CreateTask<T>(Coroutine<T> coro, string? name = null, ExecutionContext? context = null)
    {
        CheckClosed();
        if (_taskFactory is null)
        {
            return new AsyncioTask<T>(coro, this, name, context);
        }
        return (AsyncioTask<T>)CreateTask((Coroutine)coro, name, context);
    }

    /// <inheritdoc />
    public override void SetTaskFactory(TaskFactory? factory) => _taskFactory = factory;

    /// <inheritdoc />
    public override TaskFactory? GetTaskFactory() => _taskFactory;

    /// <summary>The loop's pending tasks (Python's <c>_all_tasks</c>, for this loop).</summary>
    internal TaskRegistry Tasks { get; } = new();

    /// <summary>The tasks of this loop that are not done (Python's <c>all_tasks(loop)</c>).</summary>
    internal HashSet<AsyncioTask> AllTasks() => Tasks.Alive();

    internal void EnterTask(AsyncioTask task)
    {
        if (_currentTask is not null)
        {
            throw new RuntimeError($"Cannot enter into task {task} while another task {_currentTask} is being executed.");
        }
        _currentTask = task;
    }

    internal void LeaveTask(AsyncioTask task)
    {
        if (!ReferenceEquals(_currentTask, task))
        {
            throw new RuntimeError($"Leaving task {task} does not match the current task {_currentTask}.");
        }
        _currentTask = null;
    }

    // Methods for interacting with threads.

    /// <inheritdoc />
    public override Handle CallSoonThreadsafe(Action callback, ExecutionContext? context = null)
    {
        CheckClosed();
        CheckCallback(callback, "call_soon_threadsafe");
        if (IsLoopThread)
        {
            return CallSoon(callback, context);
        }
        var handle = new Handle(callback, this, context ?? ExecutionContext.Capture());
        PostToInbox(handle);
        return handle;
    }

    /// <inheritdoc />
    public override Future RunInExecutor(Executor? executor, Func<object?> func)
    {
        CheckClosed();
        if (_debug)
        {
            CheckCallback(func, "run_in_executor");
        }
        if (executor is null)
        {
            if (_executorShutdownCalled)
            {
                throw new RuntimeError("Executor shutdown has been called");
            }
            executor = _defaultExecutor ??= new ThreadPoolExecutor();
        }
        return Futures.WrapFuture(executor.Submit(func), this);
    }

    /// <summary>Python's <c>run_in_executor(executor, func, *args)</c>, typed.</summary>
    public Future<T> RunInExecutor<T>(Executor? executor, Func<T> func)
    {
        var typed = CreateFuture<T>();
        // Through the base type: C# overload resolution in this class would pick this generic method again.
        var untyped = ((AbstractEventLoop)this).RunInExecutor(executor, () => func());
        Futures.ChainFuture(untyped, typed);
        return typed;
    }

    /// <inheritdoc />
    public override void SetDefaultExecutor(Executor executor)
    {
        if (executor is not ThreadPoolExecutor)
        {
            throw new TypeError("executor must be ThreadPoolExecutor instance");
        }
        _defaultExecutor = executor;
    }

    // Error handlers.

    /// <inheritdoc />
    public override ExceptionHandler? GetExceptionHandler() => _exceptionHandler;

    /// <inheritdoc />
    public override void SetExceptionHandler(ExceptionHandler? handler) => _exceptionHandler = handler;

    /// <inheritdoc />
    public override void DefaultExceptionHandler(IReadOnlyDictionary<string, object?> context)
    {
        var message = context.GetValueOrDefault("message") as string;
        if (string.IsNullOrEmpty(message))
        {
            message = "Unhandled exception in event loop";
        }
        var entries = context.ToDictionary(pair => pair.Key, pair => pair.Value);
        if (!entries.ContainsKey("source_traceback") && _currentHandle?.SourceTraceback is { } handleTraceback)
        {
            entries["handle_traceback"] = handleTraceback;
        }
        var lines = new List<string> { message };
        foreach (var key in entries.Keys.OrderBy(k => k, StringComparer.Ordinal))
        {
            if (key is "message" or "exception")
            {
                continue;
            }
            var value = entries[key];
            var text = (key, value) switch
            {
                ("source_traceback", IEnumerable<FrameSummary> frames) =>
                    "Object created at (most recent call last):\n" + FormatHelpers.FormatList(frames).TrimEnd(),
                ("handle_traceback", IEnumerable<FrameSummary> frames) =>
                    "Handle created at (most recent call last):\n" + FormatHelpers.FormatList(frames).TrimEnd(),
                _ => FormatHelpers.Repr(value),
            };
            lines.Add($"{key}: {text}");
        }
        Log.Error(string.Join("\n", lines), context.GetValueOrDefault("exception") as Exception);
    }

    /// <inheritdoc />
    public override void CallExceptionHandler(IReadOnlyDictionary<string, object?> context)
    {
        if (_exceptionHandler is null)
        {
            try
            {
                DefaultExceptionHandler(context);
            }
            catch (Exception exc) when (exc is not (KeyboardInterrupt or SystemExit))
            {
                Log.Error("Exception in default exception handler", exc);
            }
            return;
        }
        try
        {
            _exceptionHandler(this, context);
        }
        catch (Exception exc) when (exc is not (KeyboardInterrupt or SystemExit))
        {
            try
            {
                DefaultExceptionHandler(new Dictionary<string, object?>
                {
                    ["message"] = "Unhandled error in exception handler",
                    ["exception"] = exc,
                    ["context"] = context,
                });
            }
            catch (Exception inner) when (inner is not (KeyboardInterrupt or SystemExit))
            {
                Log.Error("Exception in default exception handler while handling an unexpected error in custom exception handler", inner);
            }
        }
    }

    /// <summary>
    /// Reports from the finalizer thread (Python's <c>__del__</c> reports at once): a running loop gets it on its
    /// thread, so handlers never run concurrently with it; a loop that is not running gets it directly.
    /// </summary>
    internal void ReportFromFinalizer(Dictionary<string, object?> context)
    {
        if (_closed || !IsRunning())
        {
            CallExceptionHandler(context);
            return;
        }
        try
        {
            PostToInbox(new Handle(() => CallExceptionHandler(context), this, null));
        }
        catch (ObjectDisposedException)
        {
            CallExceptionHandler(context);
        }
    }

    // Debug flag management.

    /// <inheritdoc />
    public override bool GetDebug() => _debug;

    /// <inheritdoc />
    public override void SetDebug(bool enabled) => _debug = enabled;

    /// <summary>
    /// Python's <c>_run_once()</c>: one full iteration: clean cancelled timers, wait for I/O (not at all when
    /// callbacks are ready), move due timers to the ready queue, then run exactly the callbacks ready now;
    /// callbacks they schedule wait for the next iteration.
    /// </summary>
    // Runs every iteration: compiled optimized once, at first call, rather than at tier 0 and again later.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal void RunOnce()
    {
        var scheduledCount = _scheduled.Count;
        if (scheduledCount > MinScheduledTimerHandles &&
            (double)_timerCancelledCount / scheduledCount > MinCancelledTimerHandlesFraction)
        {
            // Rebuild the heap without the cancelled timers, keeping each timer's order key.
            var kept = _scheduled.UnorderedItems.Where(item => !item.Element.Cancelled()).ToList();
            foreach (var (timer, _) in _scheduled.UnorderedItems)
            {
                if (timer.Cancelled())
                {
                    timer.Scheduled = false;
                }
            }
            _scheduled.Clear();
            _scheduled.EnqueueRange(kept);
            _timerCancelledCount = 0;
        }
        else
        {
            while (_scheduled.TryPeek(out var head, out _) && head.Cancelled())
            {
                _timerCancelledCount--;
                _scheduled.Dequeue();
                head.Scheduled = false;
            }
        }

        DrainInbox();
        if (_ready.Count > 0 || _stopping)
        {
            // Callbacks are waiting: poll I/O without blocking, but not on every iteration of a burst of
            // callback-only iterations, where the system call would cost more than the callbacks themselves.
            // Even reading the clock costs as much as a short iteration, so it is read every 8th one; so is the
            // check for pending tasks that were garbage collected.
            if (_stopping || (++_busyIterations & 7) == 0)
            {
                Tasks.Sweep(this);
                if (_stopping || Stopwatch.GetTimestamp() - _lastPoll >= BusyPollInterval)
                {
                    Select(0);
                    _lastPoll = Stopwatch.GetTimestamp();
                    DrainInbox();
                }
            }
        }
        else
        {
            Tasks.Sweep(this);
            double? timeout = null;
            if (_scheduled.TryPeek(out var next, out _))
            {
                timeout = Math.Clamp(next.When() - Time(), 0, MaximumSelectTimeout);
            }
            if (BlockingHook is { } hook && timeout != 0)
            {
                var state = hook.Enter();
                try
                {
                    Select(timeout);
                }
                finally
                {
                    hook.Exit(state);
                }
            }
            else
            {
                Select(timeout);
            }
            _lastPoll = Stopwatch.GetTimestamp();
            DrainInbox();
        }

        if (_scheduled.Count > 0)
        {
            var endTime = Time() + ClockResolution;
            while (_scheduled.TryPeek(out var timer, out _) && timer.When() < endTime)
            {
                _scheduled.Dequeue();
                timer.Scheduled = false;
                _ready.Enqueue(timer);
            }
        }

        var ntodo = _ready.Count;
        for (var i = 0; i < ntodo; i++)
        {
            var handle = _ready.Dequeue().Handle;
            if (handle.Cancelled())
            {
                continue;
            }
            if (_debug)
            {
                _currentHandle = handle;
                try
                {
                    var t0 = Time();
                    handle.Run();
                    var dt = Time() - t0;
                    if (dt >= SlowCallbackDuration)
                    {
                        Log.Warning($"Executing {(object?)handle.StepOf ?? handle} took {dt.ToString("F3", System.Globalization.CultureInfo.InvariantCulture)} seconds");
                    }
                }
                finally
                {
                    _currentHandle = null;
                }
            }
            else
            {
                handle.Run();
            }
        }
    }

    /// <summary>
    /// Keeps the ready queue in call order across threads: a call_soon_threadsafe that happened before this
    /// call_soon is queued first, as in Python, where both append to the same deque.
    /// </summary>
    private void DrainInboxBeforeEnqueue()
    {
        if (Volatile.Read(ref _inboxPending) != 0)
        {
            DrainInbox();
        }
    }

    /// <summary>Queues a handle from another thread and wakes the loop.</summary>
    private void PostToInbox(Handle handle)
    {
        _inbox.Enqueue(handle);
        Volatile.Write(ref _inboxPending, 1);
        WriteToSelf();
    }

    private void DrainInbox()
    {
        // A plain read first: the locked exchange costs more than the rest of a short iteration.
        if (Volatile.Read(ref _inboxPending) == 0 || Interlocked.Exchange(ref _inboxPending, 0) == 0)
        {
            return;
        }
        while (_inbox.TryDequeue(out var handle))
        {
            _ready.Enqueue(handle);
        }
    }

    /// <summary>
    /// A ready-queue slot. Storing a non-sealed class into an array costs a covariance check per store; a struct
    /// slot does not, and the ready queue takes one store per callback.
    /// </summary>
    private readonly struct ReadyHandle
    {
        private ReadyHandle(Handle handle) => Handle = handle;

        public Handle Handle { get; }

        public static implicit operator ReadyHandle(Handle handle) => new(handle);
    }
}
