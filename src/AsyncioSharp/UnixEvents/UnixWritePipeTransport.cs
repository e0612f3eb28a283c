using System;
using System.Collections.Generic;
using System.IO;
using AsyncioSharp.Interop;

namespace AsyncioSharp;

/// <summary>
/// Python's <c>unix_events._UnixWritePipeTransport</c>: the write end of a pipe, FIFO, socket or character device.
/// Writes that would block are buffered (with flow control); for pipes and sockets the read event says the
/// reader went away.
/// </summary>
public sealed class UnixWritePipeTransport : WriteTransport
{
    // Python's constants.LOG_THRESHOLD_FOR_CONNLOST_WRITES.
    private const int LogThresholdForConnlostWrites = 5;

    private readonly SelectorEventLoop _loop;
    private readonly int _fileno;
    private readonly Action _writeReady;
    private readonly Dictionary<string, object?> _extra;
    private readonly WriteFlowControl _flow;
    private readonly WriteBuffer _buffer = new();
    private Stream? _pipe;
    private BaseProtocol? _protocol;
    private int _connLost;
    private bool _closing;

    internal UnixWritePipeTransport(SelectorEventLoop loop, Stream pipe, BaseProtocol protocol, Future? waiter = null,
        IReadOnlyDictionary<string, object?>? extra = null)
    {
        _extra = PipeTransports.Extra(pipe, extra);
        _loop = loop;
        _pipe = pipe;
        _fileno = PipeFiles.Fileno(pipe);
        _protocol = protocol;
        _flow = new WriteFlowControl(loop, this, () => _buffer.Count);
        var type = PipeFiles.FileType(_fileno);
        if (type is not (Libc.S_IFIFO or Libc.S_IFSOCK or Libc.S_IFCHR))
        {
            _pipe = null;
            _protocol = null;
            throw new ValueError("Pipe transport is only for pipes, sockets and character devices");
        }
        Libc.SetBlocking(_fileno, false);
        _writeReady = WriteReady;
        _loop.CallSoon(() => protocol.ConnectionMade(this));
        // The reader trick (to be notified when the read end is closed) works for pipes and sockets.
        if (type is Libc.S_IFSOCK or Libc.S_IFIFO)
        {
            // Only start reading when connection_made() has been called.
            _loop.CallSoon(() => _loop.AddReaderCore(_fileno, ReadReady));
        }
        if (waiter is not null)
        {
            // Only wake up the waiter when connection_made() has been called.
            _loop.CallSoon(() => Futures.SetResultUnlessCancelled(waiter, null));
        }
    }

    /// <inheritdoc />
    public override object? GetExtraInfo(string name, object? @default = null) =>
        _extra.TryGetValue(name, out var value) ? value : @default;

    /// <inheritdoc />
    public override int GetWriteBufferSize() => _buffer.Count;

    /// <inheritdoc />
    public override (int Low, int High) GetWriteBufferLimits() => (_flow.LowWater, _flow.HighWater);

    /// <inheritdoc />
    public override void SetWriteBufferLimits(int? high = null, int? low = null)
    {
        _flow.SetLimits(high, low);
        _flow.MaybePauseProtocol(_protocol);
    }

    /// <summary>The pipe was closed by the peer.</summary>
    private void ReadReady()
    {
        if (_loop.GetDebug())
        {
            Log.Debug($"{this} was closed by peer");
        }
        if (_buffer.Count > 0)
        {
            CloseCore(new BrokenPipeError(""));
        }
        else
        {
            CloseCore(null);
        }
    }

    /// <inheritdoc />
    public override void Write(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return;
        }
        if (_connLost > 0 || _closing)
        {
            if (_connLost >= LogThresholdForConnlostWrites)
            {
                Log.Warning("pipe closed by peer or os.write(pipe, data) raised exception.");
            }
            _connLost++;
            return;
        }
        if (_buffer.Count == 0)
        {
            // Attempt to send it right away first.
            int n;
            try
            {
                n = Math.Max(0, Libc.WriteNonBlocking(_fileno, data));
            }
            catch (Exception exc)
            {
                _connLost++;
                FatalError(exc, "Fatal write error on pipe transport");
                return;
            }
            if (n == data.Length)
            {
                return;
            }
            data = data[n..];
            _loop.AddWriterCore(_fileno, _writeReady);
        }
        _buffer.Append(data);
        _flow.MaybePauseProtocol(_protocol);
    }

    private void WriteReady()
    {
        int n;
        try
        {
            n = Libc.WriteNonBlocking(_fileno, _buffer.Pending);
        }
        catch (Exception exc)
        {
            _buffer.Clear();
            _connLost++;
            // Remove the writer here: FatalError does not, the buffer being empty.
            _loop.RemoveWriterCore(_fileno);
            FatalError(exc, "Fatal write error on pipe transport");
            return;
        }
        if (n <= 0)
        {
            return;
        }
        _buffer.Consume(n);
        if (_buffer.Count == 0)
        {
            _loop.RemoveWriterCore(_fileno);
            // May append to the buffer.
            _flow.MaybeResumeProtocol(_protocol);
            if (_closing)
            {
                _loop.RemoveReaderCore(_fileno);
                CallConnectionLost(null);
            }
        }
    }

    /// <inheritdoc />
    public override bool CanWriteEof() => true;

    /// <inheritdoc />
    public override void WriteEof()
    {
        if (_closing)
        {
            return;
        }
        _closing = true;
        if (_buffer.Count == 0)
        {
            _loop.RemoveReaderCore(_fileno);
            _loop.CallSoon(() => CallConnectionLost(null));
        }
    }

    /// <inheritdoc />
    public override void SetProtocol(BaseProtocol protocol) => _protocol = protocol;

    /// <inheritdoc />
    public override BaseProtocol GetProtocol() => _protocol!;

    /// <inheritdoc />
    public override bool IsClosing() => _closing;

    /// <inheritdoc />
    public override void Close()
    {
        if (_pipe is not null && !_closing)
        {
            // write_eof is all what we needed to close the write pipe.
            WriteEof();
        }
    }

    /// <inheritdoc />
    public override void Abort() => CloseCore(null);

    /// <summary>Python's <c>_fatal_error</c>: OSErrors are only logged in debug mode, others go to the handler.</summary>
    private void FatalError(Exception exc, string message)
    {
        FatalErrors.Report(_loop, exc is OSError, this, _protocol, exc, message);
        CloseCore(exc);
    }

    private void CloseCore(Exception? exc)
    {
        _closing = true;
        if (_buffer.Count > 0)
        {
            _loop.RemoveWriterCore(_fileno);
        }
        _buffer.Clear();
        _loop.RemoveReaderCore(_fileno);
        _loop.CallSoon(() => CallConnectionLost(exc));
    }

    private void CallConnectionLost(Exception? exc) => PipeTransports.CallConnectionLost(ref _pipe, ref _protocol, exc);

    /// <inheritdoc />
    public override string ToString()
    {
        var info = PipeTransports.ReprHead("UnixWritePipeTransport", _pipe, _closing, _fileno);
        if (_pipe is not null && !_loop.IsClosed())
        {
            info.Add(_loop.IsPolling(_fileno, write: true) ? "polling" : "idle");
            info.Add($"bufsize={_buffer.Count}");
        }
        else
        {
            info.Add(_pipe is not null ? "open" : "closed");
        }
        return $"<{string.Join(' ', info)}>";
    }
}
