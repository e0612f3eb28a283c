using AsyncioSharp;
using Xunit;

namespace AsyncioSharp.Conformance;

/// <summary>The TLS tests of CPython's test_sendfile <c>SendfileMixin</c>: over TLS, sendfile takes the fallback path.</summary>
public partial class SendfileMixin
{
    static SendfileMixin() => TlsSupport.Prime();

    [Fact]
    public void test_sendfile_ssl()
    {
        var (srvProto, cliProto) = PrepareSendfile(isSsl: true);
        SendWholeFile(srvProto, cliProto);
    }

    [Fact]
    public void test_sendfile_ssl_pre_and_post_data() => PreAndPostData(PrepareSendfile(isSsl: true));

    [Fact]
    public void test_sendfile_ssl_partial() => Partial(PrepareSendfile(isSsl: true));

    [Fact]
    public void test_sendfile_ssl_close_peer_after_receiving()
    {
        var (srvProto, cliProto) = PrepareSendfile(closeAfter: DATA.Length, isSsl: true);
        var ret = RunLoop(Loop.Sendfile(cliProto.Transport!, _file));
        // The server closes once it has everything; the client does not close first.
        RunLoop(srvProto.Done!);
        Assert.Equal(DATA.Length, ret);
        Assert.Equal(DATA.Length, srvProto.Nbytes);
        Assert.Equal(DATA, srvProto.Data.ToArray());
        Assert.Equal(DATA.Length, _file.Position);
    }
}
