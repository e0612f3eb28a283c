using System.Net;
using System.Net.Sockets;
using AsyncioSharp;
using Xunit;

namespace AsyncioSharp.Conformance;

/// <summary>
/// The datagram, unix socket, pipe and signal tests of CPython's <c>test_events.EventLoopTestsMixin</c>
/// (the socket tests are in test_events_sockets.cs), run on the epoll selector loop.
/// </summary>
public partial class EventLoopTestsMixin : LoopTestCase
{
    private void TestCreateDatagramEndpoint((string Host, int Port) localAddr, AddressFamily family)
    {
        var (sTransport, server) = Loop.RunUntilComplete(
            Loop.CreateDatagramEndpoint(() => new TestMyDatagramProto(Loop), localAddr: localAddr, family: family));
        var sockname = (IPEndPoint)sTransport.GetExtraInfo("sockname")!;
        var (host, port) = (sockname.Address.ToString(), sockname.Port);

        Assert.IsAssignableFrom<DatagramTransport>(sTransport);
        var serverProto = Assert.IsType<TestMyDatagramProto>(server);
        Assert.Equal("INITIALIZED", serverProto.State);
        Assert.Same(sTransport, serverProto.Transport);

        var (transport, client) = Loop.RunUntilComplete(
            Loop.CreateDatagramEndpoint(() => new MyDatagramProto(Loop), remoteAddr: (host, port)));

        Assert.IsAssignableFrom<DatagramTransport>(transport);
        var clientProto = Assert.IsType<MyDatagramProto>(client);
        Assert.Equal("INITIALIZED", clientProto.State);
        Assert.Same(transport, clientProto.Transport);

        transport.Sendto("xxx"u8);
        RunUntil(() => serverProto.Nbytes > 0);
        Assert.Equal(3, serverProto.Nbytes);
        RunUntil(() => clientProto.Nbytes > 0);

        // Received.
        Assert.Equal(8, clientProto.Nbytes);

        // Extra info is available.
        Assert.NotNull(transport.GetExtraInfo("sockname"));

        // Close connection.
        transport.Close();
        Loop.RunUntilComplete(clientProto.Done!);
        Assert.Equal("CLOSED", clientProto.State);
        serverProto.Transport!.Close();
        Loop.RunUntilComplete(serverProto.Done!);
    }

    [Fact]
    public void test_create_datagram_endpoint()
    {
        TestCreateDatagramEndpoint(("127.0.0.1", 0), AddressFamily.InterNetwork);
    }

    [Fact]
    public void test_create_datagram_endpoint_ipv6()
    {
        TestCreateDatagramEndpoint(("::1", 0), AddressFamily.InterNetworkV6);
    }

    [Fact]
    public void test_create_datagram_endpoint_sock()
    {
        var sock = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        sock.Blocking = false;
        sock.Bind(new IPEndPoint(IPAddress.Loopback, 0));

        var (tr, pr) = Loop.RunUntilComplete(Loop.CreateDatagramEndpoint(() => new MyDatagramProto(Loop), sock: sock));
        Assert.IsAssignableFrom<DatagramTransport>(tr);
        var proto = Assert.IsType<MyDatagramProto>(pr);
        tr.Close();
        Loop.RunUntilComplete(proto.Done!);
    }

    private const int SIGINT = 2, SIGKILL = 9, SIGALRM = 14, NSIG = 65;

    [Fact]
    public void test_add_signal_handler()
    {
        var caught = 0;
        void MyHandler() => caught++;

        // Check error behavior first (a non-int signal is a compile-time error in C#).
        Assert.Throws<ValueError>(() => Loop.AddSignalHandler(NSIG + 1, MyHandler));
        Assert.Throws<ValueError>(() => Loop.RemoveSignalHandler(NSIG + 1));
        Assert.Throws<ValueError>(() => Loop.AddSignalHandler(0, MyHandler));
        Assert.Throws<ValueError>(() => Loop.RemoveSignalHandler(0));
        Assert.Throws<ValueError>(() => Loop.AddSignalHandler(-1, MyHandler));
        Assert.Throws<ValueError>(() => Loop.RemoveSignalHandler(-1));
        Assert.Throws<RuntimeError>(() => Loop.AddSignalHandler(SIGKILL, MyHandler));
        // Removing SIGKILL doesn't raise, since we don't call signal().
        Assert.False(Loop.RemoveSignalHandler(SIGKILL));
        // Now set a handler and handle it.
        Loop.AddSignalHandler(SIGINT, MyHandler);

        Os.Kill(Environment.ProcessId, SIGINT);
        RunUntil(() => caught > 0);

        // Removing it should restore the default handler.
        Assert.True(Loop.RemoveSignalHandler(SIGINT));
        // Removing again returns False.
        Assert.False(Loop.RemoveSignalHandler(SIGINT));
    }

    [Fact]
    public void test_signal_handling_while_selecting()
    {
        // Test with a signal actually arriving during a select() call.
        var caught = 0;
        void MyHandler()
        {
            caught++;
            Loop.Stop();
        }

        Loop.AddSignalHandler(SIGALRM, MyHandler);

        // Send SIGALRM once.
        Os.SetitimerReal(0.01);
        Loop.CallLater(60, Loop.Stop);
        Loop.RunForever();
        Assert.Equal(1, caught);
    }

    [Fact]
    public void test_signal_handling_args()
    {
        var someArgs = new object[] { 42 };
        var caught = 0;
        void MyHandler(params object[] args)
        {
            caught++;
            Assert.Equal(someArgs, args);
            Loop.Stop();
        }

        Loop.AddSignalHandler(SIGALRM, () => MyHandler(someArgs));

        // Send SIGALRM once.
        Os.SetitimerReal(0.1);
        Loop.CallLater(60, Loop.Stop);
        Loop.RunForever();
        Assert.Equal(1, caught);
    }

    [Fact]
    public void test_create_unix_connection()
    {
        using var httpd = TestHttpServer.RunUnix();
        var connFut = Loop.CreateUnixConnection(() => new MyProto(Loop), ((UnixDomainSocketEndPoint)httpd.Address).ToString());
        BasetestCreateConnection(connFut);
    }

    private (AbstractServer Server, string Path) MakeUnixServer(Func<BaseProtocol> factory, AsyncioSharp.Ssl.SSLContext? ssl = null)
    {
        var path = TestHttpServer.UnixSocketPath();
        _unixPaths.Add(path);
        var server = Loop.RunUntilComplete(Loop.CreateUnixServer(factory, path, ssl: ssl));
        return (server, path);
    }

    /// <summary>The server side of CPython's create_*_server tests: "xxx" arrives, then the server closes the connection.</summary>
    private void AssertServerGotXxxAndCloses(MyProto proto)
    {
        Loop.RunUntilComplete(proto.Connected!);
        Assert.Equal("CONNECTED", proto.State);
        RunUntil(() => proto.Nbytes > 0);
        Assert.Equal(3, proto.Nbytes);

        // Close connection.
        proto.Transport!.Close();
        Loop.RunUntilComplete(proto.Done!);
        Assert.Equal("CLOSED", proto.State);
    }

    private readonly List<string> _unixPaths = new();

    public override void Dispose()
    {
        foreach (var path in _unixPaths)
        {
            File.Delete(path);
        }
        base.Dispose();
    }

    [Fact]
    public void test_create_unix_server()
    {
        var proto = new MyProto(Loop);
        var (server, path) = MakeUnixServer(() => proto);
        Assert.Single(((Server)server).Sockets);

        using var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        client.Connect(new UnixDomainSocketEndPoint(path));
        client.Send("xxx"u8);
        AssertServerGotXxxAndCloses(proto);

        // The client socket must be closed after, to avoid ECONNRESET on the serving socket.
        client.Close();

        // Close server.
        server.Close();
        Loop.RunUntilComplete(server.WaitClosed());
    }

    [Fact]
    public void test_create_unix_server_path_socket_error()
    {
        var proto = new MyProto(Loop);
        using var sock = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        var exc = Assert.Throws<ValueError>(() => Loop.RunUntilComplete(Loop.CreateUnixServer(() => proto, "/test", sock: sock)));
        Assert.Contains("path and sock can not be specified at the same time", exc.Message);
    }

    [Fact]
    public void test_reader_callback()
    {
        var (r, w) = SocketPair();
        r.Blocking = false;
        var bytesRead = new List<byte>();
        var rfd = (int)r.Handle;

        void Reader()
        {
            var buf = new byte[1024];
            var n = r.Receive(buf, SocketFlags.None, out var error);
            if (error == SocketError.WouldBlock)
            {
                // Spurious readiness notifications are possible, at least on Linux (see man select).
                return;
            }
            if (n > 0)
            {
                bytesRead.AddRange(buf[..n]);
            }
            else
            {
                Assert.True(Loop.RemoveReader(rfd));
                r.Close();
            }
        }

        Loop.AddReader(rfd, Reader);
        Loop.CallSoon(() => w.Send("abc"u8));
        RunUntil(() => bytesRead.Count >= 3);
        Loop.CallSoon(() => w.Send("def"u8));
        RunUntil(() => bytesRead.Count >= 6);
        Loop.CallSoon(w.Close);
        Loop.CallSoon(Loop.Stop);
        Loop.RunForever();
        RunUntil(() => r.SafeHandle.IsClosed);
        Assert.Equal("abcdef"u8.ToArray(), bytesRead);
    }

    [Fact]
    public void test_writer_callback()
    {
        var (r, w) = SocketPair();
        w.Blocking = false;
        var wfd = (int)w.Handle;

        void Writer(byte[] data)
        {
            w.Send(data);
            Loop.Stop();
        }

        var data = Enumerable.Repeat((byte)'x', 1024).ToArray();
        Loop.AddWriter(wfd, () => Writer(data));
        Loop.RunForever();

        Assert.True(Loop.RemoveWriter(wfd));
        Assert.False(Loop.RemoveWriter(wfd));

        w.Close();
        var read = new byte[data.Length * 2];
        var n = r.Receive(read);
        r.Close();
        Assert.Equal(data, read[..n]);
    }

    [Fact]
    public void test_remove_fds_after_closing()
    {
        var loop = NewTestLoop();
        Action callback = () => { };
        var (r, w) = SocketPair();
        using (r)
        using (w)
        {
            loop.AddReader(r, callback);
            loop.AddWriter(w, callback);
            loop.Close();
            Assert.False(loop.RemoveReader(r));
            Assert.False(loop.RemoveWriter(w));
        }
    }

    [Fact]
    public void test_add_fds_after_closing()
    {
        var loop = NewTestLoop();
        Action callback = () => { };
        var (r, w) = SocketPair();
        using (r)
        using (w)
        {
            loop.Close();
            Assert.Throws<RuntimeError>(() => loop.AddReader(r, callback));
            Assert.Throws<RuntimeError>(() => loop.AddWriter(w, callback));
        }
    }

    [Fact]
    public void test_read_pipe()
    {
        var proto = new MyReadPipeProto(Loop);
        var (rpipe, wpipe) = Os.Pipe();
        var pipeobj = Os.Open(rpipe, FileAccess.Read);

        async Coroutine Connect()
        {
            var (t, p) = await Loop.ConnectReadPipe(() => proto, pipeobj);
            Assert.Same(proto, p);
            Assert.Same(proto.Transport, t);
            Assert.Equal(["INITIAL", "CONNECTED"], proto.State);
            Assert.Equal(0, proto.Nbytes);
        }
        Loop.RunUntilComplete(Connect());

        Os.Write(wpipe, "1"u8.ToArray());
        RunUntil(() => proto.Nbytes >= 1);
        Assert.Equal(1, proto.Nbytes);

        Os.Write(wpipe, "2345"u8.ToArray());
        RunUntil(() => proto.Nbytes >= 5);
        Assert.Equal(["INITIAL", "CONNECTED"], proto.State);
        Assert.Equal(5, proto.Nbytes);

        Os.Close(wpipe);
        Loop.RunUntilComplete(proto.Done!);
        Assert.Equal(["INITIAL", "CONNECTED", "EOF", "CLOSED"], proto.State);
        // Extra info is available.
        Assert.NotNull(proto.Transport!.GetExtraInfo("pipe"));
    }

    [Fact]
    public void test_unclosed_pipe_transport()
    {
        // This test reproduces the issue #314 on GitHub.
        var loop = NewTestLoop();
        var readProto = new MyReadPipeProto(loop);
        var writeProto = new MyWritePipeProto(loop);

        var (rpipe, wpipe) = Os.Pipe();
        var rpipeobj = Os.Open(rpipe, FileAccess.Read);
        var wpipeobj = Os.Open(wpipe, FileAccess.Write);

        async Coroutine<(BaseTransport, BaseTransport)> Connect()
        {
            var (readTransport, _) = await loop.ConnectReadPipe(() => readProto, rpipeobj);
            var (writeTransport, _) = await loop.ConnectWritePipe(() => writeProto, wpipeobj);
            return (readTransport, writeTransport);
        }

        // Run and close the loop without closing the transports.
        var (readTransport, writeTransport) = loop.RunUntilComplete(Connect());
        loop.Close();

        // These repr calls used to raise an AttributeError (issue #314 on GitHub).
        Assert.Contains("open", readTransport.ToString());
        Assert.Contains("open", writeTransport.ToString());

        // Clean up.
        rpipeobj.Dispose();
        wpipeobj.Dispose();
    }

    [Fact]
    public void test_read_pty_output()
    {
        var proto = new MyReadPipeProto(Loop);
        var (master, slave) = Os.Openpty();
        var masterReadObj = Os.Open(master, FileAccess.Read);

        async Coroutine Connect()
        {
            var (t, p) = await Loop.ConnectReadPipe(() => proto, masterReadObj);
            Assert.Same(proto, p);
            Assert.Same(proto.Transport, t);
            Assert.Equal(["INITIAL", "CONNECTED"], proto.State);
            Assert.Equal(0, proto.Nbytes);
        }
        Loop.RunUntilComplete(Connect());

        Os.Write(slave, "1"u8.ToArray());
        RunUntil(() => proto.Nbytes > 0);
        Assert.Equal(1, proto.Nbytes);

        Os.Write(slave, "2345"u8.ToArray());
        RunUntil(() => proto.Nbytes >= 5);
        Assert.Equal(["INITIAL", "CONNECTED"], proto.State);
        Assert.Equal(5, proto.Nbytes);

        Os.Close(slave);
        proto.Transport!.Close();
        Loop.RunUntilComplete(proto.Done!);
        Assert.Equal(["INITIAL", "CONNECTED", "EOF", "CLOSED"], proto.State);
        // Extra info is available.
        Assert.NotNull(proto.Transport.GetExtraInfo("pipe"));
    }

    [Fact]
    public void test_write_pipe()
    {
        var (rpipe, wpipe) = Os.Pipe();
        var pipeobj = Os.Open(wpipe, FileAccess.Write);

        var proto = new MyWritePipeProto(Loop);
        var (transport, p) = Loop.RunUntilComplete(Loop.ConnectWritePipe(() => proto, pipeobj));
        Assert.Same(proto, p);
        Assert.Same(proto.Transport, transport);
        Assert.Equal("CONNECTED", proto.State);

        var wt = (WriteTransport)transport;
        wt.Write("1"u8);

        var data = new List<byte>();
        int Reader()
        {
            data.AddRange(Os.Read(rpipe, 1024));
            return data.Count;
        }

        RunUntil(() => Reader() >= 1);
        Assert.Equal("1"u8.ToArray(), data);

        wt.Write("2345"u8);
        RunUntil(() => Reader() >= 5);
        Assert.Equal("12345"u8.ToArray(), data);
        Assert.Equal("CONNECTED", proto.State);

        Os.Close(rpipe);

        // Extra info is available.
        Assert.NotNull(proto.Transport!.GetExtraInfo("pipe"));

        // Close connection.
        proto.Transport.Close();
        Loop.RunUntilComplete(proto.Done!);
        Assert.Equal("CLOSED", proto.State);
    }

    [Fact]
    public void test_write_pipe_disconnect_on_close()
    {
        var (rsock, wsock) = SocketPair();
        rsock.Blocking = false;
        var pipeobj = new NetworkStream(wsock, ownsSocket: true);

        var proto = new MyWritePipeProto(Loop);
        var (transport, p) = Loop.RunUntilComplete(Loop.ConnectWritePipe(() => proto, pipeobj));
        Assert.Same(proto, p);
        Assert.Same(proto.Transport, transport);
        Assert.Equal("CONNECTED", proto.State);

        ((WriteTransport)transport).Write("1"u8);
        var data = Loop.RunUntilComplete(Loop.SockRecv(rsock, 1024));
        Assert.Equal("1"u8.ToArray(), data);

        rsock.Close();

        Loop.RunUntilComplete(proto.Done!);
        Assert.Equal("CLOSED", proto.State);
    }

    [Fact]
    public void test_write_pty()
    {
        var (master, slave) = Os.Openpty();
        var slaveWriteObj = Os.Open(slave, FileAccess.Write);

        var proto = new MyWritePipeProto(Loop);
        var (transport, p) = Loop.RunUntilComplete(Loop.ConnectWritePipe(() => proto, slaveWriteObj));
        Assert.Same(proto, p);
        Assert.Same(proto.Transport, transport);
        Assert.Equal("CONNECTED", proto.State);

        var wt = (WriteTransport)transport;
        wt.Write("1"u8);

        var data = new List<byte>();
        int Reader()
        {
            data.AddRange(Os.Read(master, 1024));
            return data.Count;
        }

        RunUntil(() => Reader() >= 1);
        Assert.Equal("1"u8.ToArray(), data);

        wt.Write("2345"u8);
        RunUntil(() => Reader() >= 5);
        Assert.Equal("12345"u8.ToArray(), data);
        Assert.Equal("CONNECTED", proto.State);

        Os.Close(master);

        // Extra info is available.
        Assert.NotNull(proto.Transport!.GetExtraInfo("pipe"));

        // Close connection.
        proto.Transport.Close();
        Loop.RunUntilComplete(proto.Done!);
        Assert.Equal("CLOSED", proto.State);
    }

    [Fact]
    public void test_bidirectional_pty()
    {
        var (master, readSlave) = Os.Openpty();
        var writeSlave = Os.Dup(readSlave);
        Os.Setraw(readSlave);

        var slaveReadObj = Os.Open(readSlave, FileAccess.Read);
        var readProto = new MyReadPipeProto(Loop);
        var (readTransport, p) = Loop.RunUntilComplete(Loop.ConnectReadPipe(() => readProto, slaveReadObj));
        Assert.Same(readProto, p);
        Assert.Same(readProto.Transport, readTransport);
        Assert.Equal(["INITIAL", "CONNECTED"], readProto.State);
        Assert.Equal(0, readProto.Nbytes);

        var slaveWriteObj = Os.Open(writeSlave, FileAccess.Write);
        var writeProto = new MyWritePipeProto(Loop);
        var (writeTransport, p2) = Loop.RunUntilComplete(Loop.ConnectWritePipe(() => writeProto, slaveWriteObj));
        Assert.Same(writeProto, p2);
        Assert.Same(writeProto.Transport, writeTransport);
        Assert.Equal("CONNECTED", writeProto.State);

        var data = new List<byte>();
        int Reader()
        {
            data.AddRange(Os.Read(master, 1024));
            return data.Count;
        }

        var wt = (WriteTransport)writeTransport;
        wt.Write("1"u8);
        RunUntil(() => Reader() >= 1);
        Assert.Equal("1"u8.ToArray(), data);
        Assert.Equal(["INITIAL", "CONNECTED"], readProto.State);
        Assert.Equal("CONNECTED", writeProto.State);

        Os.Write(master, "a"u8.ToArray());
        RunUntil(() => readProto.Nbytes >= 1);
        Assert.Equal(["INITIAL", "CONNECTED"], readProto.State);
        Assert.Equal(1, readProto.Nbytes);
        Assert.Equal("CONNECTED", writeProto.State);

        wt.Write("2345"u8);
        RunUntil(() => Reader() >= 5);
        Assert.Equal("12345"u8.ToArray(), data);
        Assert.Equal(["INITIAL", "CONNECTED"], readProto.State);
        Assert.Equal("CONNECTED", writeProto.State);

        Os.Write(master, "bcde"u8.ToArray());
        RunUntil(() => readProto.Nbytes >= 5);
        Assert.Equal(["INITIAL", "CONNECTED"], readProto.State);
        Assert.Equal(5, readProto.Nbytes);
        Assert.Equal("CONNECTED", writeProto.State);

        Os.Close(master);

        readTransport.Close();
        Loop.RunUntilComplete(readProto.Done!);
        Assert.Equal(["INITIAL", "CONNECTED", "EOF", "CLOSED"], readProto.State);

        writeTransport.Close();
        Loop.RunUntilComplete(writeProto.Done!);
        Assert.Equal("CLOSED", writeProto.State);
    }

    [Fact]
    public void test_prompt_cancellation()
    {
        var (r, w) = SocketPair();
        r.Blocking = false;
        var f = Loop.CreateTask(Loop.SockRecv(r, 1));

        async Coroutine<string?> Main()
        {
            try
            {
                Loop.CallSoon(() => f.Cancel());
                await f;
                return null;
            }
            catch (CancelledError)
            {
                return "cancelled";
            }
            finally
            {
                Loop.Stop();
            }
        }

        var t = Loop.CreateTask(Main());
        Loop.RunForever();

        Assert.Equal("cancelled", t.Result());
        Assert.Throws<CancelledError>(() => f.Result());

        r.Close();
        w.Close();
    }

    /// <summary>socket.socketpair(): two connected unix stream sockets.</summary>
    private static (Socket, Socket) SocketPair()
    {
        var path = TestHttpServer.UnixSocketPath();
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen(1);
        var a = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        a.Connect(new UnixDomainSocketEndPoint(path));
        var b = listener.Accept();
        File.Delete(path);
        return (a, b);
    }

    /// <summary>CPython's <c>test_events.MyDatagramProto</c>: checks the order of the datagram callbacks.</summary>
    public class MyDatagramProto : DatagramProtocol
    {
        public MyDatagramProto(AbstractEventLoop? loop = null)
        {
            if (loop is not null)
            {
                Done = loop.CreateFuture();
            }
        }

        public string State { get; private set; } = "INITIAL";
        public int Nbytes { get; private set; }
        public Future? Done { get; }
        public DatagramTransport? Transport { get; private set; }

        private void AssertState(string expected) => Assert.True(State == expected, $"state: '{State}', expected: '{expected}'");

        public override void ConnectionMade(BaseTransport transport)
        {
            Transport = (DatagramTransport)transport;
            AssertState("INITIAL");
            State = "INITIALIZED";
        }

        public override void DatagramReceived(ReadOnlySpan<byte> data, EndPoint addr)
        {
            AssertState("INITIALIZED");
            Nbytes += data.Length;
        }

        public override void ErrorReceived(Exception exc) => AssertState("INITIALIZED");

        public override void ConnectionLost(Exception? exc)
        {
            AssertState("INITIALIZED");
            State = "CLOSED";
            Done?.SetResult(null);
        }
    }

    /// <summary>The echoing server protocol of CPython's <c>_test_create_datagram_endpoint</c>.</summary>
    public class TestMyDatagramProto : MyDatagramProto
    {
        public TestMyDatagramProto(AbstractEventLoop loop) : base(loop) { }

        public override void DatagramReceived(ReadOnlySpan<byte> data, EndPoint addr)
        {
            base.DatagramReceived(data, addr);
            Transport!.Sendto([.. "resp:"u8, .. data], addr);
        }
    }

    /// <summary>CPython's <c>test_events.MyReadPipeProto</c>: records the callbacks' order.</summary>
    public class MyReadPipeProto : Protocol
    {
        public MyReadPipeProto(AbstractEventLoop? loop = null)
        {
            if (loop is not null)
            {
                Done = loop.CreateFuture();
            }
        }

        public List<string> State { get; } = ["INITIAL"];
        public int Nbytes { get; private set; }
        public BaseTransport? Transport { get; private set; }
        public Future? Done { get; }

        private void AssertState(params string[] expected) =>
            Assert.True(State.SequenceEqual(expected), $"state: [{string.Join(", ", State)}], expected: [{string.Join(", ", expected)}]");

        public override void ConnectionMade(BaseTransport transport)
        {
            Transport = transport;
            AssertState("INITIAL");
            State.Add("CONNECTED");
        }

        public override void DataReceived(ReadOnlySpan<byte> data)
        {
            AssertState("INITIAL", "CONNECTED");
            Nbytes += data.Length;
        }

        public override bool EofReceived()
        {
            AssertState("INITIAL", "CONNECTED");
            State.Add("EOF");
            return false;
        }

        public override void ConnectionLost(Exception? exc)
        {
            if (!State.Contains("EOF"))
            {
                // It is okay if EOF is missed.
                State.Add("EOF");
            }
            AssertState("INITIAL", "CONNECTED", "EOF");
            State.Add("CLOSED");
            Done?.SetResult(null);
        }
    }

    /// <summary>CPython's <c>test_events.MyWritePipeProto</c>.</summary>
    public class MyWritePipeProto : BaseProtocol
    {
        public MyWritePipeProto(AbstractEventLoop? loop = null)
        {
            if (loop is not null)
            {
                Done = loop.CreateFuture();
            }
        }

        public string State { get; private set; } = "INITIAL";
        public BaseTransport? Transport { get; private set; }
        public Future? Done { get; }

        private void AssertState(string expected) => Assert.True(State == expected, $"state: '{State}', expected: '{expected}'");

        public override void ConnectionMade(BaseTransport transport)
        {
            Transport = transport;
            AssertState("INITIAL");
            State = "CONNECTED";
        }

        public override void ConnectionLost(Exception? exc)
        {
            AssertState("CONNECTED");
            State = "CLOSED";
            Done?.SetResult(null);
        }
    }
}
