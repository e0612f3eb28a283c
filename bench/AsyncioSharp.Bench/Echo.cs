using AsyncioSharp;

namespace AsyncioSharp.Bench;

/// <summary>The C# echo servers of the echo benchmark: bench/echo_server.py's, written against AsyncioSharp.</summary>
public static class Echo
{
    private sealed class EchoProtocol : Protocol
    {
        private Transport? _transport;

        public override void ConnectionMade(BaseTransport transport) => _transport = (Transport)transport;

        public override void DataReceived(ReadOnlySpan<byte> data) => _transport!.Write(data);
    }

    private static async Coroutine ServeProtocol(int port)
    {
        var loop = Asyncio.GetRunningLoop();
        var server = await loop.CreateServer(() => new EchoProtocol(), "127.0.0.1", port);
        Console.WriteLine("ready");
        await server.ServeForever();
    }

    private static async Coroutine Handle(StreamReader reader, StreamWriter writer)
    {
        while (true)
        {
            var data = await reader.Read(65536);
            if (data.Length == 0)
            {
                break;
            }
            writer.Write(data);
            await writer.Drain();
        }
        writer.Close();
    }

    private static async Coroutine ServeStreams(int port)
    {
        var server = await Asyncio.StartServer(Handle, "127.0.0.1", port);
        Console.WriteLine("ready");
        await server.ServeForever();
    }

    /// <summary>Serves the streams echo (read(64 KiB), write, drain) on 127.0.0.1:<paramref name="port"/> until killed.</summary>
    public static void RunStreams(int port) => Asyncio.Run(ServeStreams(port));

    /// <summary>Serves the Protocol echo on 127.0.0.1:<paramref name="port"/> until killed.</summary>
    public static void RunProtocol(int port) => Asyncio.Run(ServeProtocol(port));
}
