using System.Net;
using System.Net.Sockets;
using AsyncioSharp;
using Xunit;

namespace AsyncioSharp.Conformance;

/// <summary>
/// CPython's test_server <c>BaseStartServer</c>. CPython serves with streams (<c>asyncio.start_server</c>); this port
/// serves the same exchange with a protocol, so it tests Server without the streams layer.
/// </summary>
public class BaseStartServer : LoopTestCase
{
    [Fact]
    public void test_start_server_1()
    {
        var helloMsg = Enumerable.Repeat((byte)'1', 1024 * 5).Append((byte)'\n').ToArray();
        AsyncioTask? mainTask = null;
        var srv = (Server)Loop.RunUntilComplete(Loop.CreateServer(() => new ServeProto(() => mainTask!), "127.0.0.1", 0,
            startServing: false));
        Assert.False(srv.IsServing());

        async Coroutine Main()
        {
            await using (srv)
            {
                await srv.ServeForever();
            }
        }

        mainTask = Loop.CreateTask(Main());
        var addr = srv.Sockets[0].Getsockname();
        var client = new Thread(() =>
        {
            for (var i = 0; i < 50 && !srv.IsServing(); i++)
            {
                Thread.Sleep(20);
            }
            using var sock = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            sock.ReceiveTimeout = 2000;
            sock.Connect(addr);
            sock.Send(helloMsg);
            var buf = new byte[1];
            sock.Receive(buf);
        });
        client.Start();
        Assert.Throws<CancelledError>(() => Loop.RunUntilComplete(mainTask));
        client.Join();
        Assert.Empty(srv.Sockets);
        Assert.False(srv.IsServing());
        var exc = Assert.Throws<RuntimeError>(() => Loop.RunUntilComplete(srv.ServeForever()));
        Assert.Contains("is closed", exc.Message);
    }
}

internal sealed class ServeProto : Protocol
{
    private readonly Func<AsyncioTask> _mainTask;
    private Transport? _transport;
    private int _received;

    public ServeProto(Func<AsyncioTask> mainTask) => _mainTask = mainTask;

    public override void ConnectionMade(BaseTransport transport) => _transport = (Transport)transport;

    public override void DataReceived(ReadOnlySpan<byte> data)
    {
        // Like reader.readline(): act once the line is complete.
        _received += data.Length;
        if (data[^1] != (byte)'\n')
        {
            return;
        }
        _mainTask().Cancel();
        _transport!.Write("1"u8);
        _transport.Close();
    }
}
