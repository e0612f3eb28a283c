using System.Threading;

namespace AsyncioSharp;

/// <summary>
/// Installed while a loop runs, so plain .NET <c>async</c> methods called from coroutines continue on the loop's
/// thread after awaiting .NET work, where touching loop objects is safe.
/// </summary>
internal sealed class LoopSynchronizationContext : SynchronizationContext
{
    private readonly BaseEventLoop _loop;

    public LoopSynchronizationContext(BaseEventLoop loop) => _loop = loop;

    public override void Post(SendOrPostCallback d, object? state) => _loop.CallSoonThreadsafe(() => d(state));

    public override SynchronizationContext CreateCopy() => this;
}
