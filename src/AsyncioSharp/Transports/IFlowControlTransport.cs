namespace AsyncioSharp;

/// <summary>
/// Python's <c>transports._FlowControlMixin</c> as sendfile's fallback checks it (<c>isinstance</c>, then
/// <c>_protocol_paused</c>): <see cref="FlowControlMixin"/>, and the TLS transport, which Python also derives from it.
/// </summary>
internal interface IFlowControlTransport
{
    /// <summary>Python's <c>_protocol_paused</c>: true between the protocol's pause_writing() and resume_writing().</summary>
    bool ProtocolPaused { get; }
}
