using AsyncioSharp;
using AsyncioSharp.Ssl;
using Xunit;

namespace AsyncioSharp.Conformance;

/// <summary>CPython's <c>test_sslproto.SslProtoHandshakeTests</c>, with a recording transport where CPython uses mocks.</summary>
public class SslProtoHandshakeTests : LoopTestCase
{
    private readonly List<Action> _cleanups = new();

    static SslProtoHandshakeTests() => TlsSupport.Prime();

    private static SSLContext DummySslContext() => TlsSupport.DummyClientContext();

    private SSLProtocol SslProtocol(Future? waiter = null, BaseProtocol? proto = null)
    {
        proto ??= new Protocol();
        var sslProto = new SSLProtocol(Loop, proto, DummySslContext(), waiter, sslHandshakeTimeout: 0.1);
        Assert.Same(proto, sslProto.GetAppTransport().GetProtocol());
        var appTransport = sslProto.GetAppTransport();
        _cleanups.Add(appTransport.Close);
        return sslProto;
    }

    private static RecordingTransport ConnectionMade(SSLProtocol sslProto)
    {
        var transport = new RecordingTransport();
        sslProto.ConnectionMade(transport);
        return transport;
    }

    public override void Dispose()
    {
        foreach (var cleanup in _cleanups)
        {
            cleanup();
        }
        base.Dispose();
    }

    [Fact]
    public void test_handshake_timeout_zero()
    {
        var e = Assert.Throws<ValueError>(() => new SSLProtocol(Loop, new Protocol(), DummySslContext(), null, sslHandshakeTimeout: 0));
        Assert.Contains("a positive number", e.Message);
    }

    [Fact]
    public void test_handshake_timeout_negative()
    {
        var e = Assert.Throws<ValueError>(() => new SSLProtocol(Loop, new Protocol(), DummySslContext(), null, sslHandshakeTimeout: -10));
        Assert.Contains("a positive number", e.Message);
    }

    [Fact]
    public void test_eof_received_waiter()
    {
        var waiter = Loop.CreateFuture();
        var sslProto = SslProtocol(waiter);
        ConnectionMade(sslProto);
        sslProto.EofReceived();
        RunBriefly();
        Assert.IsType<ConnectionResetError>(waiter.Exception());
    }

    [Fact]
    public void test_connection_lost()
    {
        var waiter = Loop.CreateFuture();
        var sslProto = SslProtocol(waiter);
        ConnectionMade(sslProto);
        sslProto.ConnectionLost(new ConnectionAbortedError(""));
        RunBriefly();
        Assert.IsType<ConnectionAbortedError>(waiter.Exception());
    }

    [Fact]
    public void test_close_during_handshake()
    {
        var waiter = Loop.CreateFuture();
        var sslProto = SslProtocol(waiter);
        var transport = ConnectionMade(sslProto);
        RunBriefly();
        sslProto.GetAppTransport().Close();
        Assert.True(transport.AbortCalled);
    }

    [Fact]
    public void test_get_extra_info_on_closed_connection()
    {
        var waiter = Loop.CreateFuture();
        var sslProto = SslProtocol(waiter);
        Assert.Null(sslProto.GetExtraInfo("socket", null));
        var @default = new object();
        Assert.Same(@default, sslProto.GetExtraInfo("socket", @default));
        ConnectionMade(sslProto);
        Assert.NotNull(sslProto.GetExtraInfo("socket", null));
        sslProto.ConnectionLost(null);
        Assert.Null(sslProto.GetExtraInfo("socket", null));
    }

    [Fact]
    public void test_set_new_app_protocol()
    {
        var waiter = Loop.CreateFuture();
        var sslProto = SslProtocol(waiter);
        var newAppProto = new Protocol();
        sslProto.GetAppTransport().SetProtocol(newAppProto);
        Assert.Same(newAppProto, sslProto.GetAppTransport().GetProtocol());
        Assert.Same(newAppProto, sslProto.AppProtocol);
    }

    [Fact]
    public void test_data_received_after_closing()
    {
        var sslProto = SslProtocol();
        ConnectionMade(sslProto);
        var transp = sslProto.GetAppTransport();
        transp.Close();
        sslProto.BufferUpdated(5);
    }

    [Fact]
    public void test_write_after_closing()
    {
        var sslProto = SslProtocol();
        ConnectionMade(sslProto);
        var transp = sslProto.GetAppTransport();
        transp.Close();
        transp.Write("data"u8);
    }

    /// <summary>Stands in for CPython's <c>mock.Mock()</c> transport: records what SSLProtocol calls.</summary>
    private sealed class RecordingTransport : Transport
    {
        private readonly object _socket = new();

        public override object? GetExtraInfo(string name, object? @default = null) => name == "socket" ? _socket : @default;

        public bool AbortCalled { get; private set; }

        public List<byte[]> Written { get; } = new();

        public override void Abort() => AbortCalled = true;

        public override void Close() { }

        public override void Write(ReadOnlySpan<byte> data) => Written.Add(data.ToArray());

        public override void PauseReading() { }

        public override void ResumeReading() { }
    }
}
