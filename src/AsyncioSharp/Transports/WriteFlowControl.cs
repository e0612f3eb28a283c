using System;
using System.Collections.Generic;

namespace AsyncioSharp;

/// <summary>
/// Python's <c>transports._FlowControlMixin</c> as a component (<see cref="FlowControlMixin"/> holds one, and so do the
/// transports whose C# base class is not <see cref="Transport"/>: datagram and pipe transports): the high/low water
/// marks and the protocol's pause_writing/resume_writing calls.
/// </summary>
internal sealed class WriteFlowControl
{
    private readonly BaseEventLoop _loop;
    private readonly BaseTransport _transport;
    private readonly Func<int> _bufferSize;
    private bool _protocolPaused;

    internal WriteFlowControl(BaseEventLoop loop, BaseTransport transport, Func<int> bufferSize)
    {
        _loop = loop;
        _transport = transport;
        _bufferSize = bufferSize;
        SetLimits(null, null);
    }

    /// <summary>Python's default high-water mark: 64 KiB (the low one is a quarter of it).</summary>
    internal const int DefaultHighWater = 64 * 1024;

    internal int HighWater { get; private set; }

    internal int LowWater { get; private set; }

    /// <summary>True between pause_writing() and resume_writing() (Python's <c>_protocol_paused</c>).</summary>
    internal bool ProtocolPaused => _protocolPaused;

    /// <summary>Python's <c>_set_write_buffer_limits(high=None, low=None)</c>.</summary>
    internal void SetLimits(int? high, int? low) => (HighWater, LowWater) = Limits(high, low, DefaultHighWater);

    /// <summary>
    /// The water marks for the given limits, as every Python flow control computes them (<c>_set_write_buffer_limits</c>,
    /// sslproto's <c>add_flowcontrol_defaults</c>): high defaults to <paramref name="defaultHigh"/> or 4 * low, low to high / 4.
    /// </summary>
    internal static (int High, int Low) Limits(int? high, int? low, int defaultHigh)
    {
        var h = high ?? (low is null ? defaultHigh : 4 * low.Value);
        var l = low ?? h / 4;
        if (!(h >= l && l >= 0))
        {
            throw new ValueError($"high ({h}) must be >= low ({l}) must be >= 0");
        }
        return (h, l);
    }

    /// <summary>Python's <c>_maybe_pause_protocol()</c>.</summary>
    internal void MaybePauseProtocol(BaseProtocol? protocol)
    {
        if (_bufferSize() <= HighWater || _protocolPaused)
        {
            return;
        }
        _protocolPaused = true;
        Call(protocol, "protocol.pause_writing() failed", static p => p.PauseWriting());
    }

    /// <summary>Python's <c>_maybe_resume_protocol()</c>.</summary>
    internal void MaybeResumeProtocol(BaseProtocol? protocol)
    {
        if (!_protocolPaused || _bufferSize() > LowWater)
        {
            return;
        }
        _protocolPaused = false;
        Call(protocol, "protocol.resume_writing() failed", static p => p.ResumeWriting());
    }

    private void Call(BaseProtocol? protocol, string message, Action<BaseProtocol> callback)
    {
        try
        {
            if (protocol is not null)
            {
                callback(protocol);
            }
        }
        catch (Exception exc)
        {
            _loop.CallExceptionHandler(new Dictionary<string, object?>
            {
                ["message"] = message, ["exception"] = exc, ["transport"] = _transport, ["protocol"] = protocol,
            });
        }
    }
}
