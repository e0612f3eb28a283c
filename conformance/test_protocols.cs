using AsyncioSharp;
using Xunit;

namespace AsyncioSharp.Conformance;

/// <summary>CPython's test_protocols: the default protocol callbacks do nothing.</summary>
public class ProtocolsAbsTests
{
    [Fact]
    public void test_base_protocol()
    {
        var f = new StubTransport();
        var p = new BaseProtocol();
        p.ConnectionMade(f);
        p.ConnectionLost(null);
        p.PauseWriting();
        p.ResumeWriting();
    }

    [Fact]
    public void test_protocol()
    {
        var f = new StubTransport();
        var p = new Protocol();
        p.ConnectionMade(f);
        p.ConnectionLost(null);
        p.DataReceived("x"u8);
        Assert.False(p.EofReceived());
        p.PauseWriting();
        p.ResumeWriting();
    }

    [Fact]
    public void test_datagram_protocol()
    {
        var f = new StubTransport();
        var dp = new DatagramProtocol();
        dp.ConnectionMade(f);
        dp.ConnectionLost(null);
        dp.ErrorReceived(new OSError("x"));
        dp.DatagramReceived("x"u8, new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 1));
    }

    [Fact]
    public void test_subprocess_protocol()
    {
        var f = new StubTransport();
        var sp = new SubprocessProtocol();
        sp.ConnectionMade(f);
        sp.ConnectionLost(null);
        sp.PipeDataReceived(1, "x"u8);
        sp.PipeConnectionLost(1, null);
        sp.ProcessExited();
    }
}

internal sealed class StubTransport : Transport
{
}
