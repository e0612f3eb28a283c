using System.Net;
using System.Net.Sockets;
using AsyncioSharp;
using Xunit;
using static AsyncioSharp.Tests.Sockets.SocketTestSupport;

namespace AsyncioSharp.Tests.Sockets;

/// <summary>A loop whose getaddrinfo answers from a fixed list (the test's DNS).</summary>
internal sealed class FixedDnsLoop : SelectorEventLoop
{
    public List<AddrInfo> Answer = new();

    public override Coroutine<List<AddrInfo>> Getaddrinfo(string? host, object? port, AddressFamily family = AddressFamily.Unspecified,
        SocketType type = 0, ProtocolType proto = 0, int flags = 0) => Resolve();

    private async Coroutine<List<AddrInfo>> Resolve()
    {
        await Asyncio.Sleep(0);
        return Answer;
    }

    public static AddrInfo Info(string ip, int port) =>
        new(IPAddress.Parse(ip).AddressFamily, SocketType.Stream, ProtocolType.Tcp, "", new IPEndPoint(IPAddress.Parse(ip), port));
}

/// <summary>create_connection's resolution, error and happy-eyeballs rules, against real loopback sockets.</summary>
public class CreateConnectionTests
{
    [Fact]
    public void refused_connection_raises_connection_refused_error_with_cpython_message()
    {
        var port = FreePort();
        var loop = new SelectorEventLoop();
        try
        {
            var exc = Assert.Throws<ConnectionRefusedError>(() =>
                loop.RunUntilComplete(loop.CreateConnection(() => new Protocol(), "127.0.0.1", port)));
            Assert.Equal(111, exc.Errno);
            Assert.Equal($"[Errno 111] Connect call failed ('127.0.0.1', {port})", exc.Message);
        }
        finally
        {
            loop.Close();
        }
    }

    [Theory]
    [InlineData(99999)]
    [InlineData(-1)]
    public void port_out_of_range_raises_overflow_error_as_connect_does(int port)
    {
        var loop = new SelectorEventLoop();
        try
        {
            var exc = Assert.Throws<OverflowException>(() =>
                loop.RunUntilComplete(loop.CreateConnection(() => new Protocol(), "127.0.0.1", port)));
            Assert.Equal("connect(): port must be 0-65535.", exc.Message);
        }
        finally
        {
            loop.Close();
        }
    }

    [Fact]
    public void local_port_out_of_range_raises_overflow_error_as_bind_does()
    {
        var loop = new SelectorEventLoop();
        try
        {
            var exc = Assert.Throws<OverflowException>(() =>
                loop.RunUntilComplete(loop.CreateConnection(() => new Protocol(), "127.0.0.1", FreePort(), localAddr: ("127.0.0.1", 70000))));
            Assert.Equal("bind(): port must be 0-65535.", exc.Message);
        }
        finally
        {
            loop.Close();
        }
    }

    [Fact]
    public void unknown_host_raises_gaierror_with_the_resolver_message()
    {
        var loop = new SelectorEventLoop();
        try
        {
            var exc = Assert.Throws<Gaierror>(() =>
                loop.RunUntilComplete(loop.CreateConnection(() => new Protocol(), "no-such-host.invalid", 80)));
            Assert.True(exc.Errno is -2 or -3 or -5, $"errno {exc.Errno}");
            Assert.StartsWith($"[Errno {exc.Errno}] ", exc.Message);
            loop.RunUntilComplete(loop.ShutdownDefaultExecutor());
        }
        finally
        {
            loop.Close();
        }
    }

    [Fact]
    public void different_errors_from_every_address_are_aggregated_and_all_errors_gives_a_group()
    {
        var loop = new FixedDnsLoop();
        try
        {
            var p1 = FreePort();
            loop.Answer = new() { FixedDnsLoop.Info("127.0.0.1", p1), FixedDnsLoop.Info("::1", p1) };
            var exc = Assert.ThrowsAny<OSError>(() =>
                loop.RunUntilComplete(loop.CreateConnection(() => new Protocol(), "example", p1)));
            Assert.Equal($"Multiple exceptions: [Errno 111] Connect call failed ('127.0.0.1', {p1}), " +
                         $"[Errno 111] Connect call failed ('::1', {p1}, 0, 0)", exc.Message);

            var group = Assert.Throws<ExceptionGroup>(() => loop.RunUntilComplete(loop.CreateConnection(
                () => new Protocol(), "example", p1, null, AddressFamily.Unspecified, 0, 0, null, null, null, null, null,
                null, null, allErrors: true)));
            Assert.Equal(2, group.Exceptions.Count);
            Assert.All(group.Exceptions, e => Assert.IsType<ConnectionRefusedError>(e));
        }
        finally
        {
            loop.Close();
        }
    }

    [Fact]
    public void equal_errors_raise_the_single_error()
    {
        var loop = new FixedDnsLoop();
        try
        {
            var p = FreePort();
            loop.Answer = new() { FixedDnsLoop.Info("127.0.0.1", p), FixedDnsLoop.Info("127.0.0.1", p) };
            var exc = Assert.Throws<ConnectionRefusedError>(() =>
                loop.RunUntilComplete(loop.CreateConnection(() => new Protocol(), "example", p)));
            Assert.Equal($"[Errno 111] Connect call failed ('127.0.0.1', {p})", exc.Message);
        }
        finally
        {
            loop.Close();
        }
    }

    [Fact]
    public void every_address_is_tried_in_order_until_one_connects()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Parse("127.0.0.2"), 0));
        listener.Listen();
        var port = PortOf(listener);
        var loop = new FixedDnsLoop();
        try
        {
            loop.Answer = new() { FixedDnsLoop.Info("::1", port), FixedDnsLoop.Info("127.0.0.1", port), FixedDnsLoop.Info("127.0.0.2", port) };
            var (tr, _) = loop.RunUntilComplete(loop.CreateConnection(() => new Protocol(), "example", port));
            Assert.Equal(new IPEndPoint(IPAddress.Parse("127.0.0.2"), port), tr.GetExtraInfo("peername"));
            tr.Close();
            loop.RunUntilComplete(Asyncio.Sleep(0));
        }
        finally
        {
            loop.Close();
        }
    }

    /// <summary>A listener on <paramref name="ip"/> whose accept queue is full, so connects to it stall (SYNs are dropped).</summary>
    private static (Socket Listener, List<Socket> Fillers) Stalled(string ip, int port = 0)
    {
        var stalled = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        stalled.Bind(new IPEndPoint(IPAddress.Parse(ip), port));
        stalled.Listen(0);
        var fillers = new List<Socket>();
        for (var i = 0; i < 8; i++)
        {
            var filler = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { Blocking = false };
            fillers.Add(filler);
            try
            {
                filler.Connect(stalled.LocalEndPoint!);
            }
            catch (SocketException)
            {
            }
        }
        Thread.Sleep(50);
        return (stalled, fillers);
    }

    [Fact]
    public void happy_eyeballs_cancelled_while_every_attempt_stalls_leaves_nothing_behind()
    {
        var (stalled1, fillers1) = Stalled("127.0.0.1");
        var port = PortOf(stalled1);
        var (stalled2, fillers2) = Stalled("127.0.0.2", port);
        var loop = new FixedDnsLoop();
        try
        {
            loop.Answer = new() { FixedDnsLoop.Info("127.0.0.1", port), FixedDnsLoop.Info("127.0.0.2", port) };
            var fdsBefore = OpenFdCount();
            var task = loop.CreateTask(loop.CreateConnection(() => new Protocol(), "example", port, happyEyeballsDelay: 0.05));
            loop.RunUntilComplete(Asyncio.Sleep(0.2));
            task.Cancel();
            Assert.Throws<CancelledError>(() => loop.RunUntilComplete(task));
            Assert.Empty(Asyncio.AllTasks(loop));
            Assert.Equal(0, loop.RegisteredFdCount);
            Assert.Equal(fdsBefore, OpenFdCount());
        }
        finally
        {
            loop.Close();
            fillers1.Concat(fillers2).Append(stalled1).Append(stalled2).ToList().ForEach(s => s.Dispose());
        }
    }

    [Fact]
    public void happy_eyeballs_starts_the_next_address_after_the_delay_and_closes_the_loser()
    {
        // 127.0.0.1:P never answers; 127.0.0.2:P accepts.
        var (stalled, fillers) = Stalled("127.0.0.1");
        var port = PortOf(stalled);
        try
        {
            using var good = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            good.Bind(new IPEndPoint(IPAddress.Parse("127.0.0.2"), port));
            good.Listen();

            var loop = new FixedDnsLoop();
            try
            {
                loop.Answer = new() { FixedDnsLoop.Info("127.0.0.1", port), FixedDnsLoop.Info("127.0.0.2", port) };
                var fdsBefore = OpenFdCount();
                var t0 = loop.Time();
                var (tr, _) = loop.RunUntilComplete(loop.CreateConnection(() => new Protocol(), "example", port, happyEyeballsDelay: 0.1));
                var elapsed = loop.Time() - t0;
                Assert.Equal(new IPEndPoint(IPAddress.Parse("127.0.0.2"), port), tr.GetExtraInfo("peername"));
                Assert.InRange(elapsed, 0.09, 5);
                // Only the winner's socket is open: the stalled attempt was cancelled and closed.
                Assert.Equal(fdsBefore + 1, OpenFdCount());
                Assert.Equal(0, loop.RegisteredFdCount - 1);
                tr.Close();
                loop.RunUntilComplete(Asyncio.Sleep(0));
            }
            finally
            {
                loop.Close();
            }
        }
        finally
        {
            fillers.ForEach(f => f.Dispose());
            stalled.Dispose();
        }
    }

    [Fact]
    public void protocol_factory_raising_closes_the_connected_socket()
    {
        using var listener = Listener();
        var loop = new SelectorEventLoop();
        try
        {
            var fdsBefore = OpenFdCount();
            var exc = Assert.Throws<ValueError>(() => loop.RunUntilComplete(loop.CreateConnection(
                () => throw new ValueError("no protocol"), "127.0.0.1", PortOf(listener))));
            Assert.Equal("no protocol", exc.Message);
            Assert.Equal(fdsBefore, OpenFdCount());
            Assert.Equal(0, loop.RegisteredFdCount);
        }
        finally
        {
            loop.Close();
        }
    }

    [Fact]
    public void interleave_alternates_families_after_the_first_count()
    {
        var v6a = FixedDnsLoop.Info("::1", 1);
        var v6b = FixedDnsLoop.Info("::2", 1);
        var v4a = FixedDnsLoop.Info("127.0.0.1", 1);
        var v4b = FixedDnsLoop.Info("127.0.0.2", 1);
        var infos = new List<AddrInfo> { v6a, v6b, v4a, v4b };
        Assert.Equal(new[] { v6a, v4a, v6b, v4b }, BaseEventLoop.InterleaveAddrinfos(infos, 1));
        Assert.Equal(new[] { v6a, v6b, v4a, v4b }, BaseEventLoop.InterleaveAddrinfos(infos, 2));
    }

    private static int FreePort()
    {
        using var s = Listener();
        return PortOf(s);
    }
}
