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

    private readonly Action<object?>? _callback;
    private readonly object? _state;
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
    }

    /// <summary>The callback as Python's repr shows it: the delegate's method, or the wrapped Action's.</summary>
    internal virtual string CallbackName
    {
        get
        {
            var d = _state is Delegate inner && _callback == InvokeAction ? inner : _callback!;
            return $"{d.Method.DeclaringType?.Name}.{d.Method.Name}";
        }
    }

    /// <summary>Calls the callback; internal handles (a task's step, a future's done callback) override it.</summary>
    private protected virtual void Invoke() => _callback!(_state);

    /// <summary>Python's <c>Handle.get_context()</c>: the context the callback runs in.</summary>
    public ExecutionContext? GetContext() => _context;

    /// <summary>Python's <c>Handle.cancel()</c>: the callback will not run. Cancelling twice does nothing.</summary>
    public virtual void Cancel()
    {
        _cancelled = true;
    }

    /// <summary>Python's <c>Handle.cancelled()</c>.</summary>
    public bool Cancelled() => _cancelled;

    /// <summary>Runs the callback; an exception goes to the loop's exception handler, as in Python's <c>Handle._run</c>.</summary>
    internal void Run()
    {
        try
        {
            var context = _context;
            if (context is null || ReferenceEquals(context, ExecutionContext.Capture()))
            {
                Invoke();
            }
            else
            {
                ExecutionContext.Run(context, static s => ((Handle)s!).Invoke(), this);
            }
        }
        catch (Exception exc)
        {
            _loop.CallExceptionHandler(new Dictionary<string, object?>
            {
                ["message"] = $"Exception in callback {CallbackName}",
                ["exception"] = exc,
                ["handle"] = this,
            });
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"<{GetType().Name}{(_cancelled ? " cancelled" : "")} {CallbackName}>";
}
