using System.Net;
using System.Net.Sockets;
using System.Text;

namespace AsyncioSharp.Conformance;

/// <summary>
/// CPython's <c>test_utils.run_test_server</c> / <c>run_test_unix_server</c>: a blocking HTTP/1.0 server in
/// threads. <c>GET</c> answers "Test message"; <c>POST /loop</c> echoes the request body, as the WSGI app does.
/// </summary>
public sealed class TestHttpServer : IDisposable
{
    private readonly Socket _listener;
    private readonly Thread _acceptThread;
    private readonly List<Thread> _handlers = new();
    private readonly string? _unixPath;

    private TestHttpServer(Socket listener, string? unixPath)
    {
        _listener = listener;
        _unixPath = unixPath;
        _listener.Listen(16);
        Address = _listener.LocalEndPoint!;
        _acceptThread = new Thread(AcceptLoop) { IsBackground = true };
        _acceptThread.Start();
    }

    /// <summary>CPython's <c>run_test_server()</c> on 127.0.0.1 (the same as <see cref="Run"/>).</summary>
    public TestHttpServer() : this(NewTcpListener(), null)
    {
    }

    /// <summary>CPython's <c>httpd.address</c>.</summary>
    public EndPoint Address { get; }

    /// <summary>The host of a TCP server's address.</summary>
    public string Host => ((IPEndPoint)Address).Address.ToString();

    /// <summary>The port of a TCP server's address.</summary>
    public int Port => ((IPEndPoint)Address).Port;

    /// <summary>CPython's <c>run_test_server()</c> on 127.0.0.1.</summary>
    public static TestHttpServer Run() => new();

    private static Socket NewTcpListener()
    {
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return listener;
    }

    /// <summary>CPython's <c>run_test_unix_server()</c>: listens on a fresh path in the temp directory.</summary>
    public static TestHttpServer RunUnix()
    {
        var path = UnixSocketPath();
        var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        return new TestHttpServer(listener, path);
    }

    /// <summary>CPython's <c>gen_unix_socket_path()</c>.</summary>
    public static string UnixSocketPath() => Path.Combine(Path.GetTempPath(), "asx-" + Guid.NewGuid().ToString("N")[..12] + ".sock");

    private void AcceptLoop()
    {
        while (true)
        {
            Socket conn;
            try
            {
                conn = _listener.Accept();
            }
            catch (Exception)
            {
                return;
            }
            var t = new Thread(() => Serve(conn)) { IsBackground = true };
            lock (_handlers)
            {
                _handlers.Add(t);
            }
            t.Start();
        }
    }

    private static void Serve(Socket conn)
    {
        using (conn)
        {
            try
            {
                var head = new List<byte>();
                var one = new byte[1];
                while (head.Count < 4 || !(head[^4] == '\r' && head[^3] == '\n' && head[^2] == '\r' && head[^1] == '\n'))
                {
                    if (conn.Receive(one) == 0)
                    {
                        return;
                    }
                    head.Add(one[0]);
                }
                var lines = Encoding.ASCII.GetString(head.ToArray()).Split("\r\n");
                var path = lines[0].Split(' ')[1];
                var length = lines.Where(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
                    .Select(l => int.Parse(l[15..].Trim())).FirstOrDefault();
                var status = "HTTP/1.0 200 OK\r\nServer: WSGIServer/0.2\r\nContent-type: text/plain\r\n";
                if (path == "/loop")
                {
                    conn.Send(Encoding.ASCII.GetBytes(status + "\r\n"));
                    var buf = new byte[0x10000];
                    while (length > 0)
                    {
                        var n = conn.Receive(buf, 0, Math.Min(length, buf.Length), SocketFlags.None);
                        if (n == 0)
                        {
                            return;
                        }
                        conn.Send(buf, n, SocketFlags.None);
                        length -= n;
                    }
                }
                else
                {
                    conn.Send(Encoding.ASCII.GetBytes(status + "Content-Length: 12\r\n\r\nTest message"));
                }
                conn.Shutdown(SocketShutdown.Send);
            }
            catch (SocketException)
            {
                // The client went away; as in CPython's SilentWSGIServer, that is not the test's concern.
            }
        }
    }

    /// <summary>Stops the server and joins its threads (CPython's <c>httpd.shutdown(); server_close()</c>).</summary>
    public void Dispose()
    {
        _listener.Dispose();
        _acceptThread.Join();
        Thread[] handlers;
        lock (_handlers)
        {
            handlers = _handlers.ToArray();
        }
        foreach (var t in handlers)
        {
            t.Join();
        }
        if (_unixPath is not null)
        {
            File.Delete(_unixPath);
        }
    }
}

/// <summary>CPython's <c>test_utils.run_udp_echo_server()</c>: echoes datagrams until it receives b'STOP'.</summary>
public sealed class UdpEchoServer : IDisposable
{
    private readonly Socket _sock;
    private readonly Thread _thread;

    /// <summary>Starts the echo server on 127.0.0.1 and a free port.</summary>
    public UdpEchoServer()
    {
        _sock = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        _sock.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        Address = (IPEndPoint)_sock.LocalEndPoint!;
        _thread = new Thread(Echo) { IsBackground = true };
        _thread.Start();
    }

    /// <summary>The server's address.</summary>
    public IPEndPoint Address { get; }

    private void Echo()
    {
        var buf = new byte[4096];
        while (true)
        {
            EndPoint from = new IPEndPoint(IPAddress.Any, 0);
            var n = _sock.ReceiveFrom(buf, ref from);
            if (n == 4 && Encoding.ASCII.GetString(buf, 0, 4) == "STOP")
            {
                return;
            }
            _sock.SendTo(buf, n, SocketFlags.None, from);
        }
    }

    /// <summary>Sends b'STOP' to the server and joins its thread.</summary>
    public void Dispose()
    {
        _sock.SendTo("STOP"u8.ToArray(), Address);
        _thread.Join();
        _sock.Dispose();
    }
}
