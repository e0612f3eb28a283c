using System;

namespace AsyncioSharp;

/// <summary>
/// Python's <c>asyncio.streams.FlowControlMixin</c> (renamed: <c>FlowControlMixin</c> is already the transports'
/// <c>_FlowControlMixin</c>): the protocol side of <c>StreamWriter.drain()</c>. Every drain() waiter wakes on
/// resume_writing() and on connection_lost(); a drain() after the connection is lost raises at once.
/// </summary>
public class StreamFlowControlMixin : Protocol, IStreamWriterProtocol
{
    private protected readonly AbstractEventLoop _loop;
    private readonly DrainWaiters _drain;

    /// <summary>Python's <c>FlowControlMixin(loop=None)</c>.</summary>
    public StreamFlowControlMixin(AbstractEventLoop? loop = null)
    {
        _loop = loop ?? Asyncio.GetEventLoop();
        _drain = new DrainWaiters(_loop);
    }

    /// <summary>Python's <c>_loop</c>, for tests.</summary>
    internal AbstractEventLoop Loop => _loop;

    /// <summary>Python's <c>pause_writing()</c>.</summary>
    public override void PauseWriting() => _drain.PauseWriting();

    /// <summary>Python's <c>resume_writing()</c>: wakes every drain() waiter.</summary>
    public override void ResumeWriting() => _drain.ResumeWriting();

    /// <summary>Python's <c>connection_lost(exc)</c>: wakes every drain() waiter, with <paramref name="exc"/> if any.</summary>
    public override void ConnectionLost(Exception? exc) => _drain.ConnectionLost(exc);

    /// <summary>Python's <c>_drain_helper()</c>.</summary>
    internal Coroutine DrainHelper() => _drain.DrainHelper();

    Coroutine IStreamWriterProtocol.DrainHelper() => DrainHelper();

    bool IStreamWriterProtocol.DrainReady => _drain.Ready;

    /// <summary>Python's <c>_get_close_waiter(stream)</c>: not implemented by the mixin itself.</summary>
    internal virtual Future GetCloseWaiter(StreamWriter stream) => throw new NotImplementedException();

    Future? IStreamWriterProtocol.GetCloseWaiter(StreamWriter stream) => GetCloseWaiter(stream);
}
