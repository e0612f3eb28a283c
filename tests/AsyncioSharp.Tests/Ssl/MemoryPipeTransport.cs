using AsyncioSharp;

namespace AsyncioSharp.Tests.Ssl;

/// <summary>
/// One end of an in-memory connection for testing SSLProtocol without sockets: a write reaches the other end's
/// protocol on the next loop iteration; close and abort end both sides (EOF for the peer, connection_lost for both).
/// </summary>
internal sealed class MemoryPipeTransport : Transport, IForceCloseTransport
{
    private readonly AbstractEventLoop _loop;
    private BaseProtocol _protocol;
    private bool _closing;
    private bool _paused;
    private readonly List<byte[]> _heldWhilePaused = new();

    private MemoryPipeTransport(AbstractEventLoop loop, BaseProtocol protocol)
    {
        _loop = loop;
        _protocol = protocol;
    }

    public MemoryPipeTransport? Peer { get; private set; }

    /// <summary>Every byte this end wrote, for tests that look at the wire.</summary>
    public List<byte[]> Written { get; } = new();

    public static (MemoryPipeTransport A, MemoryPipeTransport B) Pair(AbstractEventLoop loop, BaseProtocol a, BaseProtocol b)
    {
        var ta = new MemoryPipeTransport(loop, a);
        var tb = new MemoryPipeTransport(loop, b);
        ta.Peer = tb;
        tb.Peer = ta;
        loop.CallSoon(() => a.ConnectionMade(ta));
        loop.CallSoon(() => b.ConnectionMade(tb));
        return (ta, tb);
    }

    public override bool IsClosing() => _closing;

    public override BaseProtocol GetProtocol() => _protocol;

    public override void SetProtocol(BaseProtocol protocol) => _protocol = protocol;

    public override bool IsReading() => !_paused;

    public override void PauseReading() => _paused = true;

    public override void ResumeReading()
    {
        _paused = false;
        var held = _heldWhilePaused.ToList();
        _heldWhilePaused.Clear();
        foreach (var data in held)
        {
            Deliver(data);
        }
    }

    public override int GetWriteBufferSize() => 0;

    public override void Write(ReadOnlySpan<byte> data)
    {
        if (_closing)
        {
            return;
        }
        var copy = data.ToArray();
        Written.Add(copy);
        var peer = Peer!;
        _loop.CallSoon(() => peer.Deliver(copy));
    }

    private void Deliver(byte[] data)
    {
        if (_closing)
        {
            return;
        }
        if (_paused)
        {
            _heldWhilePaused.Add(data);
            return;
        }
        switch (_protocol)
        {
            case BufferedProtocol buffered:
                var offset = 0;
                while (offset < data.Length)
                {
                    var buf = buffered.GetBuffer(data.Length - offset);
                    var n = Math.Min(buf.Length, data.Length - offset);
                    data.AsSpan(offset, n).CopyTo(buf.Span);
                    buffered.BufferUpdated(n);
                    offset += n;
                }
                break;
            case Protocol plain:
                plain.DataReceived(data);
                break;
        }
    }

    public override void Close() => Shut(null);

    public override void Abort() => Shut(null);

    public void ForceClose(Exception? exc) => Shut(exc);

    private void Shut(Exception? exc)
    {
        if (_closing)
        {
            return;
        }
        _closing = true;
        var protocol = _protocol;
        _loop.CallSoon(() => protocol.ConnectionLost(exc));
        var peer = Peer!;
        _loop.CallSoon(peer.PeerClosed);
    }

    private void PeerClosed()
    {
        if (_closing)
        {
            return;
        }
        var keepOpen = _protocol switch
        {
            Protocol p => p.EofReceived(),
            BufferedProtocol b => b.EofReceived(),
            _ => false,
        };
        if (!keepOpen)
        {
            Close();
        }
    }
}
