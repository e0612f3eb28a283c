using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using AsyncioSharp.Tests.Ssl;

namespace AsyncioSharp.Conformance;

/// <summary>
/// CPython's <c>test_asyncio.functional.TestSocketWrapper</c>: a blocking socket for a peer thread, which can switch
/// to TLS in the middle of the exchange (<see cref="StartTls"/>), as the TLS tests' peers do.
/// </summary>
public sealed class TestSocketWrapper : IDisposable
{
    private Stream _stream;

    public TestSocketWrapper(Socket sock)
    {
        Sock = sock;
        _stream = new NetworkStream(sock, ownsSocket: false);
    }

    public Socket Sock { get; }

    /// <summary>CPython's <c>settimeout</c>.</summary>
    public void SetTimeout(double seconds)
    {
        Sock.ReceiveTimeout = (int)(seconds * 1000);
        Sock.SendTimeout = (int)(seconds * 1000);
    }

    /// <summary>CPython's <c>recv_all(n)</c>: exactly n bytes; ConnectionAbortedError if the peer ends first.</summary>
    public byte[] RecvAll(int n)
    {
        var buf = new byte[n];
        var got = 0;
        while (got < n)
        {
            int r;
            try
            {
                r = _stream.Read(buf, got, n - got);
            }
            catch (IOException exc) when (exc.InnerException is SocketException)
            {
                throw new ConnectionAbortedError(exc.Message);
            }
            if (r == 0)
            {
                throw new ConnectionAbortedError("");
            }
            got += r;
        }
        return buf;
    }

    /// <summary>CPython's <c>recv(n)</c>: what one read gives, up to n bytes (empty at the end).</summary>
    public byte[] Recv(int n)
    {
        var buf = new byte[n];
        return buf[.._stream.Read(buf)];
    }

    /// <summary>CPython's <c>sendall(data)</c>.</summary>
    public void SendAll(ReadOnlySpan<byte> data) => _stream.Write(data);

    /// <summary>
    /// CPython's <c>start_tls(ssl_context, server_side=False)</c>: TLS from here on. The server side presents the
    /// test server certificate; the client side accepts any certificate, like <c>simple_client_sslcontext()</c>.
    /// </summary>
    public void StartTls(bool serverSide)
    {
        var ssl = new SslStream(_stream, leaveInnerStreamOpen: true, (_, _, _, _) => true);
        if (serverSide)
        {
            ssl.AuthenticateAsServer(X509Certificate2.CreateFromPemFile(TestCerts.ServerCert, TestCerts.ServerKey));
        }
        else
        {
            ssl.AuthenticateAsClient("");
        }
        _stream = ssl;
    }

    /// <summary>CPython's <c>unwrap()</c>: sends close_notify, waits for the peer's, and goes on in the clear.</summary>
    public void Unwrap()
    {
        var ssl = (SslStream)_stream;
        ssl.ShutdownAsync().GetAwaiter().GetResult();
        var buf = new byte[1024];
        while (ssl.Read(buf) > 0)
        {
        }
        _stream = new NetworkStream(Sock, ownsSocket: false);
    }

    /// <summary>CPython's <c>shutdown(SHUT_RDWR)</c>.</summary>
    public void Shutdown() => Sock.Shutdown(SocketShutdown.Both);

    public void Dispose()
    {
        _stream.Dispose();
        Sock.Dispose();
    }
}

/// <summary>
/// CPython's <c>FunctionalTestCaseMixin.tcp_server(server_prog)</c> / <c>tcp_client(client_prog)</c>: a thread runs
/// the peer's blocking program on one connection; disposing waits for it.
/// </summary>
public sealed class TcpPeerThread : IDisposable
{
    private readonly Thread _thread;
    private readonly Socket? _listener;
    private Exception? _failure;

    private TcpPeerThread(Socket? listener, Action run)
    {
        _listener = listener;
        _thread = new Thread(() =>
        {
            try
            {
                run();
            }
            catch (Exception exc)
            {
                _failure = exc;
            }
        }) { IsBackground = true, Name = "tls-test-peer" };
        _thread.Start();
    }

    /// <summary>The listening address of a server thread.</summary>
    public EndPoint Addr => _listener!.LocalEndPoint!;

    public string Host => ((IPEndPoint)Addr).Address.ToString();

    public int Port => ((IPEndPoint)Addr).Port;

    /// <summary>
    /// A server thread: accepts <paramref name="maxClients"/> connections one after another and runs
    /// <paramref name="serve"/> on each, as CPython's <c>tcp_server(server_prog, max_clients=...)</c>.
    /// </summary>
    public static TcpPeerThread Server(Action<TestSocketWrapper> serve, int maxClients = 1)
    {
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(maxClients);
        return new TcpPeerThread(listener, () =>
        {
            for (var i = 0; i < maxClients; i++)
            {
                using var sock = new TestSocketWrapper(listener.Accept());
                serve(sock);
            }
        });
    }

    /// <summary>A client thread: connects to <paramref name="addr"/> and runs <paramref name="client"/>.</summary>
    public static TcpPeerThread Client(EndPoint addr, Action<TestSocketWrapper> client) =>
        new(null, () =>
        {
            var raw = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            raw.Connect(addr);
            using var sock = new TestSocketWrapper(raw);
            client(sock);
        });

    /// <summary>Waits for the peer; rethrows what failed in it.</summary>
    public void Dispose()
    {
        _thread.Join();
        _listener?.Dispose();
        if (_failure is not null)
        {
            throw new InvalidOperationException("the peer thread failed", _failure);
        }
    }
}
