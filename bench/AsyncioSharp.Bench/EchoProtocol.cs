using AsyncioSharp;

namespace AsyncioSharp.Bench;

/// <summary>The echo protocol every server in the benchmark runs: write back what arrives.</summary>
internal sealed class EchoProtocol : Protocol
{
    private Transport? _transport;

    public override void ConnectionMade(BaseTransport transport) => _transport = (Transport)transport;

    public override void DataReceived(ReadOnlySpan<byte> data) => _transport!.Write(data);
}
