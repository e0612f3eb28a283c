using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using AsyncioSharp.Interop;

namespace AsyncioSharp;

/// <summary>
/// Python's <c>selector_events._SelectorDatagramTransport</c>: a UDP (or unix datagram) socket on the selector
/// loop. Reads are delivered to <see cref="DatagramProtocol.DatagramReceived"/>; sends that would block are queued,
/// with the write-buffer flow control of Python's <c>_FlowControlMixin</c>.
/// </summary>
public sealed class SelectorDatagramTransport : DatagramTransport
{
    /// <summary>Python's <c>max_size</c>: the largest datagram read at once.</summary>
    public const int MaxSize = 256 * 1024;

    // Python's constants.LOG_THRESHOLD_FOR_CONNLOST_WRITES.
    private const int LogThresholdForConnlostWrites = 5;

    private readonly SelectorEventLoop _loop;
    private readonly Socket _sock;
    private readonly int _sockFd;
    private readonly EndPoint? _address;
    private readonly bool _connected;
    private readonly Queue<(byte[] Data, EndPoint? Addr)> _buffer = new();
    private readonly Action _readReady;
    private readonly Action _sendtoReady;
    private DatagramProtocol? _protocol;
    private int _bufferSize;
    private int _connLost;
    private bool _closing;
    private bool _sockClosed;
    private readonly WriteFlowControl _flow;

    internal SelectorDatagramTransport(SelectorEventLoop loop, Socket sock, DatagramProtocol protocol, EndPoint? address,
        Future? waiter, IReadOnlyDictionary<string, object?>? extra = null)
        : base(SocketExtra(sock, extra))
    {
        _loop = loop;
        _sock = sock;
        _sockFd = (int)sock.Handle;
        _address = address;
        _connected = GetExtraInfo("peername") is not null;
        _protocol = protocol;
        _readReady = ReadReady;
        _sendtoReady = SendtoReady;
        _flow = new WriteFlowControl(loop, this, () => _bufferSize);
        loop.Transports[_sockFd] = this;
        _loop.CallSoon(() => protocol.ConnectionMade(this));
        // Only start reading when connection_made() has been called.
        _loop.CallSoon(() =>
        {
            if (IsReading())
            {
                _loop.AddReaderCore(_sockFd, _readReady);
            }
        });
        if (waiter is not null)
        {
            // Only wake up the waiter when connection_made() has been called.
            _loop.CallSoon(() => Futures.SetResultUnlessCancelled(waiter, null));
        }
    }

    /// <summary>The extra info every selector transport has: 'socket', 'sockname', 'peername'.</summary>
    internal static Dictionary<string, object?> SocketExtra(Socket sock, IReadOnlyDictionary<string, object?>? extra)
    {
        var result = extra is null ? new Dictionary<string, object?>() : new Dictionary<string, object?>(extra);
        result["socket"] = new TransportSocket(sock);
        result["sockname"] = TryGet(() => sock.LocalEndPoint);
        if (!result.ContainsKey("peername"))
        {
            result["peername"] = TryGet(() => sock.RemoteEndPoint);
        }
        return result;

        static EndPoint? TryGet(Func<EndPoint?> get)
        {
            try
            {
                return get();
            }
            catch (Exception exc) when (exc is SocketException or ObjectDisposedException)
            {
                return null;
            }
        }
    }

    /// <summary>Python's <c>get_write_buffer_size()</c>: the bytes of the queued datagrams.</summary>
    public int GetWriteBufferSize() => _bufferSize;

    /// <summary>Python's <c>get_write_buffer_limits()</c>: (low, high).</summary>
    public (int Low, int High) GetWriteBufferLimits() => (_flow.LowWater, _flow.HighWater);

    /// <summary>Python's <c>set_write_buffer_limits(high=None, low=None)</c>.</summary>
    public void SetWriteBufferLimits(int? high = null, int? low = null)
    {
        _flow.SetLimits(high, low);
        _flow.MaybePauseProtocol(_protocol);
    }

    /// <inheritdoc />
    public override bool IsClosing() => _closing;

    /// <summary>Python's <c>is_reading()</c>.</summary>
    public bool IsReading() => !_closing;

    /// <inheritdoc />
    public override void SetProtocol(BaseProtocol protocol) => _protocol = (DatagramProtocol)protocol;

    /// <inheritdoc />
    public override BaseProtocol GetProtocol() => _protocol!;

    /// <inheritdoc />
    public override void Abort() => ForceClose(null);

    /// <inheritdoc />
    public override void Close()
    {
        if (_closing)
        {
            return;
        }
        _closing = true;
        _loop.RemoveReaderCore(_sockFd);
        if (_buffer.Count == 0)
        {
            _connLost++;
            _loop.RemoveWriterCore(_sockFd);
            _loop.CallSoon(() => CallConnectionLost(null));
        }
    }

    /// <inheritdoc />
    public override void Sendto(ReadOnlySpan<byte> data, EndPoint? addr = null)
    {
        if (data.IsEmpty)
        {
            return;
        }
        if (_address is not null)
        {
            if (addr is not null && !addr.Equals(_address))
            {
                throw new ValueError($"Invalid address: must be None or {Errno.FormatAddress(_address)}");
            }
            addr = _address;
        }
        if (_connLost > 0 && _address is not null)
        {
            if (_connLost >= LogThresholdForConnlostWrites)
            {
                Log.Warning("socket.send() raised exception.");
            }
            _connLost++;
            return;
        }
        if (_buffer.Count == 0)
        {
            // Attempt to send it right away first.
            try
            {
                if (TrySendOne(data, addr))
                {
                    return;
                }
                _loop.AddWriterCore(_sockFd, _sendtoReady);
            }
            catch (OSError exc)
            {
                _protocol!.ErrorReceived(exc);
                return;
            }
            catch (Exception exc)
            {
                FatalError(exc, "Fatal write error on datagram transport");
                return;
            }
        }
        _buffer.Enqueue((data.ToArray(), addr));
        _bufferSize += data.Length;
        _flow.MaybePauseProtocol(_protocol);
    }

    /// <summary>One send; false if it would block.</summary>
    private bool TrySendOne(ReadOnlySpan<byte> data, EndPoint? addr)
    {
        if (_connected)
        {
            return SelectorEventLoop.TrySend(_sock, data, out _);
        }
        if (addr is null)
        {
            // Python's sock.sendto(data, None) on an unconnected socket: a TypeError, so a fatal write error.
            throw new TypeError(_sock.AddressFamily switch
            {
                System.Net.Sockets.AddressFamily.InterNetwork => "sendto(): AF_INET address must be tuple, not NoneType",
                System.Net.Sockets.AddressFamily.InterNetworkV6 => "sendto(): AF_INET6 address must be tuple, not NoneType",
                _ => "a bytes-like object is required, not 'NoneType'",
            });
        }
        return SelectorEventLoop.TrySendTo(_sock, data, addr, out _);
    }

    private void ReadReady()
    {
        if (_connLost > 0)
        {
            return;
        }
        // The loop's shared buffer: datagram_received's span is only valid during the call.
        var buffer = _loop.ReadBuffer;
        int n;
        EndPoint addr;
        try
        {
            if (!SelectorEventLoop.TryReceiveFrom(_sock, buffer, out n, out addr))
            {
                return;
            }
        }
        catch (OSError exc)
        {
            _protocol!.ErrorReceived(exc);
            return;
        }
        catch (Exception exc)
        {
            FatalError(exc, "Fatal read error on datagram transport");
            return;
        }
        _protocol!.DatagramReceived(buffer.AsSpan(0, n), addr);
    }

    private void SendtoReady()
    {
        while (_buffer.Count > 0)
        {
            var (data, addr) = _buffer.Peek();
            try
            {
                if (!TrySendOne(data, addr))
                {
                    // Try again later.
                    break;
                }
            }
            catch (OSError exc)
            {
                _buffer.Dequeue();
                _bufferSize -= data.Length;
                _protocol!.ErrorReceived(exc);
                return;
            }
            catch (Exception exc)
            {
                _buffer.Dequeue();
                _bufferSize -= data.Length;
                FatalError(exc, "Fatal write error on datagram transport");
                return;
            }
            _buffer.Dequeue();
            _bufferSize -= data.Length;
        }
        // May append to the buffer.
        _flow.MaybeResumeProtocol(_protocol);
        if (_buffer.Count == 0)
        {
            _loop.RemoveWriterCore(_sockFd);
            if (_closing)
            {
                CallConnectionLost(null);
            }
        }
    }

    /// <summary>Python's <c>_fatal_error</c>: OSErrors are only logged in debug mode, others go to the handler.</summary>
    internal void FatalError(Exception exc, string message = "Fatal error on transport")
    {
        FatalErrors.Report(_loop, exc is OSError, this, _protocol, exc, message);
        ForceClose(exc);
    }

    private void ForceClose(Exception? exc)
    {
        if (_connLost > 0)
        {
            return;
        }
        if (_buffer.Count > 0)
        {
            _buffer.Clear();
            _bufferSize = 0;
            _loop.RemoveWriterCore(_sockFd);
        }
        if (!_closing)
        {
            _closing = true;
            _loop.RemoveReaderCore(_sockFd);
        }
        _connLost++;
        _loop.CallSoon(() => CallConnectionLost(exc));
    }

    private void CallConnectionLost(Exception? exc)
    {
        if (_sockClosed)
        {
            return;
        }
        try
        {
            _protocol?.ConnectionLost(exc);
        }
        finally
        {
            _sockClosed = true;
            // Forget the fd before closing it: the number may be reused at once.
            _loop.ForgetTransport(_sockFd, this);
            _sock.Dispose();
            _protocol = null;
        }
    }

    /// <inheritdoc />
    public override string ToString()
    {
        var state = _sockClosed ? "closed" : _closing ? "closing" : "open";
        return $"<SelectorDatagramTransport {state} fd={_sockFd} bufsize={_bufferSize}>";
    }
}
