using System.Net;
using AsyncioSharp;

namespace AsyncioSharp.Tests.LowLevel;

/// <summary>A datagram protocol that records what it receives and the errors it is told of.</summary>
internal sealed class DatagramCollector : DatagramProtocol
{
    public readonly List<(byte[] Data, EndPoint Addr)> Received = new();
    public readonly List<Exception> Errors = new();

    public override void DatagramReceived(ReadOnlySpan<byte> data, EndPoint addr) => Received.Add((data.ToArray(), addr));

    public override void ErrorReceived(Exception exc) => Errors.Add(exc);
}
