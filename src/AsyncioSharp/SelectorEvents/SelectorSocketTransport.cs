using System;
using System.Collections.Generic;
using System.Net.Sockets;
using System.Runtime.CompilerServices;

namespace AsyncioSharp;

/// <summary>
/// Python's <c>selector_events._SelectorSocketTransport</c>: a stream socket transport. Reads happen when the
/// socket is readable, into the loop's shared buffer (or the buffer a <see cref="BufferedProtocol"/> gives);
/// a write is sent at once when nothing is pending, otherwise buffered until the socket is writable.
/// </summary>
internal sealed class SelectorSocketTransport : SelectorTransport, IStartTlsCompatible
{
    private readonly Action _writeReady;
    private Protocol? _dataProtocol;
    private BufferedProtocol? _bufferedProtocol;
    private bool _eof;
    private Future? _emptyWaiter;

    internal SelectorSocketTransport(SelectorEventLoop loop, Socket sock, BaseProtocol protocol, Future? waiter = null,
        Dictionary<string, object?>? extra = null, Server? server = null)
        : base(loop, sock, protocol, extra, server)
    {
        _writeReady = WriteReady;
        BaseEventLoop.SetNodelay(sock);
        _loop.CallSoonCore(static s =>
        {
            var transport = (SelectorSocketTransport)s!;
            transport.GetProtocol().ConnectionMade(transport);
        }, this, null);
        _loop.CallSoonCore(static s => ((SelectorSocketTransport)s!).AddReader(), this, null);
        if (waiter is not null)
        {
            _loop.CallSoonCore(static w => Futures.SetResultUnlessCancelled((Future)w!, null), waiter, null);
        }
    }

    /// <inheritdoc />
    public override void SetProtocol(BaseProtocol protocol)
    {
        _bufferedProtocol = protocol as BufferedProtocol;
        _dataProtocol = protocol as Protocol;
        base.SetProtocol(protocol);
    }

    /// <inheritdoc />
    private protected override void ReadReady()
    {
        if (_bufferedProtocol is not null)
        {
            ReadReadyGetBuffer(_bufferedProtocol);
        }
        else
        {
            ReadReadyDataReceived();
        }
    }

    /// <summary>Python's <c>_read_ready__get_buffer()</c>.</summary>
    private void ReadReadyGetBuffer(BufferedProtocol protocol)
    {
        if (_connLost != 0)
        {
            return;
        }
        Memory<byte> buf;
        Memory<byte> direct = default;
        try
        {
            buf = protocol is SSLProtocol tls ? tls.GetBuffers(out direct) : protocol.GetBuffer(-1);
            if (buf.Length == 0)
            {
                throw new RuntimeError("get_buffer() returned an empty buffer");
            }
        }
        catch (Exception exc)
        {
            FatalError(exc, "Fatal error: protocol.get_buffer() call failed.");
            return;
        }
        var nbytes = direct.IsEmpty ? Recv(buf.Span, out var errno) : RecvSplit(direct.Span, buf.Span, out errno);
        if (nbytes < 0)
        {
            ReadFailed(errno);
            return;
        }
        if (nbytes == 0)
        {
            ReadReadyOnEof();
            return;
        }
        try
        {
            protocol.BufferUpdated(nbytes);
        }
        catch (Exception exc)
        {
            FatalError(exc, "Fatal error: protocol.buffer_updated() call failed.");
        }
    }

    /// <summary>Python's <c>_read_ready__data_received()</c>.</summary>
    // Runs for every I/O event: compiled optimized once, at first call, rather than at tier 0 and again later.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ReadReadyDataReceived()
    {
        if (_connLost != 0)
        {
            return;
        }
        var buffer = _selectorLoop.ReadBuffer;
        var nbytes = Recv(buffer, out var errno);
        if (nbytes < 0)
        {
            ReadFailed(errno);
            return;
        }
        if (nbytes == 0)
        {
            ReadReadyOnEof();
            return;
        }
        try
        {
            if (_dataProtocol is null)
            {
                throw new TypeError($"'{GetProtocol().GetType().Name}' object has no attribute 'data_received'");
            }
            _dataProtocol.DataReceived(buffer.AsSpan(0, nbytes));
        }
        catch (Exception exc)
        {
            FatalError(exc, "Fatal error: protocol.data_received() call failed.");
        }
    }

    private void ReadFailed(int errno)
    {
        if (errno is Errno.EAGAIN or Errno.EINTR)
        {
            return;
        }
        FatalError(Errno.Error(errno), "Fatal read error on socket transport");
    }

    /// <summary>Python's <c>_read_ready__on_eof()</c>: eof_received() returning true keeps the write side open.</summary>
    private void ReadReadyOnEof()
    {
        if (_loop.GetDebug())
        {
            Log.Debug($"{this} received EOF");
        }
        bool keepOpen;
        try
        {
            keepOpen = GetProtocol() switch
            {
                Protocol p => p.EofReceived(),
                BufferedProtocol b => b.EofReceived(),
                _ => false,
            };
        }
        catch (Exception exc)
        {
            FatalError(exc, "Fatal error: protocol.eof_received() call failed.");
            return;
        }
        if (keepOpen)
        {
            // The protocol may still write, but nothing more can be received.
            _selectorLoop.RemoveReaderCore(_sockFd);
        }
        else
        {
            Close();
        }
    }

    /// <inheritdoc />
    // Runs for every I/O event: compiled optimized once, at first call, rather than at tier 0 and again later.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public override void Write(ReadOnlySpan<byte> data)
    {
        if (_eof)
        {
            throw new RuntimeError("Cannot call write() after write_eof()");
        }
        if (_emptyWaiter is not null)
        {
            throw new RuntimeError("unable to write; sendfile is in progress");
        }
        if (data.IsEmpty)
        {
            return;
        }
        if (_connLost != 0)
        {
            CountConnLostWrite();
            return;
        }
        if (_buffer.Count == 0)
        {
            // Try to send at once; only what the socket does not take is buffered.
            var n = Send(data, out var errno);
            if (n >= 0)
            {
                data = data[n..];
                if (data.IsEmpty)
                {
                    return;
                }
            }
            else if (errno is not (Errno.EAGAIN or Errno.EINTR))
            {
                FatalError(Errno.Error(errno), "Fatal write error on socket transport");
                return;
            }
            _selectorLoop.AddWriterCore(_sockFd, _writeReady);
        }
        _buffer.Append(data);
        MaybePauseProtocol();
    }

    /// <summary>Python's <c>_write_ready()</c>: sends what is buffered; finishes a pending close or write_eof once empty.</summary>
    private void WriteReady()
    {
        if (_connLost != 0)
        {
            return;
        }
        var n = Send(_buffer.Pending, out var errno);
        if (n < 0)
        {
            if (errno is Errno.EAGAIN or Errno.EINTR)
            {
                return;
            }
            _selectorLoop.RemoveWriterCore(_sockFd);
            _buffer.Clear();
            var exc = Errno.Error(errno);
            FatalError(exc, "Fatal write error on socket transport");
            _emptyWaiter?.SetException(exc);
            return;
        }
        if (n != 0)
        {
            _buffer.Consume(n);
        }
        MaybeResumeProtocol(); // May append to the buffer.
        if (_buffer.Count == 0)
        {
            _selectorLoop.RemoveWriterCore(_sockFd);
            _emptyWaiter?.SetResult(null);
            if (_closing)
            {
                CallConnectionLost(null);
            }
            else if (_eof)
            {
                ShutdownWrite();
            }
        }
    }

    /// <inheritdoc />
    public override void WriteEof()
    {
        if (_closing || _eof)
        {
            return;
        }
        _eof = true;
        if (_buffer.Count == 0)
        {
            ShutdownWrite();
        }
    }

    private void ShutdownWrite()
    {
        try
        {
            _sock.Shutdown(SocketShutdown.Send);
        }
        catch (SocketException exc)
        {
            throw Errno.Error(exc);
        }
    }

    /// <inheritdoc />
    public override bool CanWriteEof() => true;

    /// <inheritdoc />
    internal override SendfileMode SendfileCompatible => SendfileMode.TryNative;

    /// <inheritdoc />
    private protected override void CallConnectionLost(Exception? exc)
    {
        base.CallConnectionLost(exc);
        _emptyWaiter?.SetException(new ConnectionError("Connection is closed by peer"));
    }

    /// <summary>Python's <c>_make_empty_waiter()</c>: a future done when the write buffer is empty (sendfile waits on it).</summary>
    internal Future MakeEmptyWaiter()
    {
        if (_emptyWaiter is not null)
        {
            throw new RuntimeError("Empty waiter is already set");
        }
        _emptyWaiter = _loop.CreateFuture();
        if (_buffer.Count == 0)
        {
            _emptyWaiter.SetResult(null);
        }
        return _emptyWaiter;
    }

    /// <summary>Python's <c>_reset_empty_waiter()</c>.</summary>
    internal void ResetEmptyWaiter() => _emptyWaiter = null;
}
