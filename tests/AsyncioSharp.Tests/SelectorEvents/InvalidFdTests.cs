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

    [Fact]
    public void regular_file_is_a_permission_error_and_leaves_nothing_registered()
    {
        // epoll refuses regular files with EPERM, which Python raises as PermissionError.
        using var scope = new LoopScope();
        var loop = scope.Loop;
        var path = Path.GetTempFileName();
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.DeleteOnClose);
        var fd = (int)file.SafeFileHandle.DangerousGetHandle();
        var exc = Assert.Throws<PermissionError>(() => loop.AddReader(fd, () => { }));
        Assert.Equal("[Errno 1] Operation not permitted", exc.Message);
        Assert.False(loop.RemoveReader(fd));
        Assert.Null(loop.GetKey(fd));
    }
}
