using System.Net;
using System.Net.Sockets;
using System.Text;
using AsyncioSharp;

namespace AsyncioSharp.Conformance;

/// <summary>
/// CPython's <c>test_utils.run_test_server()</c>: a blocking HTTP/1.0 server on 127.0.0.1 in its own thread,
/// answering each request with a short response and closing. Dispose stops it.
/// </summary>
public sealed class TestHttpServer : IDisposable
{
    private readonly Socket _listener;
    private readonly Thread _thread;
    private volatile bool _stopping;

    public TestHttpServer()
    {
        _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen(16);
        Address = (IPEndPoint)_listener.LocalEndPoint!;
        _thread = new Thread(Serve) { IsBackground = true, Name = "test-http-server" };
        _thread.Start();
    }

    /// <summary>CPython's <c>httpd.address</c>.</summary>
    public IPEndPoint Address { get; }

    public string Host => Address.Address.ToString();

    public int Port => Address.Port;

    private void Serve()
    {
        while (!_stopping)
        {
            Socket conn;
            try
            {
                if (!_listener.Poll(50_000, SelectMode.SelectRead))
                {
                    continue;
                }
                conn = _listener.Accept();
            }
            catch (Exception)
            {
                return;
            }
            using (conn)
            {
                try
                {
                    var request = new StringBuilder();
                    var buf = new byte[4096];
                    while (!request.ToString().Contains("\r\n\r\n"))
                    {
                        var n = conn.Receive(buf);
                        if (n == 0)
                        {
                            break;
                        }
                        request.Append(Encoding.ASCII.GetString(buf, 0, n));
                    }
                    conn.Send(Encoding.ASCII.GetBytes("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nTest message"));
                    conn.Shutdown(SocketShutdown.Send);
                }
                catch (SocketException)
                {
                }
            }
        }
    }

    public void Dispose()
    {
        _stopping = true;
        _thread.Join();
        _listener.Close();
    }
}

/// <summary>CPython's test_events <c>MyBaseProto</c>: asserts the order of the protocol callbacks.</summary>
public class MyBaseProto : Protocol
{
    public BaseTransport? Transport;
    public string State = "INITIAL";
    public int Nbytes;
    public readonly Future? Connected;
    public readonly Future? Done;

    public MyBaseProto(AbstractEventLoop? loop = null)
    {
        if (loop is not null)
        {
            Connected = loop.CreateFuture();
            Done = loop.CreateFuture();
        }
    }

    protected void AssertState(params string[] expected)
    {
        if (!expected.Contains(State))
        {
            throw new InvalidOperationException($"state: '{State}', expected: {string.Join(", ", expected)}");
        }
    }

    public override void ConnectionMade(BaseTransport transport)
    {
        Transport = transport;
        AssertState("INITIAL");
        State = "CONNECTED";
        Connected?.SetResult(null);
    }

    public override void DataReceived(ReadOnlySpan<byte> data)
    {
        AssertState("CONNECTED");
        Nbytes += data.Length;
    }

    public override bool EofReceived()
    {
        AssertState("CONNECTED");
        State = "EOF";
        return false;
    }

    public override void ConnectionLost(Exception? exc)
    {
        AssertState("CONNECTED", "EOF");
        State = "CLOSED";
        Done?.SetResult(null);
    }
}

/// <summary>CPython's test_events <c>MyProto</c>: sends an HTTP request once connected.</summary>
public class MyProto : MyBaseProto
{
    public MyProto(AbstractEventLoop? loop = null) : base(loop) { }

    public override void ConnectionMade(BaseTransport transport)
    {
        base.ConnectionMade(transport);
        ((Transport)transport).Write("GET / HTTP/1.0\r\nHost: example.com\r\n\r\n"u8);
    }
}

/// <summary>Helpers of CPython's <c>socket_helper</c>.</summary>
public static class SocketHelper
{
    /// <summary>CPython's <c>find_unused_port()</c>: a port free on 127.0.0.1 right now.</summary>
    public static int FindUnusedPort()
    {
        using var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        s.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)s.LocalEndPoint!).Port;
    }
}
