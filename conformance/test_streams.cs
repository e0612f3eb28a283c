using System.Net;
using System.Net.Sockets;
using System.Text;
using AsyncioSharp;
using Xunit;

namespace AsyncioSharp.Conformance;

/// <summary>
/// CPython's <c>test_utils.run_test_server()</c>: here a real python3 process serving CPython's test HTTP answer
/// ("HTTP/1.0 200 OK ... Test message") on loopback, one connection after another, until disposed.
/// </summary>
internal sealed class PythonTestServer : IDisposable
{
    private const string Script = """
        import socket, sys
        s = socket.create_server(('127.0.0.1', 0))
        print(s.getsockname()[1], flush=True)
        while True:
            c, _ = s.accept()
            with c:
                buf = b''
                while b'\r\n\r\n' not in buf:
                    d = c.recv(1024)
                    if not d:
                        break
                    buf += d
                if b'\r\n\r\n' in buf:
                    c.sendall(b'HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nTest message')
        """;

    private readonly System.Diagnostics.Process _process;

    public PythonTestServer()
    {
        var psi = new System.Diagnostics.ProcessStartInfo("python3") { RedirectStandardOutput = true, UseShellExecute = false };
        psi.ArgumentList.Add("-c");
        psi.ArgumentList.Add(Script);
        _process = System.Diagnostics.Process.Start(psi)!;
        Port = int.Parse(_process.StandardOutput.ReadLine()!);
    }

    public int Port { get; }

    public (string Host, int Port) Address => ("127.0.0.1", Port);

    public void Dispose()
    {
        _process.Kill();
        _process.WaitForExit();
        _process.Dispose();
    }
}

public class StreamTests : AsyncLoopTestCase
{
    private static readonly byte[] DATA = "line1\nline2\nline3\n"u8.ToArray();

    private static byte[] B(string s) => Encoding.ASCII.GetBytes(s);

    private void BasetestOpenConnection(Func<Coroutine<(StreamReader Reader, StreamWriter Writer)>> openConnection)
    {
        var (reader, writer) = Loop.RunUntilComplete(openConnection());
        writer.Write(B("GET / HTTP/1.0\r\n\r\n"));
        Assert.Equal(B("HTTP/1.0 200 OK\r\n"), Loop.RunUntilComplete(reader.Readline()));
        Assert.EndsWith("\r\n\r\nTest message", Encoding.ASCII.GetString(Loop.RunUntilComplete(reader.Read())));
        writer.Close();
        RunBriefly();
    }

    [Fact]
    public void test_open_connection()
    {
        using var httpd = new PythonTestServer();
        BasetestOpenConnection(() => Asyncio.OpenConnection(httpd.Address.Host, httpd.Port));
    }

    [Fact]
    public void test_open_unix_connection()
    {
        var path = Path.Combine(Path.GetTempPath(), $"asyncio-sharp-{Guid.NewGuid():N}.sock");
        async Coroutine Handle(StreamReader r, StreamWriter w)
        {
            await r.Readuntil(B("\r\n\r\n"));
            w.Write(B("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nTest message"));
            w.Close();
            await w.WaitClosed();
        }
        var server = Loop.RunUntilComplete(Asyncio.StartUnixServer(Handle, path));
        try
        {
            BasetestOpenConnection(() => Asyncio.OpenUnixConnection(path));
        }
        finally
        {
            server.Close();
            Loop.RunUntilComplete(server.WaitClosed());
            File.Delete(path);
        }
    }

    private void BasetestOpenConnectionNoLoopSsl(Func<Coroutine<(StreamReader Reader, StreamWriter Writer)>> openConnection)
    {
        TlsSupport.Prime();
        var (reader, writer) = Loop.RunUntilComplete(openConnection());
        writer.Write(B("GET / HTTP/1.0\r\n\r\n"));
        Assert.EndsWith("\r\n\r\nTest message", Encoding.ASCII.GetString(Loop.RunUntilComplete(reader.Read())));
        writer.Close();
        Loop.RunUntilComplete(writer.WaitClosed());
    }

    [Fact]
    public void test_open_connection_no_loop_ssl()
    {
        using var httpd = new TestHttpsServer();
        BasetestOpenConnectionNoLoopSsl(() => Asyncio.OpenConnection(httpd.Host, httpd.Port, ssl: TlsSupport.DummyClientContext()));
    }

    [Fact]
    public void test_open_unix_connection_no_loop_ssl()
    {
        TlsSupport.Prime();
        var path = Path.Combine(Path.GetTempPath(), $"asyncio-sharp-{Guid.NewGuid():N}.sock");
        async Coroutine Handle(StreamReader r, StreamWriter w)
        {
            await r.Readuntil(B("\r\n\r\n"));
            w.Write(B("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nTest message"));
            w.Close();
            await w.WaitClosed();
        }
        var server = Loop.RunUntilComplete(Asyncio.StartUnixServer(Handle, path, ssl: TlsSupport.ServerContext()));
        try
        {
            BasetestOpenConnectionNoLoopSsl(() => Asyncio.OpenUnixConnection(path, ssl: TlsSupport.DummyClientContext(), serverHostname: ""));
        }
        finally
        {
            server.Close();
            Loop.RunUntilComplete(server.WaitClosed());
            File.Delete(path);
        }
    }

    [Fact]
    public void test_start_tls()
    {
        TlsSupport.Prime();
        async Coroutine HandleClient(StreamReader clientReader, StreamWriter clientWriter)
        {
            var data1 = await clientReader.Readline();
            clientWriter.Write(data1);
            await clientWriter.Drain();
            Assert.Null(clientWriter.GetExtraInfo("sslcontext"));
            await clientWriter.StartTls(TlsSupport.ServerContext());
            Assert.NotNull(clientWriter.GetExtraInfo("sslcontext"));
            var data2 = await clientReader.Readline();
            clientWriter.Write(data2);
            await clientWriter.Drain();
            clientWriter.Close();
            await clientWriter.WaitClosed();
        }
        async Coroutine<(byte[], byte[])> Client(int port)
        {
            var (reader, writer) = await Asyncio.OpenConnection("127.0.0.1", port);
            writer.Write(B("hello world 1!\n"));
            await writer.Drain();
            var msgback1 = await reader.Readline();
            Assert.Null(writer.GetExtraInfo("sslcontext"));
            await writer.StartTls(TlsSupport.DummyClientContext());
            Assert.NotNull(writer.GetExtraInfo("sslcontext"));
            writer.Write(B("hello world 2!\n"));
            await writer.Drain();
            var msgback2 = await reader.Readline();
            writer.Close();
            await writer.WaitClosed();
            return (msgback1, msgback2);
        }
        var server = Loop.RunUntilComplete(Asyncio.StartServer(HandleClient, "127.0.0.1", 0));
        var port = ((IPEndPoint)((Server)server).Sockets[0].Getsockname()).Port;
        var (msg1, msg2) = Loop.RunUntilComplete(Client(port));
        server.Close();
        Loop.RunUntilComplete(server.WaitClosed());
        Assert.Equal(B("hello world 1!\n"), msg1);
        Assert.Equal(B("hello world 2!\n"), msg2);
    }

    [Fact]
    public void test_open_connection_error()
    {
        using var httpd = new PythonTestServer();
        var (reader, writer) = Loop.RunUntilComplete(Asyncio.OpenConnection(httpd.Address.Host, httpd.Port));
        var protocol = (StreamReaderProtocol)((BaseTransport)writer.Transport).GetProtocol();
        protocol.ConnectionLost(new DivideByZeroException());
        Assert.Throws<DivideByZeroException>(() => Loop.RunUntilComplete(reader.Read()));
        writer.Close();
        RunBriefly();
    }

    [Fact]
    public void test_open_unix_connection_error()
    {
        var path = Path.Combine(Path.GetTempPath(), $"asyncio-sharp-{Guid.NewGuid():N}.sock");
        var serverWriters = new List<StreamWriter>();
        var server = Loop.RunUntilComplete(Asyncio.StartUnixServer((r, w) =>
        {
            serverWriters.Add(w);
            return null;
        }, path));
        try
        {
            var (reader, writer) = Loop.RunUntilComplete(Asyncio.OpenUnixConnection(path));
            var protocol = (StreamReaderProtocol)writer.Transport.GetProtocol();
            protocol.ConnectionLost(new DivideByZeroException());
            Assert.Throws<DivideByZeroException>(() => Loop.RunUntilComplete(reader.Read()));
            writer.Close();
            RunBriefly();
        }
        finally
        {
            serverWriters.ForEach(w => w.Close());
            RunBriefly();
            server.Close();
            Loop.RunUntilComplete(server.WaitClosed());
            File.Delete(path);
        }
    }

    [Fact]
    public void test_streamreaderprotocol_constructor_use_running_loop()
    {
        static async Coroutine<StreamReaderProtocol> Test()
        {
            await Asyncio.Sleep(0);
            return new StreamReaderProtocol(new StreamReader());
        }
        var protocol = Loop.RunUntilComplete(Test());
        Assert.Same(Loop, protocol.Loop);
    }

    [Fact]
    public void test_streamreader_constructor_use_global_loop()
    {
        Asyncio.SetEventLoop(Loop);
        var reader = new StreamReader();
        Assert.Same(Loop, new StreamReaderProtocol(reader, loop: null).Loop);
        Assert.Equal("<StreamReader>", reader.ToString());
    }

    [Fact]
    public void test_streamreaderprotocol_constructor_use_global_loop()
    {
        Asyncio.SetEventLoop(Loop);
        Assert.Same(Loop, new StreamReaderProtocol(new StreamReader()).Loop);
    }

    [Fact]
    public void test_unhandled_exceptions()
    {
        CustomExceptionHandler = true;
        var messages = new List<IReadOnlyDictionary<string, object?>>();
        Loop.SetExceptionHandler((_, ctx) => messages.Add(ctx));
        async Coroutine Main()
        {
#pragma warning disable CS1998 // the handler raises at once, as CPython's test's does
            async Coroutine HandleEcho(StreamReader reader, StreamWriter writer) => throw new InvalidOperationException("test");
#pragma warning restore CS1998
            var server = await Asyncio.StartServer(HandleEcho, "127.0.0.1", 0);
            await server.StartServing();
            var port = ((IPEndPoint)((Server)server).Sockets[0].Getsockname()).Port;
            var (_, wr) = await Asyncio.OpenConnection("127.0.0.1", port);
            wr.Write(B("test msg"));
            await wr.Drain();
            wr.Close();
            await wr.WaitClosed();
            server.Close();
            await server.WaitClosed();
        }
        Loop.RunUntilComplete(Main());
        Assert.Equal("Unhandled exception in client_connected_cb", messages[0]["message"]);
    }

    [Fact]
    public void test_feed_empty_data()
    {
        var stream = new StreamReader(loop: Loop);
        stream.FeedData([]);
        Assert.Equal([], stream.Buffer.ToArray());
    }

    [Fact]
    public void test_feed_nonempty_data()
    {
        var stream = new StreamReader(loop: Loop);
        stream.FeedData(DATA);
        Assert.Equal(DATA, stream.Buffer.ToArray());
    }

    [Fact]
    public void test_read_zero()
    {
        var stream = new StreamReader(loop: Loop);
        stream.FeedData(DATA);
        Assert.Equal([], Loop.RunUntilComplete(stream.Read(0)));
        Assert.Equal(DATA, stream.Buffer.ToArray());
    }

    [Fact]
    public void test_read()
    {
        var stream = new StreamReader(loop: Loop);
        var readTask = Loop.CreateTask(stream.Read(30));
        Loop.CallSoon(() => stream.FeedData(DATA));
        Assert.Equal(DATA, Loop.RunUntilComplete(readTask));
        Assert.Equal(0, stream.Buffer.Length);
    }

    [Fact]
    public void test_read_line_breaks()
    {
        var stream = new StreamReader(loop: Loop);
        stream.FeedData(B("line1"));
        stream.FeedData(B("line2"));
        Assert.Equal(B("line1"), Loop.RunUntilComplete(stream.Read(5)));
        Assert.Equal(B("line2"), stream.Buffer.ToArray());
    }

    [Fact]
    public void test_read_eof()
    {
        var stream = new StreamReader(loop: Loop);
        var readTask = Loop.CreateTask(stream.Read(1024));
        Loop.CallSoon(stream.FeedEof);
        Assert.Equal([], Loop.RunUntilComplete(readTask));
        Assert.Equal(0, stream.Buffer.Length);
    }

    [Fact]
    public void test_read_until_eof()
    {
        var stream = new StreamReader(loop: Loop);
        var readTask = Loop.CreateTask(stream.Read(-1));
        Loop.CallSoon(() =>
        {
            stream.FeedData(B("chunk1\n"));
            stream.FeedData(B("chunk2"));
            stream.FeedEof();
        });
        Assert.Equal(B("chunk1\nchunk2"), Loop.RunUntilComplete(readTask));
        Assert.Equal(0, stream.Buffer.Length);
    }

    [Fact]
    public void test_read_exception()
    {
        var stream = new StreamReader(loop: Loop);
        stream.FeedData(B("line\n"));
        Assert.Equal(B("li"), Loop.RunUntilComplete(stream.Read(2)));
        stream.SetException(new ValueError(""));
        Assert.Throws<ValueError>(() => Loop.RunUntilComplete(stream.Read(2)));
    }

    [Fact]
    public void test_invalid_limit()
    {
        Assert.Contains("imit", Assert.Throws<ValueError>(() => new StreamReader(limit: 0, loop: Loop)).Message);
        Assert.Contains("imit", Assert.Throws<ValueError>(() => new StreamReader(limit: -1, loop: Loop)).Message);
    }

    [Fact]
    public void test_read_limit()
    {
        var stream = new StreamReader(limit: 3, loop: Loop);
        stream.FeedData(B("chunk"));
        Assert.Equal(B("chunk"), Loop.RunUntilComplete(stream.Read(5)));
        Assert.Equal(0, stream.Buffer.Length);
    }

    [Fact]
    public void test_readline()
    {
        var stream = new StreamReader(loop: Loop);
        stream.FeedData(B("chunk1 "));
        var readTask = Loop.CreateTask(stream.Readline());
        Loop.CallSoon(() =>
        {
            stream.FeedData(B("chunk2 "));
            stream.FeedData(B("chunk3 "));
            stream.FeedData(B("\n chunk4"));
        });
        Assert.Equal(B("chunk1 chunk2 chunk3 \n"), Loop.RunUntilComplete(readTask));
        Assert.Equal(B(" chunk4"), stream.Buffer.ToArray());
    }

    [Fact]
    public void test_readline_limit_with_existing_data()
    {
        var stream = new StreamReader(limit: 3, loop: Loop);
        stream.FeedData(B("li"));
        stream.FeedData(B("ne1\nline2\n"));
        Assert.Throws<ValueError>(() => Loop.RunUntilComplete(stream.Readline()));
        Assert.Equal(B("line2\n"), stream.Buffer.ToArray());

        stream = new StreamReader(limit: 3, loop: Loop);
        stream.FeedData(B("li"));
        stream.FeedData(B("ne1"));
        stream.FeedData(B("li"));
        Assert.Throws<ValueError>(() => Loop.RunUntilComplete(stream.Readline()));
        Assert.Equal(0, stream.Buffer.Length);
    }

    [Fact]
    public void test_at_eof()
    {
        var stream = new StreamReader(loop: Loop);
        Assert.False(stream.AtEof());
        stream.FeedData(B("some data\n"));
        Assert.False(stream.AtEof());
        Loop.RunUntilComplete(stream.Readline());
        Assert.False(stream.AtEof());
        stream.FeedData(B("some data\n"));
        stream.FeedEof();
        Loop.RunUntilComplete(stream.Readline());
        Assert.True(stream.AtEof());
    }

    [Fact]
    public void test_readline_limit()
    {
        var stream = new StreamReader(limit: 7, loop: Loop);
        Loop.CallSoon(() =>
        {
            stream.FeedData(B("chunk1"));
            stream.FeedData(B("chunk2"));
            stream.FeedData(B("chunk3\n"));
            stream.FeedEof();
        });
        Assert.Throws<ValueError>(() => Loop.RunUntilComplete(stream.Readline()));
        Assert.Equal(0, stream.Buffer.Length);

        stream = new StreamReader(limit: 7, loop: Loop);
        var s2 = stream;
        Loop.CallSoon(() =>
        {
            s2.FeedData(B("chunk1"));
            s2.FeedData(B("chunk2\n"));
            s2.FeedData(B("chunk3\n"));
            s2.FeedEof();
        });
        Assert.Throws<ValueError>(() => Loop.RunUntilComplete(stream.Readline()));
        Assert.Equal(B("chunk3\n"), stream.Buffer.ToArray());

        stream = new StreamReader(limit: 7, loop: Loop);
        stream.FeedData(B("1234567\n"));
        Assert.Equal(B("1234567\n"), Loop.RunUntilComplete(stream.Readline()));
        Assert.Equal(0, stream.Buffer.Length);
        stream.FeedData(B("12345678\n"));
        Assert.Throws<ValueError>(() => Loop.RunUntilComplete(stream.Readline()));
        Assert.Equal(0, stream.Buffer.Length);
        stream.FeedData(B("12345678"));
        Assert.Throws<ValueError>(() => Loop.RunUntilComplete(stream.Readline()));
        Assert.Equal(0, stream.Buffer.Length);
    }

    [Fact]
    public void test_readline_nolimit_nowait()
    {
        var stream = new StreamReader(loop: Loop);
        stream.FeedData(DATA[..6]);
        stream.FeedData(DATA[6..]);
        Assert.Equal(B("line1\n"), Loop.RunUntilComplete(stream.Readline()));
        Assert.Equal(B("line2\nline3\n"), stream.Buffer.ToArray());
    }

    [Fact]
    public void test_readline_eof()
    {
        var stream = new StreamReader(loop: Loop);
        stream.FeedData(B("some data"));
        stream.FeedEof();
        Assert.Equal(B("some data"), Loop.RunUntilComplete(stream.Readline()));
    }

    [Fact]
    public void test_readline_empty_eof()
    {
        var stream = new StreamReader(loop: Loop);
        stream.FeedEof();
        Assert.Equal([], Loop.RunUntilComplete(stream.Readline()));
    }

    [Fact]
    public void test_readline_read_byte_count()
    {
        var stream = new StreamReader(loop: Loop);
        stream.FeedData(DATA);
        Loop.RunUntilComplete(stream.Readline());
        Assert.Equal(B("line2\nl"), Loop.RunUntilComplete(stream.Read(7)));
        Assert.Equal(B("ine3\n"), stream.Buffer.ToArray());
    }

    [Fact]
    public void test_readline_exception()
    {
        var stream = new StreamReader(loop: Loop);
        stream.FeedData(B("line\n"));
        Assert.Equal(B("line\n"), Loop.RunUntilComplete(stream.Readline()));
        stream.SetException(new ValueError(""));
        Assert.Throws<ValueError>(() => Loop.RunUntilComplete(stream.Readline()));
        Assert.Equal(0, stream.Buffer.Length);
    }

    [Fact]
    public void test_readuntil_separator()
    {
        var stream = new StreamReader(loop: Loop);
        var exc = Assert.Throws<ValueError>(() => Loop.RunUntilComplete(stream.Readuntil(separator: [])));
        Assert.Contains("Separator should be", exc.Message);
    }

    [Fact]
    public void test_readuntil_multi_chunks()
    {
        var stream = new StreamReader(loop: Loop);
        stream.FeedData(B("lineAAA"));
        Assert.Equal(B("lineAAA"), Loop.RunUntilComplete(stream.Readuntil(separator: B("AAA"))));
        Assert.Equal(0, stream.Buffer.Length);
        stream.FeedData(B("lineAAA"));
        Assert.Equal(B("lineAAA"), Loop.RunUntilComplete(stream.Readuntil(B("AAA"))));
        Assert.Equal(0, stream.Buffer.Length);
        stream.FeedData(B("lineAAAxxx"));
        Assert.Equal(B("lineAAA"), Loop.RunUntilComplete(stream.Readuntil(B("AAA"))));
        Assert.Equal(B("xxx"), stream.Buffer.ToArray());
    }

    [Fact]
    public void test_readuntil_multi_chunks_1()
    {
        var stream = new StreamReader(loop: Loop);
        void Check(string[] chunks, string expected)
        {
            foreach (var c in chunks)
            {
                stream.FeedData(B(c));
            }
            Assert.Equal(B(expected), Loop.RunUntilComplete(stream.Readuntil(B("aaa"))));
            Assert.Equal(0, stream.Buffer.Length);
        }
        Check(["QWEaa", "XYaa", "a"], "QWEaaXYaaa");
        Check(["QWEaa", "XYa", "aa"], "QWEaaXYaaa");
        Check(["aaa"], "aaa");
        Check(["Xaaa"], "Xaaa");
        Check(["XXX", "a", "a", "a"], "XXXaaa");
    }

    [Fact]
    public void test_readuntil_eof()
    {
        var stream = new StreamReader(loop: Loop);
        var data = B("some dataAA");
        stream.FeedData(data);
        stream.FeedEof();
        var exc = Assert.Throws<IncompleteReadError>(() => Loop.RunUntilComplete(stream.Readuntil(B("AAA"))));
        Assert.Contains("undefined expected bytes", exc.Message);
        Assert.Equal(data, exc.Partial);
        Assert.Null(exc.Expected);
        Assert.Equal(0, stream.Buffer.Length);
    }

    [Fact]
    public void test_readuntil_limit_found_sep()
    {
        var stream = new StreamReader(loop: Loop, limit: 3);
        stream.FeedData(B("some dataAA"));
        Assert.Contains("not found", Assert.Throws<LimitOverrunError>(() => Loop.RunUntilComplete(stream.Readuntil(B("AAA")))).Message);
        Assert.Equal(B("some dataAA"), stream.Buffer.ToArray());
        stream.FeedData(B("A"));
        Assert.Contains("is found", Assert.Throws<LimitOverrunError>(() => Loop.RunUntilComplete(stream.Readuntil(B("AAA")))).Message);
        Assert.Equal(B("some dataAAA"), stream.Buffer.ToArray());
    }

    [Fact]
    public void test_readexactly_zero_or_less()
    {
        var stream = new StreamReader(loop: Loop);
        stream.FeedData(DATA);
        Assert.Equal([], Loop.RunUntilComplete(stream.Readexactly(0)));
        Assert.Equal(DATA, stream.Buffer.ToArray());
        Assert.Contains("less than zero", Assert.Throws<ValueError>(() => Loop.RunUntilComplete(stream.Readexactly(-1))).Message);
        Assert.Equal(DATA, stream.Buffer.ToArray());
    }

    [Fact]
    public void test_readexactly()
    {
        var stream = new StreamReader(loop: Loop);
        var n = 2 * DATA.Length;
        var readTask = Loop.CreateTask(stream.Readexactly(n));
        Loop.CallSoon(() =>
        {
            stream.FeedData(DATA);
            stream.FeedData(DATA);
            stream.FeedData(DATA);
        });
        Assert.Equal(DATA.Concat(DATA).ToArray(), Loop.RunUntilComplete(readTask));
        Assert.Equal(DATA, stream.Buffer.ToArray());
    }

    [Fact]
    public void test_readexactly_limit()
    {
        var stream = new StreamReader(limit: 3, loop: Loop);
        stream.FeedData(B("chunk"));
        Assert.Equal(B("chunk"), Loop.RunUntilComplete(stream.Readexactly(5)));
        Assert.Equal(0, stream.Buffer.Length);
    }

    [Fact]
    public void test_readexactly_eof()
    {
        var stream = new StreamReader(loop: Loop);
        var n = 2 * DATA.Length;
        var readTask = Loop.CreateTask(stream.Readexactly(n));
        Loop.CallSoon(() =>
        {
            stream.FeedData(DATA);
            stream.FeedEof();
        });
        var exc = Assert.Throws<IncompleteReadError>(() => Loop.RunUntilComplete(readTask));
        Assert.Equal(DATA, exc.Partial);
        Assert.Equal(n, exc.Expected);
        Assert.Equal("18 bytes read on a total of 36 expected bytes", exc.Message);
        Assert.Equal(0, stream.Buffer.Length);
    }

    [Fact]
    public void test_readexactly_exception()
    {
        var stream = new StreamReader(loop: Loop);
        stream.FeedData(B("line\n"));
        Assert.Equal(B("li"), Loop.RunUntilComplete(stream.Readexactly(2)));
        stream.SetException(new ValueError(""));
        Assert.Throws<ValueError>(() => Loop.RunUntilComplete(stream.Readexactly(2)));
    }

    [Fact]
    public void test_exception()
    {
        var stream = new StreamReader(loop: Loop);
        Assert.Null(stream.Exception());
        var exc = new ValueError("");
        stream.SetException(exc);
        Assert.Same(exc, stream.Exception());
    }

    [Fact]
    public void test_exception_waiter()
    {
        var stream = new StreamReader(loop: Loop);
        async Coroutine SetErr()
        {
            stream.SetException(new ValueError(""));
            await Asyncio.Sleep(0);
        }
        var t1 = Loop.CreateTask(stream.Readline());
        var t2 = Loop.CreateTask(SetErr());
        Loop.RunUntilComplete(Asyncio.Gather([t1, t2], returnExceptions: true));
        Assert.Throws<ValueError>(() => t1.Result());
    }

    [Fact]
    public void test_exception_cancel()
    {
        var stream = new StreamReader(loop: Loop);
        var t = Loop.CreateTask(stream.Readline());
        RunBriefly();
        t.Cancel();
        RunBriefly();
        stream.SetException(new RuntimeError("message"));
        RunBriefly();
        Assert.Contains("<StreamReader exception=", stream.ToString());
        Assert.DoesNotContain("waiter", stream.ToString());
    }

    private static async Coroutine HandleClient(StreamReader clientReader, StreamWriter clientWriter)
    {
        var data = await clientReader.Readline();
        clientWriter.Write(data);
        await clientWriter.Drain();
        clientWriter.Close();
        await clientWriter.WaitClosed();
    }

    private static async Coroutine<byte[]> Client(Func<Coroutine<(StreamReader Reader, StreamWriter Writer)>> open)
    {
        var (reader, writer) = await open();
        writer.Write(B("hello world!\n"));
        var msgback = await reader.Readline();
        writer.Close();
        await writer.WaitClosed();
        return msgback;
    }

    [Fact]
    public void test_start_server()
    {
        // The coroutine handler, on a socket we made ...
        var sock = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        sock.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        sock.Listen();
        var port = ((IPEndPoint)sock.LocalEndPoint!).Port;
        var server = Loop.RunUntilComplete(Asyncio.StartServer(HandleClient, sock: sock));
        var msg = Loop.RunUntilComplete(Loop.CreateTask(Client(() => Asyncio.OpenConnection("127.0.0.1", port))));
        server.Close();
        Loop.RunUntilComplete(server.WaitClosed());
        Assert.Equal(B("hello world!\n"), msg);

        // ... and a plain callback handler that starts a task itself, on host and port.
        server = Loop.RunUntilComplete(Asyncio.StartServer((r, w) =>
        {
            Loop.CreateTask(HandleClient(r, w));
            return null;
        }, host: "127.0.0.1", port: 0));
        port = ((IPEndPoint)((Server)server).Sockets[0].Getsockname()).Port;
        msg = Loop.RunUntilComplete(Loop.CreateTask(Client(() => Asyncio.OpenConnection("127.0.0.1", port))));
        server.Close();
        Loop.RunUntilComplete(server.WaitClosed());
        Assert.Equal(B("hello world!\n"), msg);
    }

    [Fact]
    public void test_start_unix_server()
    {
        var path = Path.Combine(Path.GetTempPath(), $"asyncio-sharp-{Guid.NewGuid():N}.sock");
        try
        {
            var server = Loop.RunUntilComplete(Asyncio.StartUnixServer(HandleClient, path: path));
            var msg = Loop.RunUntilComplete(Loop.CreateTask(Client(() => Asyncio.OpenUnixConnection(path))));
            server.Close();
            Loop.RunUntilComplete(server.WaitClosed());
            Assert.Equal(B("hello world!\n"), msg);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void test_streamreader_constructor_use_running_loop()
    {
        static async Coroutine<StreamReader> Test()
        {
            await Asyncio.Sleep(0);
            return new StreamReader();
        }
        var reader = Loop.RunUntilComplete(Test());
        Assert.Equal("<StreamReader>", reader.ToString());
    }

    [Fact]
    public void test_multiple_drain()
    {
        var drained = 0;
        async Coroutine Drainer(StreamFlowControlMixin stream)
        {
            await stream.DrainHelper();
            drained++;
        }
        async Coroutine Main()
        {
            var loop = Asyncio.GetRunningLoop();
            var stream = new StreamFlowControlMixin(loop);
            stream.PauseWriting();
            loop.CallLater(0.1, stream.ResumeWriting);
            await Asyncio.Gather(Enumerable.Range(0, 10).Select(_ => (IAwaitable)Drainer(stream)).ToArray());
            Assert.Equal(10, drained);
        }
        Loop.RunUntilComplete(Main());
    }

    [Fact]
    public void test_drain_raises()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        var port = ((IPEndPoint)listener.LocalEndPoint!).Port;
        var thread = new Thread(() => listener.Accept().Close());
        thread.Start();
        async Coroutine Client()
        {
            var (_, writer) = await Asyncio.OpenConnection("127.0.0.1", port);
            try
            {
                while (true)
                {
                    writer.Write(B("foo\n"));
                    await writer.Drain();
                }
            }
            finally
            {
                writer.Close();
            }
        }
        var exc = Assert.ThrowsAny<OSError>(() => Loop.RunUntilComplete(Client()));
        Assert.True(exc is ConnectionResetError or ConnectionAbortedError or BrokenPipeError, exc.GetType().Name);
        thread.Join();
        RunBriefly();
    }

    [Fact]
    public void test___repr__() => Assert.Equal("<StreamReader>", new StreamReader(loop: Loop).ToString());

    [Fact]
    public void test___repr__nondefault_limit() =>
        Assert.Equal("<StreamReader limit=123>", new StreamReader(loop: Loop, limit: 123).ToString());

    [Fact]
    public void test___repr__eof()
    {
        var stream = new StreamReader(loop: Loop);
        stream.FeedEof();
        Assert.Equal("<StreamReader eof>", stream.ToString());
    }

    [Fact]
    public void test___repr__data()
    {
        var stream = new StreamReader(loop: Loop);
        stream.FeedData(B("data"));
        Assert.Equal("<StreamReader 4 bytes>", stream.ToString());
    }

    [Fact]
    public void test___repr__exception()
    {
        var stream = new StreamReader(loop: Loop);
        stream.SetException(new RuntimeError(""));
        Assert.Equal("<StreamReader exception=RuntimeError()>", stream.ToString());
    }

    [Fact]
    public void test___repr__waiter()
    {
        var stream = new StreamReader(loop: Loop);
        var t = Loop.CreateTask(stream.Read(1));
        RunBriefly();
        Assert.Matches(@"<StreamReader waiter=<Future pending[\S ]*>>", stream.ToString());
        stream.FeedEof();
        Loop.RunUntilComplete(t);
        Assert.Equal("<StreamReader eof>", stream.ToString());
    }

    [Fact]
    public void test_wait_closed_on_close()
    {
        using var httpd = new PythonTestServer();
        var (rd, wr) = Loop.RunUntilComplete(Asyncio.OpenConnection(httpd.Address.Host, httpd.Port));
        wr.Write(B("GET / HTTP/1.0\r\n\r\n"));
        Assert.Equal(B("HTTP/1.0 200 OK\r\n"), Loop.RunUntilComplete(rd.Readline()));
        Assert.EndsWith("\r\n\r\nTest message", Encoding.ASCII.GetString(Loop.RunUntilComplete(rd.Read())));
        Assert.False(wr.IsClosing());
        wr.Close();
        Assert.True(wr.IsClosing());
        Loop.RunUntilComplete(wr.WaitClosed());
    }

    [Fact]
    public void test_wait_closed_on_close_with_unread_data()
    {
        using var httpd = new PythonTestServer();
        var (rd, wr) = Loop.RunUntilComplete(Asyncio.OpenConnection(httpd.Address.Host, httpd.Port));
        wr.Write(B("GET / HTTP/1.0\r\n\r\n"));
        Assert.Equal(B("HTTP/1.0 200 OK\r\n"), Loop.RunUntilComplete(rd.Readline()));
        wr.Close();
        Loop.RunUntilComplete(wr.WaitClosed());
    }

    [Fact]
    public void test_async_writer_api()
    {
        using var httpd = new PythonTestServer();
        RunAsync(async () =>
        {
            var (rd, wr) = await Asyncio.OpenConnection(httpd.Address.Host, httpd.Port);
            wr.Write(B("GET / HTTP/1.0\r\n\r\n"));
            Assert.Equal(B("HTTP/1.0 200 OK\r\n"), await rd.Readline());
            Assert.EndsWith("\r\n\r\nTest message", Encoding.ASCII.GetString(await rd.Read()));
            wr.Close();
            await wr.WaitClosed();
        });
    }

    [Fact]
    public void test_async_writer_api_exception_after_close()
    {
        using var httpd = new PythonTestServer();
        RunAsync(async () =>
        {
            var (rd, wr) = await Asyncio.OpenConnection(httpd.Address.Host, httpd.Port);
            wr.Write(B("GET / HTTP/1.0\r\n\r\n"));
            Assert.Equal(B("HTTP/1.0 200 OK\r\n"), await rd.Readline());
            Assert.EndsWith("\r\n\r\nTest message", Encoding.ASCII.GetString(await rd.Read()));
            wr.Close();
            await AssertRaisesAsync<ConnectionResetError>(async () =>
            {
                wr.Write(B("data"));
                await wr.Drain();
            });
        });
    }

    [Fact]
    public void test_eof_feed_when_closing_writer()
    {
        using var httpd = new PythonTestServer();
        var (rd, wr) = Loop.RunUntilComplete(Asyncio.OpenConnection(httpd.Address.Host, httpd.Port));
        wr.Close();
        Loop.RunUntilComplete(wr.WaitClosed());
        Assert.True(rd.AtEof());
        Assert.Equal([], Loop.RunUntilComplete(rd.Read()));
    }

    [Fact]
    public void test_read_all_from_pipe_reader()
    {
        // CPython has a child (Popen pass_fds) write 4 bytes into the pipe; what the test checks is read(-1) on a
        // pipe transport whose reader's limit (1) is below half the data, so reading pauses and must be resumed.
        // Here the test writes the bytes itself.
        var (rfd, wfd) = Os.Pipe();
        var pipe = Os.Open(rfd, FileAccess.Read);
        var reader = new StreamReader(loop: Loop, limit: 1);
        var protocol = new StreamReaderProtocol(reader, loop: Loop);
        var (transport, _) = Loop.RunUntilComplete(Loop.ConnectReadPipe(() => protocol, pipe));
        Os.Write(wfd, B("data"));
        Os.Close(wfd);
        Assert.Equal(B("data"), Loop.RunUntilComplete(reader.Read(-1)));
        transport.Close();
    }

    [Fact]
    public void test_streamreader_constructor_without_loop()
    {
        Asyncio.SetEventLoop(null);
        var e = Assert.Throws<RuntimeError>(() => new StreamReader());
        Assert.Contains("no current event loop", e.Message);
    }

    [Fact]
    public void test_streamreaderprotocol_constructor_without_loop()
    {
        Asyncio.SetEventLoop(null);
        var e = Assert.Throws<RuntimeError>(() => new StreamReaderProtocol(null));
        Assert.Contains("no current event loop", e.Message);
    }

    private sealed class ReprTransport : Transport
    {
        public override string ToString() => "<Transport>";
    }

    [Fact]
    public void test___repr__transport()
    {
        var stream = new StreamReader(loop: Loop);
        stream.SetTransport(new ReprTransport());
        Assert.Equal("<StreamReader transport=<Transport>>", stream.ToString());
    }
}
