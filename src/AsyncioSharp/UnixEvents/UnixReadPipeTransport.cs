using System;
using System.Collections.Generic;
using System.IO;
using AsyncioSharp.Interop;

namespace AsyncioSharp;

/// <summary>
/// Python's <c>unix_events._UnixReadPipeTransport</c>: the read end of a pipe, FIFO, socket or character device,
/// read on the selector loop and delivered to <see cref="Protocol.DataReceived"/>.
/// </summary>
public sealed class UnixReadPipeTransport : ReadTransport
{
    /// <summary>Python's <c>max_size</c>: the most bytes read in one loop iteration.</summary>
    public const int MaxSize = 256 * 1024;

    private readonly SelectorEventLoop _loop;
    private readonly int _fileno;
    private readonly Action _readReady;
    private readonly Dictionary<string, object?> _extra;
    private Stream? _pipe;
    private Protocol? _protocol;
    private bool _closing;
    private bool _paused;

    internal UnixReadPipeTransport(SelectorEventLoop loop, Stream pipe, Protocol protocol, Future? waiter = null,
        IReadOnlyDictionary<string, object?>? extra = null)
    {
        _extra = PipeTransports.Extra(pipe, extra);
        _loop = loop;
        _pipe = pipe;
        _fileno = PipeFiles.Fileno(pipe);
        _protocol = protocol;
        if (PipeFiles.FileType(_fileno) is not (Libc.S_IFIFO or Libc.S_IFSOCK or Libc.S_IFCHR))
        {
            _pipe = null;
            _protocol = null;
            throw new ValueError("Pipe transport is for pipes/sockets only.");
        }
        Libc.SetBlocking(_fileno, false);
        _readReady = ReadReady;
        _loop.CallSoon(() => protocol.ConnectionMade(this));
        // Only start reading when connection_made() has been called.
        _loop.CallSoon(() =>
        {
            if (IsReading())
            {
                _loop.AddReaderCore(_fileno, _readReady);
            }
        });
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
    public override bool IsReading() => !_paused && !_closing;

    private void ReadReady()
    {
        // The loop's shared buffer: data_received's span is only valid during the call.
        var buffer = _loop.ReadBuffer;
        int n;
        try
        {
            n = Libc.ReadNonBlocking(_fileno, buffer.AsSpan(0, MaxSize));
        }
        catch (OSError exc)
        {
            FatalError(exc, "Fatal read error on pipe transport");
            return;
        }
        if (n < 0)
        {
            return;
        }
        if (n > 0)
        {
            _protocol!.DataReceived(buffer.AsSpan(0, n));
            return;
        }
        if (_loop.GetDebug())
        {
            Log.Debug($"{this} was closed by peer");
        }
        _closing = true;
        _loop.RemoveReaderCore(_fileno);
        var protocol = _protocol!;
        _loop.CallSoon(() => protocol.EofReceived());
        _loop.CallSoon(() => CallConnectionLost(null));
    }

    /// <inheritdoc />
    public override void PauseReading()
    {
        if (!IsReading())
        {
            return;
        }
        _paused = true;
        _loop.RemoveReaderCore(_fileno);
        if (_loop.GetDebug())
        {
            Log.Debug($"{this} pauses reading");
        }
    }

    /// <inheritdoc />
    public override void ResumeReading()
    {
        if (_closing || !_paused)
        {
            return;
        }
        _paused = false;
        _loop.AddReaderCore(_fileno, _readReady);
        if (_loop.GetDebug())
        {
            Log.Debug($"{this} resumes reading");
        }
    }

    /// <inheritdoc />
    public override void SetProtocol(BaseProtocol protocol) => _protocol = (Protocol)protocol;

    /// <inheritdoc />
    public override BaseProtocol GetProtocol() => _protocol!;

    /// <inheritdoc />
    public override bool IsClosing() => _closing;

    /// <inheritdoc />
    public override void Close()
    {
        if (!_closing)
        {
            CloseCore(null);
        }
    }

    /// <summary>Python's <c>_fatal_error</c>: EIO (a closed pty) is only logged in debug mode.</summary>
    private void FatalError(OSError exc, string message)
    {
        FatalErrors.Report(_loop, exc.Errno == 5, this, _protocol, exc, message);
        CloseCore(exc);
    }

    private void CloseCore(Exception? exc)
    {
        _closing = true;
        _loop.RemoveReaderCore(_fileno);
        _loop.CallSoon(() => CallConnectionLost(exc));
    }

    private void CallConnectionLost(Exception? exc) => PipeTransports.CallConnectionLost(ref _pipe, ref _protocol, exc);

    /// <inheritdoc />
    public override string ToString()
    {
        var info = PipeTransports.ReprHead("UnixReadPipeTransport", _pipe, _closing, _fileno);
        info.Add(_pipe is null ? "closed" : _loop.IsClosed() ? "open" : _loop.IsPolling(_fileno, write: false) ? "polling" : "idle");
        return $"<{string.Join(' ', info)}>";
    }
}
