using System.Net.Sockets;
using AsyncioSharp;
using Xunit;

namespace AsyncioSharp.Conformance;

/// <summary>
/// CPython's <c>test_sendfile.SockSendfileMixin</c> (with SendfileBase's data file), run on the epoll loop. The
/// receiving side is a socket the loop drains (see <see cref="SendfileTestPeer"/>).
/// </summary>
public class SockSendfileMixin : LoopTestCase
{
    // 256 KiB plus a small unaligned chunk.
    private static readonly byte[] DATA = Enumerable.Repeat((byte)'x', 1024 * 256 + 1).ToArray();
    private const int BUF_SIZE = 4 * 1024;

    private readonly string _path = Path.Combine(Path.GetTempPath(), "asx-sendfile-" + Guid.NewGuid().ToString("N"));
    private readonly FileStream _file;

    public SockSendfileMixin()
    {
        File.WriteAllBytes(_path, DATA);
        _file = new FileStream(_path, FileMode.Open, FileAccess.Read);
    }

    public override void Dispose()
    {
        _file.Dispose();
        File.Delete(_path);
        base.Dispose();
    }

    private T RunLoop<T>(IAwaitable<T> coro) => Loop.RunUntilComplete(coro);

    private SendfileTestPeer PrepareSocksendfile() => new(Loop, BUF_SIZE);

    [Fact]
    public void test_sock_sendfile_success()
    {
        using var peer = PrepareSocksendfile();
        var ret = RunLoop(Loop.SockSendfile(peer.Sock, _file));
        peer.Sock.Close();
        var data = RunLoop(peer.Received);

        Assert.Equal(DATA.Length, ret);
        Assert.Equal(DATA, data);
        Assert.Equal(DATA.Length, _file.Position);
    }

    [Fact]
    public void test_sock_sendfile_with_offset_and_count()
    {
        using var peer = PrepareSocksendfile();
        var ret = RunLoop(Loop.SockSendfile(peer.Sock, _file, 1000, 2000));
        peer.Sock.Close();
        var data = RunLoop(peer.Received);

        Assert.Equal(DATA[1000..3000], data);
        Assert.Equal(3000, _file.Position);
        Assert.Equal(2000, ret);
    }

    [Fact]
    public void test_sock_sendfile_zero_size()
    {
        using var peer = PrepareSocksendfile();
        var emptyPath = Path.GetTempFileName();
        long ret;
        using (var f = new FileStream(emptyPath, FileMode.Open, FileAccess.Read, FileShare.None, 4096, FileOptions.DeleteOnClose))
        {
            ret = RunLoop(Loop.SockSendfile(peer.Sock, f, 0, null));
        }
        peer.Sock.Close();
        RunLoop(peer.Received);

        Assert.Equal(0, ret);
        Assert.Equal(0, _file.Position);
    }

    [Fact]
    public void test_sock_sendfile_mix_with_regular_send()
    {
        var buf = Enumerable.Repeat("mix_regular_send"u8.ToArray(), 4 * 1024).SelectMany(b => b).ToArray();
        using var peer = PrepareSocksendfile();
        RunLoop(WithResult(Loop.SockSendall(peer.Sock, buf)));
        var ret = RunLoop(Loop.SockSendfile(peer.Sock, _file));
        RunLoop(WithResult(Loop.SockSendall(peer.Sock, buf)));
        peer.Sock.Close();
        var data = RunLoop(peer.Received);

        Assert.Equal(DATA.Length, ret);
        Assert.Equal(buf.Concat(DATA).Concat(buf).ToArray(), data);
        Assert.Equal(DATA.Length, _file.Position);
    }

    private static async Coroutine<bool> WithResult(Coroutine coro)
    {
        await coro;
        return true;
    }
}

/// <summary>
/// CPython's <c>test_base_events.BaseLoopSockSendfileTests</c>: the argument checks and the read-and-send fallback
/// of sock_sendfile (CPython runs them on a loop without the native path; here the fallback is forced with a
/// stream that has no file descriptor, or with fallback=False on a loop that has no native path).
/// </summary>
public class BaseLoopSockSendfileTests : LoopTestCase
{
    private static readonly byte[] DATA = Enumerable.Repeat("12345abcde"u8.ToArray(), 16 * 1024).SelectMany(b => b).ToArray();

    private readonly MemoryStream _file = new(DATA);

    private T RunLoop<T>(IAwaitable<T> coro) => Loop.RunUntilComplete(coro);

    private Socket MakeSocket(bool blocking = false) =>
        new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { Blocking = blocking };

    [Fact]
    public void test__sock_sendfile_native_failure()
    {
        using var peer = new SendfileTestPeer(Loop);
        var exc = Assert.Throws<SendfileNotAvailableError>(() => RunLoop(Loop.SockSendfileNative(peer.Sock, _file, 0, null)));
        Assert.Contains("not a regular file", exc.Message);
        peer.Sock.Close();
        Assert.Empty(RunLoop(peer.Received));
        Assert.Equal(0, _file.Position);
    }

    [Fact]
    public void test_sock_sendfile_no_fallback()
    {
        using var peer = new SendfileTestPeer(Loop);
        Assert.Throws<SendfileNotAvailableError>(() => RunLoop(Loop.SockSendfile(peer.Sock, _file, fallback: false)));
        Assert.Equal(0, _file.Position);
        peer.Sock.Close();
        Assert.Empty(RunLoop(peer.Received));
    }

    [Fact]
    public void test_sock_sendfile_fallback()
    {
        using var peer = new SendfileTestPeer(Loop);
        var ret = RunLoop(Loop.SockSendfile(peer.Sock, _file));
        peer.Sock.Close();
        var data = RunLoop(peer.Received);

        Assert.Equal(DATA.Length, ret);
        Assert.Equal(DATA.Length, _file.Position);
        Assert.Equal(DATA, data);
    }

    [Fact]
    public void test_sock_sendfile_fallback_offset_and_count()
    {
        using var peer = new SendfileTestPeer(Loop);
        var ret = RunLoop(Loop.SockSendfile(peer.Sock, _file, 1000, 2000));
        peer.Sock.Close();
        var data = RunLoop(peer.Received);

        Assert.Equal(2000, ret);
        Assert.Equal(3000, _file.Position);
        Assert.Equal(DATA[1000..3000], data);
    }

    [Fact]
    public void test_blocking_socket()
    {
        Loop.SetDebug(true);
        using var sock = MakeSocket(blocking: true);
        var exc = Assert.Throws<ValueError>(() => RunLoop(Loop.SockSendfile(sock, _file)));
        Assert.Contains("must be non-blocking", exc.Message);
    }

    [Fact]
    public void test_nonstream_socket()
    {
        using var sock = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { Blocking = false };
        var exc = Assert.Throws<ValueError>(() => RunLoop(Loop.SockSendfile(sock, _file)));
        Assert.Contains("only SOCK_STREAM type", exc.Message);
    }

    [Fact]
    public void test_negative_count()
    {
        using var sock = MakeSocket();
        var exc = Assert.Throws<ValueError>(() => RunLoop(Loop.SockSendfile(sock, _file, 0, -1)));
        Assert.Contains("count must be a positive integer", exc.Message);
    }

    [Fact]
    public void test_negative_offset()
    {
        using var sock = MakeSocket();
        var exc = Assert.Throws<ValueError>(() => RunLoop(Loop.SockSendfile(sock, _file, -1)));
        Assert.Contains("offset must be a non-negative integer", exc.Message);
    }
}

/// <summary>CPython's <c>test_sendfile.MySendfileProto</c>: collects what it receives, closing after close_after bytes.</summary>
public class MySendfileProto : MyBaseProto
{
    private readonly int _closeAfter;

    public MySendfileProto(AbstractEventLoop? loop = null, int closeAfter = 0) : base(loop)
    {
        _closeAfter = closeAfter;
    }

    public MemoryStream Data { get; } = new();

    public override void DataReceived(ReadOnlySpan<byte> data)
    {
        base.DataReceived(data);
        Data.Write(data);
        if (_closeAfter > 0 && Nbytes >= _closeAfter)
        {
            Transport!.Close();
        }
    }
}

/// <summary>CPython's <c>test_sendfile.SendfileMixin</c>: loop.sendfile() over a socket transport (the TLS ones belong to the TLS port).</summary>
public partial class SendfileMixin : LoopTestCase
{
    // 256 KiB plus a small unaligned chunk.
    private static readonly byte[] DATA = Enumerable.Repeat((byte)'x', 1024 * 256 + 1).ToArray();
    private const int BUF_SIZE = 4 * 1024;

    private readonly string _path = Path.Combine(Path.GetTempPath(), "asx-sendfile-" + Guid.NewGuid().ToString("N"));
    private readonly FileStream _file;
    private readonly List<Action> _cleanups = new();

    public SendfileMixin()
    {
        File.WriteAllBytes(_path, DATA);
        _file = new FileStream(_path, FileMode.Open, FileAccess.Read);
    }

    protected override SelectorEventLoop CreateLoop() => new HookedSelectorLoop();

    private HookedSelectorLoop Hooked => (HookedSelectorLoop)Loop;

    public override void Dispose()
    {
        foreach (var cleanup in _cleanups)
        {
            cleanup();
        }
        _file.Dispose();
        File.Delete(_path);
        base.Dispose();
    }

    private T RunLoop<T>(IAwaitable<T> coro) => Loop.RunUntilComplete(coro);

    private void RunLoop(IAwaitable coro) => Loop.RunUntilComplete(coro);

    /// <summary>Python's base <c>_sendfile_native</c>, standing in for the loop's: sendfile(2) "is not supported".</summary>
    private void ForceFallback() =>
        Hooked.SendfileNativeHook = (_, _, _, _) => throw new SendfileNotAvailableError("sendfile syscall is not supported");

    private (MySendfileProto Srv, MySendfileProto Cli) PrepareSendfile(int closeAfter = 0, bool isSsl = false)
    {
        var srvProto = new MySendfileProto(Loop, closeAfter);
        var srvSock = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        srvSock.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        var server = RunLoop(Loop.CreateServer(() => srvProto, sock: srvSock, ssl: isSsl ? TlsSupport.ServerContext() : null));
        // Reduce the receive buffer size to test on relatively small data sets.
        srvSock.ReceiveBufferSize = BUF_SIZE;

        var cliSock = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        cliSock.Connect(srvSock.LocalEndPoint!);
        var cliProto = new MySendfileProto(Loop);
        var (tr, _) = RunLoop(Loop.CreateConnection(() => cliProto, sock: cliSock,
            ssl: isSsl ? TlsSupport.DummyClientContext() : null, serverHostname: isSsl ? "127.0.0.1" : null));
        cliSock.SendBufferSize = BUF_SIZE;
        ((WriteTransport)tr).SetWriteBufferLimits(high: BUF_SIZE);
        RunLoop(srvProto.Connected!);

        _cleanups.Add(() =>
        {
            srvProto.Transport!.Close();
            cliProto.Transport!.Close();
            RunLoop(srvProto.Done!);
            RunLoop(cliProto.Done!);
            server.Close();
            RunLoop(server.WaitClosed());
        });
        return (srvProto, cliProto);
    }

    [Fact]
    public void test_sendfile_not_supported()
    {
        var (tr, _) = RunLoop(Loop.CreateDatagramEndpoint(() => new DatagramProtocol(), family: AddressFamily.InterNetwork));
        try
        {
            var exc = Assert.Throws<RuntimeError>(() => RunLoop(Loop.Sendfile(tr, _file)));
            Assert.Contains("not supported", exc.Message);
            Assert.Equal(0, _file.Position);
        }
        finally
        {
            tr.Close();
            RunBriefly();
        }
    }

    /// <summary>The common part of the whole-file tests: sendfile, close, and everything arrived.</summary>
    private void SendWholeFile(MySendfileProto srvProto, MySendfileProto cliProto)
    {
        var ret = RunLoop(Loop.Sendfile(cliProto.Transport!, _file));
        cliProto.Transport!.Close();
        RunLoop(srvProto.Done!);
        Assert.Equal(DATA.Length, ret);
        Assert.Equal(DATA.Length, srvProto.Nbytes);
        Assert.Equal(DATA, srvProto.Data.ToArray());
        Assert.Equal(DATA.Length, _file.Position);
    }

    [Fact]
    public void test_sendfile()
    {
        var (srvProto, cliProto) = PrepareSendfile();
        SendWholeFile(srvProto, cliProto);
    }

    [Fact]
    public void test_sendfile_force_fallback()
    {
        var (srvProto, cliProto) = PrepareSendfile();
        ForceFallback();
        SendWholeFile(srvProto, cliProto);
    }

    [Fact]
    public void test_sendfile_force_unsupported_native()
    {
        var (srvProto, cliProto) = PrepareSendfile();
        ForceFallback();
        var exc = Assert.Throws<SendfileNotAvailableError>(() => RunLoop(Loop.Sendfile(cliProto.Transport!, _file, fallback: false)));
        Assert.Contains("not supported", exc.Message);
        cliProto.Transport!.Close();
        RunLoop(srvProto.Done!);
        Assert.Equal(0, srvProto.Nbytes);
        Assert.Equal(0, _file.Position);
    }

    [Fact]
    public void test_sendfile_for_closing_transp()
    {
        var (srvProto, cliProto) = PrepareSendfile();
        cliProto.Transport!.Close();
        var exc = Assert.Throws<RuntimeError>(() => RunLoop(Loop.Sendfile(cliProto.Transport, _file)));
        Assert.Contains("is closing", exc.Message);
        RunLoop(srvProto.Done!);
        Assert.Equal(0, srvProto.Nbytes);
        Assert.Equal(0, _file.Position);
    }

    [Fact]
    public void test_sendfile_pre_and_post_data() => PreAndPostData(PrepareSendfile());

    private void PreAndPostData((MySendfileProto Srv, MySendfileProto Cli) protos)
    {
        var (srvProto, cliProto) = protos;
        var prefix = Enumerable.Repeat("PREFIX__"u8.ToArray(), 1024).SelectMany(b => b).ToArray();
        var suffix = Enumerable.Repeat("--SUFFIX"u8.ToArray(), 1024).SelectMany(b => b).ToArray();
        var tr = (WriteTransport)cliProto.Transport!;
        tr.Write(prefix);
        var ret = RunLoop(Loop.Sendfile(tr, _file));
        tr.Write(suffix);
        tr.Close();
        RunLoop(srvProto.Done!);
        Assert.Equal(DATA.Length, ret);
        Assert.Equal(prefix.Concat(DATA).Concat(suffix).ToArray(), srvProto.Data.ToArray());
        Assert.Equal(DATA.Length, _file.Position);
    }

    [Fact]
    public void test_sendfile_partial() => Partial(PrepareSendfile());

    private void Partial((MySendfileProto Srv, MySendfileProto Cli) protos)
    {
        var (srvProto, cliProto) = protos;
        var ret = RunLoop(Loop.Sendfile(cliProto.Transport!, _file, 1000, 100));
        cliProto.Transport!.Close();
        RunLoop(srvProto.Done!);
        Assert.Equal(100, ret);
        Assert.Equal(100, srvProto.Nbytes);
        Assert.Equal(DATA[1000..1100], srvProto.Data.ToArray());
        Assert.Equal(1100, _file.Position);
    }

    [Fact]
    public void test_sendfile_close_peer_after_receiving()
    {
        var (srvProto, cliProto) = PrepareSendfile(closeAfter: DATA.Length);
        SendWholeFile(srvProto, cliProto);
    }

    [Fact]
    public void test_sendfile_close_peer_in_the_middle_of_receiving()
    {
        var (srvProto, cliProto) = PrepareSendfile(closeAfter: 1024);
        Assert.ThrowsAny<ConnectionError>(() => RunLoop(Loop.Sendfile(cliProto.Transport!, _file)));
        RunLoop(srvProto.Done!);
        Assert.InRange(srvProto.Nbytes, 1024, DATA.Length - 1);
        Assert.InRange(_file.Position, 1024, DATA.Length - 1);
        Assert.True(cliProto.Transport!.IsClosing());
    }

    [Fact]
    public void test_sendfile_fallback_close_peer_in_the_middle_of_receiving()
    {
        ForceFallback();
        var (srvProto, cliProto) = PrepareSendfile(closeAfter: 1024);
        Assert.ThrowsAny<ConnectionError>(() => RunLoop(Loop.Sendfile(cliProto.Transport!, _file)));
        RunLoop(srvProto.Done!);
        Assert.InRange(srvProto.Nbytes, 1024, DATA.Length - 1);
        Assert.InRange(_file.Position, 1024, DATA.Length - 1);
    }

    [Fact]
    public void test_sendfile_prevents_bare_write()
    {
        var (_, cliProto) = PrepareSendfile();
        var fut = Loop.CreateFuture();

        async Coroutine<long> Coro()
        {
            fut.SetResult(null);
            return await Loop.Sendfile(cliProto.Transport!, _file);
        }

        var t = Loop.CreateTask(Coro());
        RunLoop(fut);
        var exc = Assert.Throws<RuntimeError>(() => ((WriteTransport)cliProto.Transport!).Write("data"u8));
        Assert.Contains("sendfile is in progress", exc.Message);
        var ret = RunLoop(t);
        Assert.Equal(DATA.Length, ret);
    }

    private sealed class FallbackOnlyTransport : BaseTransport
    {
        public override bool IsClosing() => false;

        internal override SendfileMode SendfileCompatible => SendfileMode.Fallback;
    }

    [Fact]
    public void test_sendfile_no_fallback_for_fallback_transport()
    {
        var transport = new FallbackOnlyTransport();
        var exc = Assert.Throws<RuntimeError>(() => Loop.RunUntilComplete(Loop.Sendfile(transport, Stream.Null, fallback: false)));
        Assert.Contains("fallback is disabled", exc.Message);
    }
}
