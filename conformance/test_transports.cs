using AsyncioSharp;
using Xunit;

namespace AsyncioSharp.Conformance;

/// <summary>CPython's test_transports.</summary>
public class TransportTests
{
    [Fact]
    public void test_ctor_extra_is_none()
    {
        var transport = new PlainTransport();
        Assert.Null(transport.GetExtraInfo("anything"));
    }

    [Fact]
    public void test_get_extra_info()
    {
        var transport = new PlainTransport(new Dictionary<string, object?> { ["extra"] = "info" });
        Assert.Equal("info", transport.GetExtraInfo("extra"));
        Assert.Null(transport.GetExtraInfo("unknown"));
        var @default = new object();
        Assert.Same(@default, transport.GetExtraInfo("unknown", @default));
    }

    [Fact]
    public void test_writelines()
    {
        var transport = new MyTransport();
        transport.Writelines(new[] { "line1"u8.ToArray(), "line2"u8.ToArray(), "line3"u8.ToArray() });
        Assert.Single(transport.Written);
        Assert.Equal("line1line2line3"u8.ToArray(), transport.Written[0]);
    }

    [Fact]
    public void test_not_implemented()
    {
        var transport = new PlainTransport();
        Assert.Throws<NotImplementedException>(() => transport.SetWriteBufferLimits());
        Assert.Throws<NotImplementedException>(() => transport.GetWriteBufferSize());
        Assert.Throws<NotImplementedException>(() => transport.Write("data"u8));
        Assert.Throws<NotImplementedException>(() => transport.WriteEof());
        Assert.Throws<NotImplementedException>(() => transport.CanWriteEof());
        Assert.Throws<NotImplementedException>(() => transport.PauseReading());
        Assert.Throws<NotImplementedException>(() => transport.ResumeReading());
        Assert.Throws<NotImplementedException>(() => transport.IsReading());
        Assert.Throws<NotImplementedException>(() => transport.Close());
        Assert.Throws<NotImplementedException>(() => transport.Abort());
    }

    [Fact]
    public void test_dgram_not_implemented()
    {
        var transport = new PlainDatagramTransport();
        Assert.Throws<NotImplementedException>(() => transport.Sendto("data"u8));
        Assert.Throws<NotImplementedException>(() => transport.Abort());
    }

    [Fact]
    public void test_subprocess_transport_not_implemented()
    {
        var transport = new PlainSubprocessTransport();
        Assert.Throws<NotImplementedException>(() => transport.GetPid());
        Assert.Throws<NotImplementedException>(() => transport.GetReturncode());
        Assert.Throws<NotImplementedException>(() => transport.GetPipeTransport(1));
        Assert.Throws<NotImplementedException>(() => transport.SendSignal(1));
        Assert.Throws<NotImplementedException>(() => transport.Terminate());
        Assert.Throws<NotImplementedException>(() => transport.Kill());
    }

    [Fact]
    public void test_flowcontrol_mixin_set_write_limits()
    {
        var loop = new SelectorEventLoop();
        try
        {
            var transport = new FlowTransport(loop);
            Assert.False(transport.ProtocolPaused);
            var exc = Assert.Throws<ValueError>(() => transport.SetWriteBufferLimits(high: 0, low: 1));
            Assert.Matches("high.*must be >= low", exc.Message);

            transport.SetWriteBufferLimits(high: 1024, low: 128);
            Assert.False(transport.ProtocolPaused);
            Assert.Equal((128, 1024), transport.GetWriteBufferLimits());

            transport.SetWriteBufferLimits(high: 256, low: 128);
            Assert.True(transport.ProtocolPaused);
            Assert.Equal((128, 256), transport.GetWriteBufferLimits());
        }
        finally
        {
            loop.Close();
        }
    }
}

internal class PlainTransport : Transport
{
    public PlainTransport(Dictionary<string, object?>? extra = null) : base(extra) { }
}

internal sealed class PlainDatagramTransport : DatagramTransport
{
}

internal sealed class PlainSubprocessTransport : SubprocessTransport
{
}

internal sealed class MyTransport : PlainTransport
{
    public readonly List<byte[]> Written = new();

    public override void Write(ReadOnlySpan<byte> data) => Written.Add(data.ToArray());
}

internal sealed class FlowTransport : FlowControlMixin
{
    private readonly BaseProtocol _protocol = new();

    public FlowTransport(BaseEventLoop loop) : base(null, loop) { }

    private protected override BaseProtocol CurrentProtocol => _protocol;

    public override int GetWriteBufferSize() => 512;
}
