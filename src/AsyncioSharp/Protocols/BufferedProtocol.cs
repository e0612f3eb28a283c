using System;

namespace AsyncioSharp;

/// <summary>Python's <c>asyncio.BufferedProtocol</c>: a stream protocol that gives the transport its receive buffer.</summary>
public abstract class BufferedProtocol : BaseProtocol
{
    /// <summary>
    /// Python's <c>get_buffer(sizehint)</c>: a buffer to receive into; it must not be empty. Python's base method
    /// does nothing (returns None); this one returns an empty buffer, which the transport reports as an error.
    /// </summary>
    public virtual Memory<byte> GetBuffer(int sizehint) => Memory<byte>.Empty;

    /// <summary>Python's <c>buffer_updated(nbytes)</c>: <paramref name="nbytes"/> bytes were written into the buffer.</summary>
    public virtual void BufferUpdated(int nbytes)
    {
    }

    /// <summary>Python's <c>eof_received()</c>, as in <see cref="Protocol.EofReceived"/>.</summary>
    public virtual bool EofReceived() => false;
}
