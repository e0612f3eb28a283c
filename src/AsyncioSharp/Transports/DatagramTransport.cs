using System;
using System.Net;

namespace AsyncioSharp;

/// <summary>Python's <c>asyncio.DatagramTransport</c>.</summary>
public abstract class DatagramTransport : BaseTransport
{
    /// <summary>Python's <c>sendto(data, addr=None)</c>.</summary>
    public virtual void Sendto(ReadOnlySpan<byte> data, EndPoint? addr = null) => throw new NotImplementedException();

    /// <summary>Python's <c>abort()</c>.</summary>
    public virtual void Abort() => throw new NotImplementedException();
}
