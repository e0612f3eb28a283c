using System.Net;
using AsyncioSharp;
using Xunit;

namespace AsyncioSharp.Conformance;

/// <summary>CPython's test_buffered_proto <c>ReceiveStuffProto</c>: receives into its own 100-byte buffer.</summary>
public sealed class ReceiveStuffProto : BufferedProtocol
{
    private readonly Action<byte[]> _cb;
    private readonly Future _conLostFut;
    private byte[] _buffer = Array.Empty<byte>();

    public ReceiveStuffProto(Action<byte[]> cb, Future conLostFut)
    {
        _cb = cb;
        _conLostFut = conLostFut;
    }

    public override Memory<byte> GetBuffer(int sizehint) => _buffer = new byte[100];

    public override void BufferUpdated(int nbytes) => _cb(_buffer[..nbytes]);

    public override void ConnectionLost(Exception? exc)
    {
        if (exc is null)
        {
            _conLostFut.SetResult(null);
        }
        else
        {
            _conLostFut.SetException(exc);
        }
    }
}

/// <summary>
/// CPython's test_buffered_proto <c>BaseTestBufferedProtocol</c>. CPython's server side uses streams; here it is a
/// protocol doing the same: write NOISE, wait for one byte, close.
/// </summary>
public class BaseTestBufferedProtocol : LoopTestCase
{
    internal static readonly byte[] NOISE = Enumerable.Range(0, 1024).SelectMany(_ => "12345678+"u8.ToArray()).ToArray();

    [Fact]
    public void test_buffered_proto_create_connection()
    {
        async Coroutine Client(IPEndPoint addr)
        {
            var data = new List<byte>();
            Transport? tr = null;
            var connLostFut = Loop.CreateFuture();
            void OnBuf(byte[] buf)
            {
                data.AddRange(buf);
                if (data.Count == NOISE.Length)
                {
                    Assert.Equal(NOISE, data.ToArray());
                    tr!.Write("1"u8);
                }
            }
            var (t, _) = await Loop.CreateConnection(() => new ReceiveStuffProto(OnBuf, connLostFut), addr.Address.ToString(), addr.Port);
            tr = (Transport)t;
            await connLostFut;
        }

        var srv = (Server)Loop.RunUntilComplete(Loop.CreateServer(() => new NoiseServer(), "127.0.0.1", 0));
        var addr = (IPEndPoint)srv.Sockets[0].Getsockname();
        Loop.RunUntilComplete(Client(addr));
        srv.Close();
        Loop.RunUntilComplete(srv.WaitClosed());
    }
}

internal sealed class NoiseServer : Protocol
{
    private Transport? _transport;

    public override void ConnectionMade(BaseTransport transport)
    {
        _transport = (Transport)transport;
        _transport.Write(BaseTestBufferedProtocol.NOISE);
    }

    public override void DataReceived(ReadOnlySpan<byte> data) => _transport!.Close();
}
