using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using AsyncioSharp;
using Xunit;
using static AsyncioSharp.Tests.Sockets.SocketTestSupport;

namespace AsyncioSharp.Tests.Sockets;

/// <summary>Our transports against peers that are not ours, on loopback: a blocking socket in a thread, and CPython.</summary>
public class ForeignPeerTests
{
    private const int Size = 4 * 1024 * 1024;

    /// <summary>A blocking echo server thread: echoes until EOF, then closes.</summary>
    private static Thread BlockingEchoServer(Socket listener)
    {
        var thread = new Thread(() =>
        {
            using var conn = listener.Accept();
            var buf = new byte[65536];
            int n;
            while ((n = conn.Receive(buf)) > 0)
            {
                conn.Send(buf, n, SocketFlags.None);
            }
            conn.Shutdown(SocketShutdown.Send);
        }) { IsBackground = true };
        thread.Start();
        return thread;
    }

    private static async Coroutine<CollectProto> SendAndCollect(SelectorEventLoop loop, int port, byte[] payload)
    {
        var proto = new CollectProto(loop);
        var (transport, _) = await loop.CreateConnection(() => proto, "127.0.0.1", port);
        var t = (Transport)transport;
        t.Write(payload);
        t.WriteEof();
        await proto.Done;
        return proto;
    }

    [Fact]
    public void client_against_blocking_socket_peer_round_trips_bytes_exactly()
    {
        var payload = Payload(Size);
        using var listener = Listener();
        var server = BlockingEchoServer(listener);
        var loop = new SelectorEventLoop();
        try
        {
            var proto = loop.RunUntilComplete(SendAndCollect(loop, PortOf(listener), payload));
            Assert.Equal(Size, proto.Received);
            Assert.Equal(SHA256.HashData(payload), proto.Hash());
            Assert.True(proto.EofSeen);
            Assert.Equal(1, proto.ConnectionLostCalls);
            Assert.Null(proto.LostWith);
        }
        finally
        {
            loop.Close();
        }
        server.Join();
    }

    [Fact]
    public void server_against_blocking_socket_client_round_trips_bytes_exactly()
    {
        var payload = Payload(Size, seed: 2);
        var loop = new SelectorEventLoop();
        try
        {
            var echo = new EchoProto(loop);
            var server = (Server)loop.RunUntilComplete(loop.CreateServer(() => echo, "127.0.0.1", 0));
            var port = ((IPEndPoint)server.Sockets[0].Getsockname()).Port;
            byte[]? hash = null;
            long received = 0;
            var client = new Thread(() =>
            {
                using var sock = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                sock.Connect(new IPEndPoint(IPAddress.Loopback, port));
                var sender = new Thread(() =>
                {
                    sock.Send(payload);
                    sock.Shutdown(SocketShutdown.Send);
                });
                sender.Start();
                using var h = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                var buf = new byte[65536];
                int n;
                while ((n = sock.Receive(buf)) > 0)
                {
                    h.AppendData(buf, 0, n);
                    received += n;
                }
                sender.Join();
                hash = h.GetHashAndReset();
            });
            client.Start();
            loop.RunUntilComplete(echo.Done!);
            client.Join();
            Assert.Equal(Size, received);
            Assert.Equal(SHA256.HashData(payload), hash);
            server.Close();
            loop.RunUntilComplete(server.WaitClosed());
        }
        finally
        {
            loop.Close();
        }
    }

    [Fact]
    public void client_against_cpython_server_round_trips_bytes_exactly()
    {
        var payload = Payload(Size, seed: 3);
        using var python = Python(PythonEchoServer);
        var port = int.Parse(python.StandardOutput.ReadLine()!);
        var loop = new SelectorEventLoop();
        try
        {
            var proto = loop.RunUntilComplete(SendAndCollect(loop, port, payload));
            Assert.Equal(Size, proto.Received);
            Assert.Equal(SHA256.HashData(payload), proto.Hash());
        }
        finally
        {
            loop.Close();
        }
        python.WaitForExit();
        Assert.Equal(0, python.ExitCode);
    }

    private const string PythonClient = """
        import hashlib, socket, sys, threading
        port, size = int(sys.argv[1]), int(sys.argv[2])
        data = bytes(range(256)) * (size // 256)
        c = socket.create_connection(('127.0.0.1', port))
        def send():
            c.sendall(data)
            c.shutdown(socket.SHUT_WR)
        t = threading.Thread(target=send)
        t.start()
        got = bytearray()
        while True:
            d = c.recv(65536)
            if not d:
                break
            got += d
        t.join()
        print('OK' if got == data else 'MISMATCH %d' % len(got), flush=True)
        """;

    [Fact]
    public void server_against_cpython_client_round_trips_bytes_exactly()
    {
        var loop = new SelectorEventLoop();
        try
        {
            var echo = new EchoProto(loop);
            var server = (Server)loop.RunUntilComplete(loop.CreateServer(() => echo, "127.0.0.1", 0));
            var port = ((IPEndPoint)server.Sockets[0].Getsockname()).Port;
            using var python = Python(PythonClient, port.ToString(), Size.ToString());
            var output = python.StandardOutput.ReadLineAsync();
            loop.RunUntilComplete(echo.Done!);
            Assert.Equal("OK", output.GetAwaiter().GetResult());
            python.WaitForExit();
            Assert.Equal(0, python.ExitCode);
            server.Close();
            loop.RunUntilComplete(server.WaitClosed());
        }
        finally
        {
            loop.Close();
        }
    }
}
