using System;
using System.Collections.Generic;
using System.Threading;

namespace AsyncioSharp;

/// <summary>
/// Python's <c>asyncio.Handle</c>: a callback scheduled by <c>call_soon</c>, with the context it runs in.
/// </summary>
public class Handle
{
    private static readonly Action<object?> InvokeAction = static state => ((Action)state!)();

    private Action<object?>? _callback;
    private object? _state;
    private readonly ExecutionContext? _context;
    private protected readonly BaseEventLoop _loop;
    private bool _cancelled;

    internal Handle(Action callback, BaseEventLoop loop, ExecutionContext? context)
        : this(InvokeAction, callback, loop, context)
    {
    }

    /// <summary>Creates a handle that runs in <paramref name="context"/>, or in whatever context is current if null.</summary>
    internal Handle(Action<object?>? callback, object? state, BaseEventLoop loop, ExecutionContext? context)
    {
        _callback = callback;
        _state = state;
        _loop = loop;
        _context = context;
        if (loop.DebugEnabled)
        {
            SourceTracebacks.Record(this);
        }
    }

    /// <summary>Python's <c>_source_traceback</c>: in debug mode, where the handle was created (oldest frame first).</summary>
    internal IReadOnlyList<FrameSummary>? SourceTraceback => SourceTracebacks.Of(this);

    /// <summary>The callback the user gave (the wrapped Action), or the internal one; null once cancelled.</summary>
    internal virtual Delegate? Callback => _callback is null ? null : _state is Delegate inner && _callback == InvokeAction ? inner : _callback;

    /// <summary>The task whose step this handle runs, if it is one (Python's <c>_format_handle</c> prints the task).</summary>
    internal virtual AsyncioTask? StepOf => null;

    /// <summary>Calls the callback; internal handles (a task's step, a future's done callback) override it.</summary>
    private protected virtual void Invoke() => _callback?.Invoke(_state);

    /// <summary>Python's <c>Handle.get_context()</c>: the context the callback runs in.</summary>
    public ExecutionContext? GetContext() => _context;

    /// <summary>
    /// Python's <c>Handle.cancel()</c>: the callback will not run and is released (in debug mode the repr is kept
    /// first, for slow-callback warnings). Cancelling twice does nothing.
    /// </summary>
    public virtual void Cancel()
    {
        if (_cancelled)
        {
            return;
        }
        _cancelled = true;
        // A cancelled handle keeps only its repr (debug mode), in the state field it no longer needs.
        var repr = _loop.DebugEnabled ? new CancelledRepr(ToString()) : null;
        _callback = null;
        _state = repr;
    }

    /// <summary>Python's <c>Handle.cancelled()</c>.</summary>
    public bool Cancelled() => _cancelled;

    /// <summary>
    /// Runs the callback (Python's <c>Handle._run</c>): an exception goes to the loop's exception handler, except
    /// <see cref="KeyboardInterrupt"/> and <see cref="SystemExit"/>, which propagate out of the loop as in Python.
    /// </summary>
    internal void Run()
    {
        if (_cancelled)
        {
            return;
        }
        try
        {
            var context = _context;
            if (context is null)
            {
                Invoke();
            }
            else if (ReferenceEquals(context, ExecutionContext.Capture()))
            {
                try
                {
                    Invoke();
                }
                finally
                {
                    // What the callback set stays in its context (Python's context.run), not in the loop's.
                    if (!ReferenceEquals(ExecutionContext.Capture(), context))
                    {
                        ExecutionContext.Restore(context);
                    }
                }
            }
            else
            {
                ExecutionContext.Run(context, static s => ((Handle)s!).Invoke(), this);
            }
        }
        catch (Exception exc) when (exc is not (KeyboardInterrupt or SystemExit))
        {
            var callback = Callback;
            var context = new Dictionary<string, object?>
            {
                ["message"] = $"Exception in callback {(callback is null ? "None" : FormatHelpers.FormatCallback(callback))}",
                ["exception"] = exc,
                ["handle"] = this,
            };
            if (SourceTraceback is { } sourceTraceback)
            {
                context["source_traceback"] = sourceTraceback;
            }
            _loop.CallExceptionHandler(context);
        }
    }

    /// <summary>Python's <c>_repr_info()</c>: the words between the angle brackets of the repr.</summary>
    private protected virtual List<string> ReprInfo()
    {
        var info = new List<string> { GetType().Name };
        if (_cancelled)
        {
            info.Add("cancelled");
        }
        if (Callback is { } callback)
        {
            info.Add(FormatHelpers.FormatCallback(callback));
        }
        if (FormatHelpers.CreatedAt(SourceTraceback) is { } createdAt)
        {
            info.Add(createdAt);
        }
        return info;
    }

    /// <summary>Python's <c>repr(handle)</c>: <c>&lt;Handle Class.method()&gt;</c>, <c>&lt;Handle cancelled&gt;</c>.</summary>
    public override string ToString() => _state is CancelledRepr repr ? repr.Text : $"<{string.Join(" ", ReprInfo())}>";

    private sealed record CancelledRepr(string Text);
}
