using System.Net;
using System.Net.Sockets;
using AsyncioSharp;
using Xunit;

namespace AsyncioSharp.Tests.LowLevel;

/// <summary>
/// Unnamed unix sockets: Python's accept() reports their address as '' and recvfrom() as None; here both are a
/// <see cref="UnixDomainSocketEndPoint"/> with an empty path (datagram_received's address is not nullable in C#).
/// </summary>
public class UnixAddressTests
{
    [Fact]
    public void datagram_from_an_unbound_unix_socket_has_an_empty_address()
    {
        using var scope = new LoopScope();
        var loop = scope.Loop;
        var serverPath = Path.Combine(Path.GetTempPath(), "asx-dg-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var server = new DatagramCollector();
            var (str, _) = loop.RunUntilComplete(loop.CreateDatagramEndpoint(() => server, serverPath, family: AddressFamily.Unix));
            var (ctr, _) = loop.RunUntilComplete(loop.CreateDatagramEndpoint(() => new DatagramCollector(), remoteAddr: serverPath,
                family: AddressFamily.Unix));
            ctr.Sendto("x"u8);
            scope.RunUntil(() => server.Received.Count > 0);
            var (_, addr) = Assert.Single(server.Received);
            Assert.Equal("", addr.ToString());
            ctr.Close();
            str.Close();
            loop.RunUntilComplete(Asyncio.Sleep(0));
        }
        finally
        {
            File.Delete(serverPath);
        }
    }

    [Fact]
    public void sock_accept_of_an_unbound_unix_client_gives_an_empty_address()
    {
        using var scope = new LoopScope();
        var loop = scope.Loop;
        var path = Path.Combine(Path.GetTempPath(), "asx-st-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            listener.Bind(new UnixDomainSocketEndPoint(path));
            listener.Listen();
            listener.Blocking = false;
            using var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            client.Connect(new UnixDomainSocketEndPoint(path));
            var (conn, addr) = loop.RunUntilComplete(loop.SockAccept(listener));
            using (conn)
            {
                Assert.NotNull(addr);
                Assert.Equal("", addr.ToString());
            }
        }
        finally
        {
            File.Delete(path);
        }
    }
}
