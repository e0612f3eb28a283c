using System;
using System.Collections.Generic;

namespace AsyncioSharp;

/// <summary>
/// Python's <c>transports._FlowControlMixin</c>: the write-buffer limits of a transport, and the protocol's
/// pause_writing()/resume_writing() calls when the buffer goes above the high-water mark and back to the low one.
/// </summary>
internal abstract class FlowControlMixin : Transport, IFlowControlTransport
{
    /// <summary>Python's default high-water mark: 64 KiB (the low one is a quarter of it).</summary>
    internal const int DefaultHighWater = WriteFlowControl.DefaultHighWater;

    private protected readonly BaseEventLoop _loop;
    private readonly WriteFlowControl _flow;

    private protected FlowControlMixin(Dictionary<string, object?>? extra, BaseEventLoop loop) : base(extra)
    {
        _loop = loop;
        _flow = new WriteFlowControl(loop, this, GetWriteBufferSize);
    }

    /// <summary>The protocol to pause and resume.</summary>
    private protected abstract BaseProtocol CurrentProtocol { get; }

    /// <summary>True between pause_writing() and resume_writing() (Python's <c>_protocol_paused</c>).</summary>
    internal bool ProtocolPaused => _flow.ProtocolPaused;

    bool IFlowControlTransport.ProtocolPaused => _flow.ProtocolPaused;

    /// <summary>Python's <c>_maybe_pause_protocol()</c>.</summary>
    private protected void MaybePauseProtocol() => _flow.MaybePauseProtocol(CurrentProtocol);

    /// <summary>Python's <c>_maybe_resume_protocol()</c>.</summary>
    private protected void MaybeResumeProtocol() => _flow.MaybeResumeProtocol(CurrentProtocol);

    /// <inheritdoc />
    public override (int Low, int High) GetWriteBufferLimits() => (_flow.LowWater, _flow.HighWater);

    /// <inheritdoc />
    public override void SetWriteBufferLimits(int? high = null, int? low = null)
    {
        _flow.SetLimits(high, low);
        MaybePauseProtocol();
    }
}
