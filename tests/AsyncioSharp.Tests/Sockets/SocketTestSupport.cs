using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using AsyncioSharp;

namespace AsyncioSharp.Tests.Sockets;

/// <summary>What the socket tests share: deterministic payloads, fd counting, protocols that collect or echo.</summary>
internal static class SocketTestSupport
{
    /// <summary>A reproducible payload of <paramref name="size"/> bytes.</summary>
    internal static byte[] Payload(int size, int seed = 1)
    {
        var data = new byte[size];
        new Random(seed).NextBytes(data);
        return data;
    }

    internal static int OpenFdCount() => Directory.GetFiles("/proc/self/fd").Length;

    /// <summary>A blocking listener on 127.0.0.1, port 0.</summary>
    internal static Socket Listener(int backlog = 128)
    {
        var sock = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        sock.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        sock.Listen(backlog);
        return sock;
    }

    internal static int PortOf(Socket sock) => ((IPEndPoint)sock.LocalEndPoint!).Port;

    /// <summary>Starts <c>python3 -c script args...</c> with its stdout and stderr redirected.</summary>
    internal static Process Python(string script, params string[] args)
    {
        var psi = new ProcessStartInfo("python3", new[] { "-c", script }.Concat(args))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        return Process.Start(psi)!;
    }

    /// <summary>A blocking CPython echo server: prints its port, echoes one connection until EOF, then shuts its write side.</summary>
    internal const string PythonEchoServer = """
        import socket
        s = socket.create_server(('127.0.0.1', 0))
        print(s.getsockname()[1], flush=True)
        c, _ = s.accept()
        while True:
            d = c.recv(65536)
            if not d:
                break
            c.sendall(d)
        c.shutdown(socket.SHUT_WR)
        c.close()
        """;
}

/// <summary>Collects everything received; done when the connection is lost.</summary>
internal sealed class CollectProto : Protocol
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    public readonly Future Done;
    public Transport? Transport;
    public long Received;
    public bool EofSeen;
    public int ConnectionLostCalls;
    public Exception? LostWith;

    public CollectProto(AbstractEventLoop loop) => Done = loop.CreateFuture();

    public byte[] Hash() => _hash.GetHashAndReset();

    public override void ConnectionMade(BaseTransport transport) => Transport = (Transport)transport;

    public override void DataReceived(ReadOnlySpan<byte> data)
    {
        _hash.AppendData(data);
        Received += data.Length;
    }

    public override bool EofReceived()
    {
        EofSeen = true;
        return false;
    }

    public override void ConnectionLost(Exception? exc)
    {
        ConnectionLostCalls++;
        LostWith = exc;
        Done.SetResult(null);
    }
}

/// <summary>Echoes what it receives; on EOF it closes after the echo is flushed.</summary>
internal sealed class EchoProto : Protocol
{
    public Transport? Transport;
    public readonly Future? Done;

    public EchoProto(AbstractEventLoop? loop = null) => Done = loop?.CreateFuture();

    public override void ConnectionMade(BaseTransport transport) => Transport = (Transport)transport;

    public override void DataReceived(ReadOnlySpan<byte> data) => Transport!.Write(data);

    public override bool EofReceived() => false;

    public override void ConnectionLost(Exception? exc) => Done?.SetResult(null);
}
