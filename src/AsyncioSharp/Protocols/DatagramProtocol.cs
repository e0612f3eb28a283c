using System;
using System.Net;

namespace AsyncioSharp;

/// <summary>Python's <c>asyncio.DatagramProtocol</c>: the interface for datagram protocols.</summary>
public class DatagramProtocol : BaseProtocol
{
    /// <summary>Python's <c>datagram_received(data, addr)</c>.</summary>
    public virtual void DatagramReceived(ReadOnlySpan<byte> data, EndPoint addr) { }

    /// <summary>Python's <c>error_received(exc)</c>: a previous send or receive raised an OSError.</summary>
    public virtual void ErrorReceived(Exception exc) { }
}
