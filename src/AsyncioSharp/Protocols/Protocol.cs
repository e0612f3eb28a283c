using System;

namespace AsyncioSharp;

/// <summary>Python's <c>asyncio.Protocol</c>: the interface for stream protocols.</summary>
public class Protocol : BaseProtocol
{
    /// <summary>Python's <c>data_received(data)</c>: some data arrived; the span is only valid during the call.</summary>
    public virtual void DataReceived(ReadOnlySpan<byte> data) { }

    /// <summary>
    /// Python's <c>eof_received()</c>: the other end sent no more data. Returning false (Python: a falsy value)
    /// lets the transport close itself; true keeps it open for writing.
    /// </summary>
    public virtual bool EofReceived() => false;
}
