using System;
using System.Collections.Generic;
using System.Threading;

namespace AsyncioSharp;

/// <summary>
/// Python's <c>asyncio.TaskGroup</c>: tasks created with <see cref="CreateTask(Coroutine, string?, ExecutionContext?)"/>
/// are all awaited when the group exits. The first task to fail (other than by cancellation) cancels the others
/// and the body; the failures are raised together as an <see cref="ExceptionGroup"/>('unhandled errors in a TaskGroup').
/// Use it as <c>await new TaskGroup().Run(async tg =&gt; ...)</c> (Python's <c>async with TaskGroup() as tg:</c>).
/// </summary>
public class TaskGroup : AbstractAsyncContextManager<TaskGroup>
{
    private bool _entered;
    private bool _exiting;
    private bool _aborting;
    private BaseEventLoop? _loop;
    private AsyncioTask? _parentTask;
    private bool _parentCancelRequested;
    private readonly HashSet<AsyncioTask> _tasks = new();
    private List<Exception>? _errors = new();
    private Future? _onCompletedFut;
    private readonly Action<Future> _onTaskDone;

    /// <summary>Python's <c>_tasks</c>: the group's tasks not done yet.</summary>
    internal IReadOnlyCollection<AsyncioTask> Tasks => _tasks;

    /// <summary>Python's <c>TaskGroup()</c>.</summary>
    public TaskGroup()
    {
        _onTaskDone = OnTaskDone;
    }

    /// <inheritdoc />
    public override string ToString()
    {
        var info = "";
        if (_tasks.Count > 0)
        {
            info += $" tasks={_tasks.Count}";
        }
        if (_errors is { Count: > 0 })
        {
            info += $" errors={_errors.Count}";
        }
        if (_aborting)
        {
            info += " cancelling";
        }
        else if (_entered)
        {
            info += " entered";
        }
        return $"<TaskGroup{info}>";
    }

    /// <summary>Python's <c>__aenter__()</c>: binds the group to the current task, its parent.</summary>
#pragma warning disable CS1998 // Python's __aenter__ is a coroutine that never suspends.
    public override async Coroutine<TaskGroup> AEnter()
#pragma warning restore CS1998
    {
        if (_entered)
        {
            throw new RuntimeError($"TaskGroup {this} has already been entered");
        }
        _loop ??= (BaseEventLoop)Asyncio.GetRunningLoop();
        _parentTask = Asyncio.CurrentTask(_loop) ?? throw new RuntimeError($"TaskGroup {this} cannot determine the parent task");
        _entered = true;
        return this;
    }

    /// <summary>
    /// Python's <c>__aexit__</c>: waits for every task of the group; raises the group's errors (with the body's
    /// exception, if not a cancellation) as an <see cref="ExceptionGroup"/>, else the body's CancelledError if the
    /// parent task is still being cancelled.
    /// </summary>
    public override async Coroutine<bool> AExit(Exception? exc)
    {
        _exiting = true;
        var propagateCancellationError = exc as CancelledError;
        if (_parentCancelRequested && _parentTask!.Uncancel() == 0)
        {
            // No cancellation is pending besides the one the group made: do not propagate it.
            propagateCancellationError = null;
        }
        if (exc is not null && !_aborting)
        {
            // The parent task is being cancelled, or the body raised.
            Abort();
        }
        // A loop, because the parent task may be cancelled again while the group waits.
        while (_tasks.Count > 0)
        {
            _onCompletedFut ??= _loop!.CreateFuture();
            try
            {
                await _onCompletedFut;
            }
            catch (CancelledError ex)
            {
                if (!_aborting)
                {
                    // The parent task is cancelled while the group's tasks still run.
                    propagateCancellationError = ex;
                    Abort();
                }
            }
            _onCompletedFut = null;
        }
        var errors = _errors!;
        if (propagateCancellationError is not null && errors.Count == 0)
        {
            throw propagateCancellationError;
        }
        if (exc is not null && exc is not CancelledError)
        {
            errors.Add(exc);
        }
        if (errors.Count > 0)
        {
            // Drop the references: exceptions are heavy and may form cycles.
            _errors = null;
            throw new ExceptionGroup("unhandled errors in a TaskGroup", errors);
        }
        return false;
    }

    /// <summary>
    /// Under <c>await using</c>, a cancellation requested of the parent task (other than the group's own) is presumed
    /// to be unwinding the body.
    /// </summary>
    private protected override Exception? InferredBodyException() =>
        _parentTask is not null && _parentTask.Cancelling() > (_parentCancelRequested ? 1 : 0) ? new CancelledError() : null;

    /// <summary>Python's <c>create_task(coro, *, name=None, context=None)</c>: a new task in this group.</summary>
    public AsyncioTask CreateTask(Coroutine coro, string? name = null, ExecutionContext? context = null)
    {
        CheckCanCreateTask();
        return Add(_loop!.CreateTask(coro, name, context));
    }

    /// <summary>Python's <c>create_task(coro, ...)</c>, typed.</summary>
    public AsyncioTask<T> CreateTask<T>(Coroutine<T> coro, string? name = null, ExecutionContext? context = null)
    {
        CheckCanCreateTask();
        return Add(_loop!.CreateTask(coro, name, context));
    }

    private void CheckCanCreateTask()
    {
        if (!_entered)
        {
            throw new RuntimeError($"TaskGroup {this} has not been entered");
        }
        if (_exiting && _tasks.Count == 0)
        {
            throw new RuntimeError($"TaskGroup {this} is finished");
        }
        if (_aborting)
        {
            throw new RuntimeError($"TaskGroup {this} is shutting down");
        }
    }

    private TTask Add<TTask>(TTask task) where TTask : AsyncioTask
    {
        task.AddDoneCallback(_onTaskDone);
        _tasks.Add(task);
        return task;
    }

    private void Abort()
    {
        _aborting = true;
        foreach (var t in _tasks)
        {
            if (!t.Done())
            {
                t.Cancel();
            }
        }
    }

    private void OnTaskDone(Future task)
    {
        _tasks.Remove((AsyncioTask)task);
        if (_onCompletedFut is not null && _tasks.Count == 0 && !_onCompletedFut.Done())
        {
            _onCompletedFut.SetResult(true);
        }
        if (task.Cancelled() || task.Exception() is not { } exc)
        {
            return;
        }
        _errors!.Add(exc);
        if (_parentTask!.Done())
        {
            _loop!.CallExceptionHandler(new Dictionary<string, object?>
            {
                ["message"] = $"Task {task} has errored out but its parent task {_parentTask} is already completed",
                ["exception"] = exc,
                ["task"] = task,
            });
            return;
        }
        if (!_aborting && !_parentCancelRequested)
        {
            // Cancel the parent so that the body stops at its current await; AExit uncancels it.
            Abort();
            _parentCancelRequested = true;
            _parentTask.Cancel();
        }
    }
}
