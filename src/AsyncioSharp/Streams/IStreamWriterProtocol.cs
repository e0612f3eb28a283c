namespace AsyncioSharp;

/// <summary>
/// What <see cref="StreamWriter"/> needs from its protocol, as Python's duck typing finds it on a
/// <c>streams.FlowControlMixin</c> subclass: <c>_drain_helper()</c> (through the flow control) and
/// <c>_get_close_waiter(stream)</c>.
/// </summary>
internal interface IStreamWriterProtocol
{
    /// <summary>The protocol's flow control (Python: the FlowControlMixin part of the protocol).</summary>
    StreamFlowControl FlowControl { get; }

    /// <summary>Python's <c>_get_close_waiter(stream)</c>: a future done when the connection is lost.</summary>
    Future GetCloseWaiter(StreamWriter stream);
}
