using System.Net.Sockets;
using AsyncioSharp;
using AsyncioSharp.Tests.LowLevel;
using Xunit;

namespace AsyncioSharp.Tests.SelectorEvents;

/// <summary>
/// CPython's add_reader/add_writer/remove_reader/remove_writer reject an invalid fd (a negative one, or a closed
/// socket, whose fileno() is -1) with ValueError('Invalid file descriptor: -1'); remove_* on a closed loop return False.
/// </summary>
public class InvalidFdTests
{
    [Fact]
    public void negative_fd_is_a_value_error_for_add_and_remove()
    {
        using var scope = new LoopScope();
        var loop = scope.Loop;
        Assert.Equal("Invalid file descriptor: -1", Assert.Throws<ValueError>(() => loop.AddReader(-1, () => { })).Message);
        Assert.Equal("Invalid file descriptor: -1", Assert.Throws<ValueError>(() => loop.AddWriter(-1, () => { })).Message);
        Assert.Equal("Invalid file descriptor: -1", Assert.Throws<ValueError>(() => loop.RemoveReader(-1)).Message);
        Assert.Equal("Invalid file descriptor: -1", Assert.Throws<ValueError>(() => loop.RemoveWriter(-1)).Message);
        Assert.Null(loop.GetKey(-1));
    }

    [Fact]
    public void closed_socket_is_a_value_error()
    {
        using var scope = new LoopScope();
        var loop = scope.Loop;
        var sock = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        sock.Close();
        Assert.Throws<ValueError>(() => loop.AddReader(sock, () => { }));
        Assert.Throws<ValueError>(() => loop.AddWriter(sock, () => { }));
        Assert.Throws<ValueError>(() => loop.RemoveReader(sock));
        Assert.Throws<ValueError>(() => loop.RemoveWriter(sock));
    }

    [Fact]
    public void remove_on_a_closed_loop_returns_false()
    {
        var loop = new SelectorEventLoop();
        loop.Close();
        Assert.False(loop.RemoveReader(-1));
        Assert.False(loop.RemoveWriter(-1));
    }
}
