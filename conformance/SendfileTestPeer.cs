using System.Net;
using System.Net.Sockets;
using AsyncioSharp;

namespace AsyncioSharp.Conformance;

/// <summary>
/// The receiving side of the sendfile tests: a non-blocking client socket connected to a peer that the loop
/// drains with sock_recv until EOF (CPython's tests use a create_server protocol collecting data_received).
/// </summary>
public sealed class SendfileTestPeer : IDisposable
{
    private readonly Socket _peer;

    public SendfileTestPeer(SelectorEventLoop loop, int bufSize = 0)
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        if (bufSize > 0)
        {
            // As CPython's test: the receive buffer is set on the listener (accepted sockets inherit it), the send
            // buffer after connecting.
            listener.ReceiveBufferSize = bufSize;
        }
        listener.Listen(1);
        Sock = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        Sock.Connect(listener.LocalEndPoint!);
        if (bufSize > 0)
        {
            Sock.SendBufferSize = bufSize;
        }
        Sock.Blocking = false;
        _peer = listener.Accept();
        _peer.Blocking = false;
        Received = loop.CreateTask(Drain(loop));
    }

    /// <summary>The socket to send the file on.</summary>
    public Socket Sock { get; }

    /// <summary>Everything the peer received, once the sender closed.</summary>
    public AsyncioTask<byte[]> Received { get; }

    private async Coroutine<byte[]> Drain(SelectorEventLoop loop)
    {
        var data = new MemoryStream();
        while (true)
        {
            var chunk = await loop.SockRecv(_peer, 65536);
            if (chunk.Length == 0)
            {
                return data.ToArray();
            }
            data.Write(chunk);
        }
    }

    public void Dispose()
    {
        Received.Cancel();
        Sock.Dispose();
        _peer.Dispose();
    }
}
