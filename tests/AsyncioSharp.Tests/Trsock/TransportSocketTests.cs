using System.Net;
using System.Net.Sockets;
using AsyncioSharp;
using Xunit;

namespace AsyncioSharp.Tests.Trsock;

/// <summary>
/// <c>asyncio.TransportSocket</c> (trsock.py has no CPython test of its own): what transports and servers hand out
/// for their sockets, checked against what CPython 3.11 prints and raises for the same calls.
/// </summary>
public class TransportSocketTests
{
    private const int SOL_SOCKET = 1;
    private const int SO_KEEPALIVE = 9;
    private const int SO_TYPE = 3;

    /// <summary>Runs <paramref name="body"/> with a connected client transport and the server, then closes both.</summary>
    private static void WithConnection(Action<SelectorEventLoop, BaseTransport, Server> body)
    {
        var loop = new SelectorEventLoop();
        try
        {
            var server = (Server)loop.RunUntilComplete(loop.CreateServer(() => new Protocol(), "127.0.0.1", 0));
            var port = ((IPEndPoint)server.Sockets[0].Getsockname()).Port;
            var (transport, _) = loop.RunUntilComplete(loop.CreateConnection(() => new Protocol(), "127.0.0.1", port));
            try
            {
                body(loop, transport, server);
            }
            finally
            {
                transport.Close();
                server.Close();
                loop.RunUntilComplete(server.WaitClosed());
            }
        }
        finally
        {
            loop.Close();
        }
    }

    [Fact]
    public void get_extra_info_socket_is_a_transport_socket_over_the_transports_socket()
    {
        WithConnection((_, transport, _) =>
        {
            var sock = Assert.IsType<TransportSocket>(transport.GetExtraInfo("socket"));
            Assert.Equal((int)sock.Socket.Handle, sock.Fileno());
            Assert.Equal(AddressFamily.InterNetwork, sock.Family);
            Assert.Equal(SocketType.Stream, sock.Type);
            Assert.Equal((int)ProtocolType.Tcp, sock.Proto);
            Assert.Equal(transport.GetExtraInfo("sockname"), sock.Getsockname());
            Assert.Equal(transport.GetExtraInfo("peername"), sock.Getpeername());
        });
    }

    [Fact]
    public void repr_is_cpythons_with_local_and_remote_address()
    {
        WithConnection((_, transport, _) =>
        {
            var sock = (TransportSocket)transport.GetExtraInfo("socket")!;
            var local = (IPEndPoint)sock.Getsockname();
            var remote = (IPEndPoint)sock.Getpeername();
            Assert.Equal($"<asyncio.TransportSocket fd={sock.Fileno()}, family=2, type=1, proto=6, " +
                         $"laddr=('127.0.0.1', {local.Port}), raddr=('127.0.0.1', {remote.Port})>", sock.ToString());
        });
    }

    [Fact]
    public void server_sockets_are_transport_sockets_and_the_listener_has_no_peer()
    {
        WithConnection((_, _, server) =>
        {
            var sock = Assert.Single(server.Sockets);
            var port = ((IPEndPoint)sock.Getsockname()).Port;
            Assert.Equal($"<asyncio.TransportSocket fd={sock.Fileno()}, family=2, type=1, proto=6, laddr=('127.0.0.1', {port})>",
                sock.ToString());
            Assert.Equal($"<Server sockets=({sock},)>", server.ToString());
            var exc = Assert.Throws<OSError>(() => sock.Getpeername());
            Assert.Equal(107, exc.Errno);
        });
    }

    [Fact]
    public void closed_socket_reprs_with_fd_minus_one_and_raises_ebadf()
    {
        var raw = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var sock = new TransportSocket(raw);
        raw.Close();
        Assert.Equal(-1, sock.Fileno());
        Assert.Equal("<asyncio.TransportSocket fd=-1, family=2, type=1, proto=6>", sock.ToString());
        Assert.Equal(9, Assert.Throws<OSError>(() => sock.Getsockname()).Errno);
    }

    [Fact]
    public void getsockopt_and_setsockopt_use_the_platforms_numbers()
    {
        WithConnection((_, transport, _) =>
        {
            var sock = (TransportSocket)transport.GetExtraInfo("socket")!;
            Assert.Equal(1, sock.Getsockopt(SOL_SOCKET, SO_TYPE));
            sock.Setsockopt(SOL_SOCKET, SO_KEEPALIVE, 1);
            Assert.Equal(1, sock.Getsockopt(SOL_SOCKET, SO_KEEPALIVE));
            Assert.Equal(BitConverter.GetBytes(1), sock.Getsockopt(SOL_SOCKET, SO_KEEPALIVE, 4));
            sock.Setsockopt(SOL_SOCKET, SO_KEEPALIVE, BitConverter.GetBytes(0));
            Assert.Equal(0, sock.Getsockopt(SOL_SOCKET, SO_KEEPALIVE));
        });
    }

    [Fact]
    public void timeout_and_blocking_accept_only_non_blocking_values()
    {
        var sock = new TransportSocket(new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp));
        try
        {
            Assert.Equal(0, sock.Gettimeout());
            sock.Settimeout(0);
            sock.Setblocking(false);
            Assert.Equal("settimeout(): only 0 timeout is allowed on transport sockets",
                Assert.Throws<ValueError>(() => sock.Settimeout(1)).Message);
            Assert.Throws<ValueError>(() => sock.Settimeout(null));
            Assert.Equal("setblocking(): transport sockets cannot be blocking",
                Assert.Throws<ValueError>(() => sock.Setblocking(true)).Message);
            Assert.Equal("'socket' object has no attribute 'getsockbyname'",
                Assert.Throws<AttributeError>(() => sock.Getsockbyname()).Message);
        }
        finally
        {
            sock.Socket.Close();
        }
    }

    [Fact]
    public void dup_gives_an_independent_close_on_exec_socket()
    {
        WithConnection((_, transport, _) =>
        {
            var sock = (TransportSocket)transport.GetExtraInfo("socket")!;
            Assert.False(sock.GetInheritable());
            using var dup = sock.Dup();
            Assert.NotEqual(sock.Fileno(), (int)dup.Handle);
            Assert.False(new TransportSocket(dup).GetInheritable());
            Assert.Equal(sock.Getsockname(), dup.LocalEndPoint);
            dup.Close();
            Assert.Equal(sock.Getsockname(), transport.GetExtraInfo("sockname"));
        });
    }

    [Fact]
    public void shutdown_write_side_sends_eof_to_the_peer()
    {
        WithConnection((loop, transport, _) =>
        {
            var sock = (TransportSocket)transport.GetExtraInfo("socket")!;
            sock.Shutdown(SocketShutdown.Send);
            Assert.Equal(32, Assert.Throws<SocketException>(() => sock.Socket.Send(new byte[1])).NativeErrorCode);
        });
    }
}
