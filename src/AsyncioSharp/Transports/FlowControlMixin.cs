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
    internal const int DefaultHighWater = 64 * 1024;

    private protected readonly BaseEventLoop _loop;
    private bool _protocolPaused;
    private int _highWater;
    private int _lowWater;

    private protected FlowControlMixin(Dictionary<string, object?>? extra, BaseEventLoop loop) : base(extra)
    {
        _loop = loop;
        SetWriteBufferLimitsCore(null, null);
    }

    /// <summary>The protocol to pause and resume.</summary>
    private protected abstract BaseProtocol CurrentProtocol { get; }

    /// <summary>True between pause_writing() and resume_writing() (Python's <c>_protocol_paused</c>).</summary>
    internal bool ProtocolPaused => _protocolPaused;

    bool IFlowControlTransport.ProtocolPaused => _protocolPaused;

    /// <summary>Python's <c>_maybe_pause_protocol()</c>.</summary>
    private protected void MaybePauseProtocol()
    {
        if (GetWriteBufferSize() <= _highWater || _protocolPaused)
        {
            return;
        }
        _protocolPaused = true;
        try
        {
            CurrentProtocol.PauseWriting();
        }
        catch (Exception exc)
        {
            ReportProtocolFailure("protocol.pause_writing() failed", exc);
        }
    }

    /// <summary>Python's <c>_maybe_resume_protocol()</c>.</summary>
    private protected void MaybeResumeProtocol()
    {
        if (!_protocolPaused || GetWriteBufferSize() > _lowWater)
        {
            return;
        }
        _protocolPaused = false;
        try
        {
            CurrentProtocol.ResumeWriting();
        }
        catch (Exception exc)
        {
            ReportProtocolFailure("protocol.resume_writing() failed", exc);
        }
    }

    private void ReportProtocolFailure(string message, Exception exc) =>
        _loop.CallExceptionHandler(new Dictionary<string, object?>
        {
            ["message"] = message,
            ["exception"] = exc,
            ["transport"] = this,
            ["protocol"] = CurrentProtocol,
        });

    /// <inheritdoc />
    public override (int Low, int High) GetWriteBufferLimits() => (_lowWater, _highWater);

    private void SetWriteBufferLimitsCore(int? high, int? low)
    {
        var h = high ?? (low is { } l ? 4 * l : DefaultHighWater);
        var lo = low ?? h / 4;
        if (!(h >= lo && lo >= 0))
        {
            throw new ValueError($"high ({h}) must be >= low ({lo}) must be >= 0");
        }
        _highWater = h;
        _lowWater = lo;
    }

    /// <inheritdoc />
    public override void SetWriteBufferLimits(int? high = null, int? low = null)
    {
        SetWriteBufferLimitsCore(high, low);
        MaybePauseProtocol();
    }
}
