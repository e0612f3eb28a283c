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
