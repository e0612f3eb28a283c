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

    private readonly Action<object?> _callback;
    private readonly object? _state;
    private readonly ExecutionContext? _context;
    private protected readonly BaseEventLoop _loop;
    private bool _cancelled;

    internal Handle(Action callback, BaseEventLoop loop, ExecutionContext? context)
        : this(InvokeAction, callback, loop, context)
    {
    }

    internal Handle(Action<object?> callback, object? state, BaseEventLoop loop, ExecutionContext? context)
    {
        _callback = callback;
        _state = state;
        _loop = loop;
        _context = context ?? ExecutionContext.Capture();
    }

    /// <summary>The callback as Python's repr shows it: the delegate's method, or the wrapped Action's.</summary>
    internal string CallbackName
    {
        get
        {
            var d = _state is Delegate inner && _callback == InvokeAction ? inner : _callback;
            return $"{d.Method.DeclaringType?.Name}.{d.Method.Name}";
        }
    }

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
                _callback(_state);
            }
            else
            {
                ExecutionContext.Run(context, static s =>
                {
                    var h = (Handle)s!;
                    h._callback(h._state);
                }, this);
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
