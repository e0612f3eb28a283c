using System.Net;
using System.Net.Sockets;
using System.Text;
using AsyncioSharp;

namespace AsyncioSharp.Conformance;

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
