using AsyncioSharp;
using AsyncioSharp.Ssl;

namespace AsyncioSharp.Bench;

/// <summary>The C# TLS echo server of the TLS benchmark: bench/tls_echo_server.py's, written against AsyncioSharp.</summary>
public static class TlsEcho
{
    private sealed class EchoProtocol : Protocol
    {
        private Transport? _transport;

        public override void ConnectionMade(BaseTransport transport) => _transport = (Transport)transport;

        public override void DataReceived(ReadOnlySpan<byte> data) => _transport!.Write(data);
    }

    private static async Coroutine Serve(int port, string cert, string key)
    {
        var context = new SSLContext(SslModule.PROTOCOL_TLS_SERVER);
        context.LoadCertChain(cert, key);
        var loop = Asyncio.GetRunningLoop();
        var server = await loop.CreateServer(() => new EchoProtocol(), "127.0.0.1", port, ssl: context);
        Console.WriteLine("ready");
        await server.ServeForever();
    }

    /// <summary>Serves the TLS Protocol echo on 127.0.0.1:<paramref name="port"/> until killed.</summary>
    public static void Run(int port, string cert, string key) => Asyncio.Run(Serve(port, cert, key));
}
