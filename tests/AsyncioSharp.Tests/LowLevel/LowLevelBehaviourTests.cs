using System.IO.Pipes;
using System.Net;
using System.Net.Sockets;
using AsyncioSharp;
using Xunit;

namespace AsyncioSharp.Tests.LowLevel;

/// <summary>Behaviour of the low-level API that CPython's suite does not pin down.</summary>
public class LowLevelBehaviourTests
{
    private sealed class FlowProtocol : BaseProtocol
    {
        public int Pauses;
        public int Resumes;
        public Future? Lost;

        public override void PauseWriting() => Pauses++;

        public override void ResumeWriting() => Resumes++;

        public override void ConnectionLost(Exception? exc) => Lost?.SetResult(exc);
    }

    [Fact]
    public void write_pipe_pauses_the_protocol_over_the_high_water_mark_and_resumes_when_drained()
    {
        using var scope = new LoopScope();
        var loop = scope.Loop;
        using var server = new AnonymousPipeServerStream(PipeDirection.In);
        var writeEnd = new AnonymousPipeClientStream(PipeDirection.Out, server.ClientSafePipeHandle);
        var proto = new FlowProtocol { Lost = loop.CreateFuture() };
        var (tr, _) = loop.RunUntilComplete(loop.ConnectWritePipe(() => proto, writeEnd));
        var wt = (WriteTransport)tr;
        wt.SetWriteBufferLimits(high: 1024);

        var payload = Enumerable.Range(0, 300_000).Select(i => (byte)(i * 7)).ToArray();
        wt.Write(payload);
        Assert.Equal(1, proto.Pauses);
        Assert.True(wt.GetWriteBufferSize() > 1024);

        var received = new MemoryStream();
        var reader = new Thread(() => server.CopyTo(received));
        reader.Start();
        wt.Close();
        loop.RunUntilComplete(proto.Lost);
        reader.Join();

        Assert.Equal(1, proto.Resumes);
        Assert.Equal(payload, received.ToArray());
    }

    [Fact]
    public void cancelled_sock_recv_leaves_no_reader_registered()
    {
        using var scope = new LoopScope();
        var loop = scope.Loop;
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        client.Connect(listener.LocalEndPoint!);
        using var peer = listener.Accept();
        client.Blocking = false;

        var task = loop.CreateTask(loop.SockRecv(client, 100));
        loop.RunUntilComplete(Asyncio.Sleep(0));
        Assert.True(loop.IsPolling((int)client.Handle, write: false));
        task.Cancel();
        Assert.Throws<CancelledError>(() => loop.RunUntilComplete(task));
        Assert.False(loop.IsPolling((int)client.Handle, write: false));
    }

    [Fact]
    public void sock_sendfile_sends_a_large_file_byte_exact_and_moves_the_position()
    {
        using var scope = new LoopScope();
        var loop = scope.Loop;
        var path = Path.GetTempFileName();
        var data = new byte[8 * 1024 * 1024];
        new Random(42).NextBytes(data);
        File.WriteAllBytes(path, data);
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read);
            using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            listener.Listen();
            using var sock = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            sock.Connect(listener.LocalEndPoint!);
            sock.Blocking = false;
            using var peer = listener.Accept();
            var received = new MemoryStream();
            var reader = new Thread(() =>
            {
                var buf = new byte[65536];
                int n;
                while ((n = peer.Receive(buf)) > 0)
                {
                    received.Write(buf, 0, n);
                }
            });
            reader.Start();

            var sent = loop.RunUntilComplete(loop.SockSendfile(sock, file, 100));
            sock.Shutdown(SocketShutdown.Send);
            reader.Join();

            Assert.Equal(data.Length - 100, sent);
            Assert.Equal(data.Length, file.Position);
            Assert.Equal(data[100..], received.ToArray());
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void adding_a_signal_handler_again_replaces_the_callback()
    {
        using var scope = new LoopScope();
        var loop = scope.Loop;
        var calls = new List<string>();
        const int SIGUSR1 = 10;
        loop.AddSignalHandler(SIGUSR1, () => calls.Add("first"));
        loop.AddSignalHandler(SIGUSR1, () => calls.Add("second"));
        Kill(Environment.ProcessId, SIGUSR1);
        scope.RunUntil(() => calls.Count > 0);
        Assert.Equal(["second"], calls);
        Assert.True(loop.RemoveSignalHandler(SIGUSR1));
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill")]
    private static extern int Kill(int pid, int sig);

    [Fact]
    public void unix_datagram_endpoints_exchange_by_path()
    {
        using var scope = new LoopScope();
        var loop = scope.Loop;
        var serverPath = Path.Combine(Path.GetTempPath(), "asx-dg-" + Guid.NewGuid().ToString("N")[..8]);
        var clientPath = serverPath + "c";
        try
        {
            var server = new DatagramCollector();
            var (str, _) = loop.RunUntilComplete(loop.CreateDatagramEndpoint(() => server, serverPath, family: AddressFamily.Unix));
            var (ctr, _) = loop.RunUntilComplete(loop.CreateDatagramEndpoint(() => new DatagramCollector(), clientPath, serverPath,
                family: AddressFamily.Unix));
            ctr.Sendto("hello"u8);
            scope.RunUntil(() => server.Received.Count > 0);
            var (data, addr) = Assert.Single(server.Received);
            Assert.Equal("hello"u8.ToArray(), data);
            Assert.Equal(clientPath, addr.ToString());
            ctr.Close();
            str.Close();
            loop.RunUntilComplete(Asyncio.Sleep(0));
        }
        finally
        {
            File.Delete(serverPath);
            File.Delete(clientPath);
        }
    }
}

/// <summary>Host names in sock_connect/sock_sendto addresses.</summary>
public class SockHostNameTests
{
    [Fact]
    public void sock_connect_and_sock_sendto_resolve_a_host_name()
    {
        using var scope = new LoopScope();
        var loop = scope.Loop;
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        using var sock = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { Blocking = false };
        loop.RunUntilComplete(loop.SockConnect(sock, new DnsEndPoint("localhost", ((IPEndPoint)listener.LocalEndPoint!).Port)));
        Assert.True(sock.Connected);

        using var receiver = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        receiver.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        using var sender = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { Blocking = false };
        var sent = loop.RunUntilComplete(loop.SockSendto(sender, "hi"u8.ToArray(),
            new DnsEndPoint("localhost", ((IPEndPoint)receiver.LocalEndPoint!).Port)));
        Assert.Equal(2, sent);
        var buf = new byte[10];
        Assert.Equal(2, receiver.Receive(buf));
    }
}
