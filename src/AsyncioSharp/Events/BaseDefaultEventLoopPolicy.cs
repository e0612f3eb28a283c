using System;
using System.Threading;

namespace AsyncioSharp;

/// <summary>
/// Python's <c>events.BaseDefaultEventLoopPolicy</c>: one loop per thread, created on first use in a thread
/// where <c>set_event_loop</c> was never called. (Python creates one only in the main thread; .NET has no
/// main-thread notion that holds in every host, so here every thread gets one: docs/naming.md.)
/// </summary>
public abstract class BaseDefaultEventLoopPolicy : AbstractEventLoopPolicy
{
    private readonly ThreadLocal<(AbstractEventLoop? Loop, bool SetCalled)> _local = new();

    /// <inheritdoc />
    public override AbstractEventLoop GetEventLoop()
    {
        var (loop, setCalled) = _local.Value;
        if (loop is null && !setCalled)
        {
            loop = NewEventLoop();
            SetEventLoop(loop);
        }
        return loop ?? throw new RuntimeError($"There is no current event loop in thread '{Thread.CurrentThread.Name ?? Environment.CurrentManagedThreadId.ToString()}'.");
    }

    /// <inheritdoc />
    public override void SetEventLoop(AbstractEventLoop? loop) => _local.Value = (loop, true);
}
