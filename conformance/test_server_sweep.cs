using System.Net.Sockets;
using AsyncioSharp;
using Xunit;

namespace AsyncioSharp.Conformance;

/// <summary>
/// CPython's test_server <c>SelectorStartServerTests</c>. CPython serves with <c>asyncio.start_unix_server</c>
/// (streams); like <see cref="BaseStartServer"/>, this port serves the same exchange with a protocol on
/// <c>create_unix_server</c>, so it tests Server on a unix socket without the streams layer.
/// </summary>
public class SelectorStartServerTests : LoopTestCase
{
    [Fact]
    public void test_start_unix_server_1()
    {
        var helloMsg = Enumerable.Repeat((byte)'1', 1024 * 5).Append((byte)'\n').ToArray();
        var started = new ManualResetEventSlim();
        var addr = TestHttpServer.UnixSocketPath();
        AsyncioTask? mainTask = null;
        var srv = (Server)Loop.RunUntilComplete(Loop.CreateUnixServer(() => new ServeProto(() => mainTask!), addr,
            startServing: false));

        async Coroutine Main()
        {
            await using (srv)
            {
                Assert.False(srv.IsServing());
                await srv.StartServing();
                Assert.True(srv.IsServing());
                started.Set();
                await srv.ServeForever();
            }
        }

        mainTask = Loop.CreateTask(Main());
        var client = new Thread(() =>
        {
            started.Wait(5000);
            using var sock = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            sock.ReceiveTimeout = 2000;
            sock.Connect(new UnixDomainSocketEndPoint(addr));
            sock.Send(helloMsg);
            var buf = new byte[1];
            sock.Receive(buf);
        });
        client.Start();
        try
        {
            Assert.Throws<CancelledError>(() => Loop.RunUntilComplete(mainTask));
        }
        finally
        {
            client.Join();
            File.Delete(addr);
        }
        Assert.Empty(srv.Sockets);
        Assert.False(srv.IsServing());
    }
}
