using System.Security.Cryptography;
using AsyncioSharp;
using Xunit;
using static AsyncioSharp.Tests.Sockets.SocketTestSupport;

namespace AsyncioSharp.Tests.Streams;

/// <summary>Streams against a real CPython process on loopback, as server and as client.</summary>
public class PythonPeerStreamTests
{
    private const int Size = 4 * 1024 * 1024;

    // A client sending three lines, half-closing, then printing what came back.
    private const string LineClient = """
        import socket, sys
        c = socket.create_connection(('127.0.0.1', int(sys.argv[1])))
        c.sendall(b'one\ntwo\nthree\n')
        c.shutdown(socket.SHUT_WR)
        out = b''
        while True:
            d = c.recv(65536)
            if not d:
                break
            out += d
        sys.stdout.write(out.decode())
        """;

    [Fact]
    public void open_connection_round_trips_4_MiB_with_drain_against_a_python_echo_server()
    {
        var payload = RandomNumberGenerator.GetBytes(Size);
        using var peer = Python(PythonEchoServer);
        var port = int.Parse(peer.StandardOutput.ReadLine()!);

        async Coroutine<byte[]> Exchange()
        {
            var (reader, writer) = await Asyncio.OpenConnection("127.0.0.1", port);
            // Read concurrently: the peer echoes as it reads, so writing everything first could fill both buffers.
            var echoed = Asyncio.CreateTask(reader.Readexactly(Size));
            for (var at = 0; at < Size; at += 256 * 1024)
            {
                writer.Write(payload.AsSpan(at, 256 * 1024));
                await writer.Drain();
            }
            writer.WriteEof();
            var data = await echoed;
            Assert.Empty(await reader.Read());
            Assert.True(reader.AtEof());
            writer.Close();
            await writer.WaitClosed();
            return data;
        }

        var data = TestLoops.With(loop => loop.RunUntilComplete(Exchange()));
        Assert.Equal(SHA256.HashData(payload), SHA256.HashData(data));
        Assert.True(peer.WaitForExit(10_000));
        Assert.Equal(0, peer.ExitCode);
    }

    [Fact]
    public void start_server_answers_a_python_client_line_by_line_until_its_eof()
    {
        async Coroutine Handle(StreamReader reader, StreamWriter writer)
        {
            await foreach (var line in reader)
            {
                writer.Write([.. "echo: "u8, .. line]);
                await writer.Drain();
            }
            writer.Close();
        }

        async Coroutine<string> Serve()
        {
            var server = await Asyncio.StartServer(Handle, "127.0.0.1", 0);
            var port = ((System.Net.IPEndPoint)((Server)server).Sockets[0].Getsockname()).Port;
            using var client = Python(LineClient, port.ToString());
            var output = await Asyncio.ToThread(() => client.StandardOutput.ReadToEnd());
            await Asyncio.ToThread(() => client.WaitForExit());
            server.Close();
            await server.WaitClosed();
            return output;
        }

        var output = TestLoops.With(loop => loop.RunUntilComplete(Serve()));
        Assert.Equal("echo: one\necho: two\necho: three\n", output);
    }
}
