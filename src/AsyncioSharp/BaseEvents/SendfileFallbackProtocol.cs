using System;

namespace AsyncioSharp;

/// <summary>
/// Python's <c>base_events._SendfileFallbackProtocol</c>: stands in for the transport's protocol while
/// loop.sendfile() writes the file, so the writes follow the transport's flow control (drain) and reading stays paused.
/// </summary>
internal sealed class SendfileFallbackProtocol : Protocol
{
    private readonly Transport _transport;
    private readonly BaseProtocol _proto;
    private readonly bool _shouldResumeReading;
    private readonly bool _shouldResumeWriting;
    private Future? _writeReadyFut;

    internal SendfileFallbackProtocol(BaseTransport transp)
    {
        if (transp is not (Transport flow and IFlowControlTransport flowControl))
        {
            throw new TypeError("transport should be _FlowControlMixin instance");
        }
        _transport = flow;
        _proto = flow.GetProtocol();
        _shouldResumeReading = flow.IsReading();
        _shouldResumeWriting = flowControl.ProtocolPaused;
        flow.PauseReading();
        flow.SetProtocol(this);
        _writeReadyFut = _shouldResumeWriting ? Loop.CreateFuture() : null;
    }

    private AbstractEventLoop Loop => Asyncio.GetRunningLoop();

    /// <summary>Python's <c>drain()</c>: waits while the transport's buffer is over the high-water mark.</summary>
    internal async Coroutine Drain()
    {
        if (_transport.IsClosing())
        {
            throw new ConnectionError("Connection closed by peer");
        }
        if (_writeReadyFut is { } fut)
        {
            await fut;
        }
    }

    /// <inheritdoc />
    public override void ConnectionMade(BaseTransport transport) =>
        throw new RuntimeError("Invalid state: connection should have been established already.");

    /// <inheritdoc />
    public override void ConnectionLost(Exception? exc)
    {
        // The peer disconnecting before the whole content was sent is always an error for the sender.
        _writeReadyFut?.SetException(exc ?? new ConnectionError("Connection is closed by peer"));
        _proto.ConnectionLost(exc);
    }

    /// <inheritdoc />
    public override void PauseWriting() => _writeReadyFut ??= Loop.CreateFuture();

    /// <inheritdoc />
    public override void ResumeWriting()
    {
        if (_writeReadyFut is null)
        {
            return;
        }
        _writeReadyFut.SetResult(false);
        _writeReadyFut = null;
    }

    /// <inheritdoc />
    public override void DataReceived(ReadOnlySpan<byte> data) =>
        throw new RuntimeError("Invalid state: reading should be paused");

    /// <inheritdoc />
    public override bool EofReceived() => throw new RuntimeError("Invalid state: reading should be paused");

    /// <summary>Python's <c>restore()</c>: gives the transport its protocol back.</summary>
    internal void Restore()
    {
        _transport.SetProtocol(_proto);
        if (_shouldResumeReading)
        {
            _transport.ResumeReading();
        }
        // Nobody waits for it any more: the protocol is switched back.
        _writeReadyFut?.Cancel();
        if (_shouldResumeWriting)
        {
            _proto.ResumeWriting();
        }
    }
}
