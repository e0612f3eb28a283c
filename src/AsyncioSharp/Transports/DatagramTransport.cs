using System;
using System.Collections.Generic;
using System.Net;

namespace AsyncioSharp;

/// <summary>Python's <c>asyncio.DatagramTransport</c>.</summary>
public abstract class DatagramTransport : BaseTransport
{
    /// <summary>Creates a transport whose <see cref="BaseTransport.GetExtraInfo"/> answers from <paramref name="extra"/>.</summary>
    protected DatagramTransport(IReadOnlyDictionary<string, object?>? extra = null) : base(extra) { }

    /// <summary>Python's <c>sendto(data, addr=None)</c>.</summary>
    public virtual void Sendto(ReadOnlySpan<byte> data, EndPoint? addr = null) => throw new NotImplementedException();

    /// <summary>Python's <c>abort()</c>.</summary>
    public virtual void Abort() => throw new NotImplementedException();
}
