using System.Net;
using System.Net.Sockets;

namespace AsyncioSharp;

/// <summary>Python's <c>BaseSelectorEventLoop._make_datagram_transport</c>.</summary>
public partial class SelectorEventLoop
{
    /// <inheritdoc />
    private protected override DatagramTransport MakeDatagramTransport(Socket sock, DatagramProtocol protocol, EndPoint? address,
        Future waiter) => new SelectorDatagramTransport(this, sock, protocol, address, waiter);
}
