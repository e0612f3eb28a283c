using AsyncioSharp;
using Xunit;
using static AsyncioSharp.Tests.Sockets.SocketTestSupport;

namespace AsyncioSharp.Tests.Sockets;

/// <summary>Cancelling create_connection at any point leaves nothing behind.</summary>
[Collection(nameof(AloneCollection))]
public class ConnectCancelTests
{
    [Fact]
    public void thousand_connect_cancel_cycles_leave_no_fd_task_or_registration_behind()
    {
        using var listener = Listener(backlog: 1024);
        var stop = false;
        var acceptor = new Thread(() =>
        {
            while (!Volatile.Read(ref stop))
            {
                if (listener.Poll(10_000, System.Net.Sockets.SelectMode.SelectRead))
                {
                    listener.Accept().Close();
                }
            }
        }) { IsBackground = true };
        acceptor.Start();
        var port = PortOf(listener);

        // Warm up once, so lazily created runtime resources are not counted.
        var warm = new SelectorEventLoop();
        var (t0, _) = warm.RunUntilComplete(warm.CreateConnection(() => new Protocol(), "localhost", port));
        t0.Close();
        warm.RunUntilComplete(Asyncio.Sleep(0));
        warm.RunUntilComplete(warm.ShutdownDefaultExecutor());
        warm.Close();
        // Sockets earlier tests dropped are closed by finalizers: let them run now, not during the count.
        GC.Collect();
        GC.WaitForPendingFinalizers();
        var fdsBefore = SocketFdCount();

        var loop = new SelectorEventLoop();
        var completed = 0;
        var cancelled = 0;
        for (var i = 0; i < 1000; i++)
        {
            // Half through getaddrinfo in the executor, half by IP literal; cancelled after 0..5 loop iterations.
            var host = i % 2 == 0 ? "127.0.0.1" : "localhost";
            var task = loop.CreateTask(loop.CreateConnection(() => new Protocol(), host, port));
            for (var k = 0; k < i % 6; k++)
            {
                loop.RunUntilComplete(Asyncio.Sleep(0));
            }
            task.Cancel();
            try
            {
                var (transport, _) = loop.RunUntilComplete(task);
                completed++;
                transport.Close();
            }
            catch (CancelledError)
            {
                cancelled++;
            }
            loop.RunUntilComplete(Asyncio.Sleep(0));
        }
        loop.RunUntilComplete(Asyncio.Sleep(0));
        Assert.Empty(Asyncio.AllTasks(loop));
        Assert.Equal(0, loop.RegisteredFdCount);
        Assert.Empty(loop.Transports);
        loop.RunUntilComplete(loop.ShutdownDefaultExecutor());
        loop.Close();
        Volatile.Write(ref stop, true);
        acceptor.Join();

        Assert.True(cancelled > 0 && completed + cancelled == 1000);
        // More descriptors than before would be a leak; fewer is an earlier test's garbage finalized meanwhile.
        Assert.True(SocketFdCount() <= fdsBefore, $"{SocketFdCount() - fdsBefore} socket(s) left open");
    }

    // Sockets only: the runtime may open other descriptors of its own while the test runs (seen right after a build).
    private static int SocketFdCount() =>
        Directory.GetFiles("/proc/self/fd").Count(f => new FileInfo(f).LinkTarget?.StartsWith("socket:", StringComparison.Ordinal) == true);
}
