using System;
using System.Threading;

namespace AsyncioSharp;

/// <summary>The handle of a done callback: calls <c>fn(future)</c> without a closure.</summary>
internal sealed class FutureCallbackHandle : Handle
{
    private readonly Action<Future> _fn;
    private readonly Future _future;

    public FutureCallbackHandle(Action<Future> fn, Future future, ExecutionContext? context)
        : base(null, null, future.Loop, context)
    {
        _fn = fn;
        _future = future;
    }

    internal bool Is(Action<Future> fn) => _fn.Equals(fn);

    internal override Delegate? Callback => Cancelled() ? null : _fn;

    private protected override void Invoke() => _fn(_future);
}
