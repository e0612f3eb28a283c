using AsyncioSharp.Ssl;
using AsyncioSharp.Tests.Ssl;

namespace AsyncioSharp.Conformance;

/// <summary>
/// Shared by the TLS test classes: the test certificates, CPython's test_utils TLS helpers, and a one-time
/// handshake that lets the runtime open what OpenSSL opens once per process, so those descriptors are not leaks.
/// </summary>
internal static class TlsSupport
{
    private static readonly Lazy<bool> Primed = new(() =>
    {
        var ci = new MemoryBIO();
        var co = new MemoryBIO();
        var si = new MemoryBIO();
        var so = new MemoryBIO();
        var client = ClientContext().WrapBio(ci, co, false, "localhost");
        var server = ServerContext().WrapBio(si, so, true);
        for (var i = 0; i < 20; i++)
        {
            Step(client.DoHandshake);
            si.Write(co.Read());
            Step(server.DoHandshake);
            ci.Write(so.Read());
        }
        return true;
    });

    /// <summary>Runs the one-time handshake.</summary>
    public static void Prime() => _ = Primed.Value;

    /// <summary>CPython's <c>test_utils.simple_server_sslcontext()</c>: the server certificate, no client verification.</summary>
    public static SSLContext ServerContext()
    {
        var context = new SSLContext(SslModule.PROTOCOL_TLS_SERVER);
        context.LoadCertChain(TestCerts.ServerCert, TestCerts.ServerKey);
        return context;
    }

    /// <summary>A client context trusting the test CA (hostname checked).</summary>
    public static SSLContext ClientContext()
    {
        var context = new SSLContext(SslModule.PROTOCOL_TLS_CLIENT);
        context.LoadVerifyLocations(TestCerts.CaFile);
        return context;
    }

    /// <summary>CPython's <c>test_utils.simple_client_sslcontext()</c>: a client context that verifies nothing.</summary>
    public static SSLContext DummyClientContext() =>
        new(SslModule.PROTOCOL_TLS_CLIENT) { CheckHostname = false, VerifyMode = VerifyMode.CERT_NONE };

    /// <summary>What connection_lost does with a test's future: its result on a clean end, else the exception.</summary>
    public static void Settle(Future future, Exception? exc)
    {
        if (exc is null)
        {
            future.SetResult(null);
        }
        else
        {
            future.SetException(exc);
        }
    }

    /// <summary>CPython's <c>self.assertIsNone(weakref())</c> after <c>gc_collect()</c>.</summary>
    public static void AssertCollected(WeakReference reference)
    {
        for (var i = 0; i < 3 && reference.IsAlive; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }
        Xunit.Assert.False(reference.IsAlive);
    }

    private static void Step(Action handshake)
    {
        try
        {
            handshake();
        }
        catch (SSLWantReadError)
        {
        }
    }
}

/// <summary>
/// CPython's <c>test_utils.run_test_server(use_ssl=True)</c>: a blocking HTTPS/1.0 server on 127.0.0.1 in its own
/// thread (the test server certificate), answering each request with a short response and closing.
/// </summary>
public sealed class TestHttpsServer : IDisposable
{
    private readonly System.Net.Sockets.Socket _listener;
    private readonly Thread _thread;
    private volatile bool _stopping;

    private readonly string? _unixPath;

    public TestHttpsServer() : this(TcpListener(), null)
    {
    }

    private TestHttpsServer(System.Net.Sockets.Socket listener, string? unixPath)
    {
        _listener = listener;
        _unixPath = unixPath;
        _listener.Listen(16);
        Address = _listener.LocalEndPoint!;
        _thread = new Thread(Serve) { IsBackground = true, Name = "test-https-server" };
        _thread.Start();
    }

    /// <summary>CPython's <c>run_test_unix_server(use_ssl=True)</c>: the same server on a fresh unix socket path.</summary>
    public static TestHttpsServer RunUnix()
    {
        var path = TestHttpServer.UnixSocketPath();
        var listener = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix,
            System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
        listener.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(path));
        return new TestHttpsServer(listener, path);
    }

    private static System.Net.Sockets.Socket TcpListener()
    {
        var listener = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork,
            System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        listener.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        return listener;
    }

    public System.Net.EndPoint Address { get; }

    /// <summary>The unix socket path of a server made by <see cref="RunUnix"/>.</summary>
    public string Path => _unixPath!;

    public string Host => ((System.Net.IPEndPoint)Address).Address.ToString();

    public int Port => ((System.Net.IPEndPoint)Address).Port;

    private void Serve()
    {
        var certificate = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPemFile(TestCerts.ServerCert, TestCerts.ServerKey);
        while (!_stopping)
        {
            System.Net.Sockets.Socket conn;
            try
            {
                if (!_listener.Poll(50_000, System.Net.Sockets.SelectMode.SelectRead))
                {
                    continue;
                }
                conn = _listener.Accept();
            }
            catch (Exception)
            {
                return;
            }
            try
            {
                using var ssl = new System.Net.Security.SslStream(new System.Net.Sockets.NetworkStream(conn, ownsSocket: true));
                ssl.ReadTimeout = 5000;
                ssl.AuthenticateAsServer(certificate);
                var request = new System.Text.StringBuilder();
                var buf = new byte[4096];
                while (!request.ToString().Contains("\r\n\r\n"))
                {
                    var n = ssl.Read(buf);
                    if (n == 0)
                    {
                        break;
                    }
                    request.Append(System.Text.Encoding.ASCII.GetString(buf, 0, n));
                }
                ssl.Write("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nTest message"u8);
                ssl.ShutdownAsync().GetAwaiter().GetResult();
            }
            catch (Exception)
            {
                // A client that fails the handshake on purpose ends the exchange early.
                conn.Dispose();
            }
        }
    }

    public void Dispose()
    {
        _stopping = true;
        _thread.Join();
        _listener.Close();
        if (_unixPath is not null)
        {
            File.Delete(_unixPath);
        }
    }
}
