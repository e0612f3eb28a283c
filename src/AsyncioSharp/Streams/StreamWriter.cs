using System;
using System.Collections.Generic;

using AsyncioSharp.Ssl;

namespace AsyncioSharp;

/// <summary>
/// Python's <c>asyncio.StreamWriter</c>: wraps a transport, adding <see cref="Drain"/> (wait for flow control) and
/// <see cref="WaitClosed"/>. As in Python 3.11 it is not an async context manager.
/// </summary>
public sealed class StreamWriter
{
    private readonly IStreamWriterProtocol _protocol;
    private readonly StreamReader? _reader;
    private readonly AbstractEventLoop _loop;
    private WriteTransport _transport;

    /// <summary>
    /// Python's <c>StreamWriter(transport, protocol, reader, loop)</c>. <paramref name="protocol"/> is a
    /// <see cref="StreamReaderProtocol"/> (or the subprocess stream protocol): what Python's duck typing needs,
    /// <c>_drain_helper()</c> and <c>_get_close_waiter()</c>.
    /// </summary>
    public StreamWriter(WriteTransport transport, BaseProtocol protocol, StreamReader? reader, AbstractEventLoop loop)
    {
        _transport = transport;
        _protocol = protocol as IStreamWriterProtocol
            ?? throw new TypeError($"'{protocol.GetType().Name}' object has no attribute '_drain_helper'");
        _reader = reader;
        _loop = loop;
    }

    /// <summary>Python's <c>repr(writer)</c>.</summary>
    public override string ToString()
    {
        var info = new List<string> { nameof(StreamWriter), $"transport={_transport}" };
        if (_reader is not null)
        {
            info.Add($"reader={_reader}");
        }
        return "<" + string.Join(" ", info) + ">";
    }

    /// <summary>Python's <c>transport</c> property.</summary>
    public WriteTransport Transport => _transport;

    /// <summary>The protocol (Python's <c>_protocol</c>).</summary>
    internal BaseProtocol Protocol => (BaseProtocol)_protocol;

    /// <summary>Python's <c>write(data)</c>.</summary>
    public void Write(ReadOnlySpan<byte> data) => _transport.Write(data);

    /// <summary>Python's <c>writelines(data)</c>.</summary>
    public void Writelines(IEnumerable<byte[]> data) => _transport.Writelines(data);

    /// <summary>Python's <c>write_eof()</c>.</summary>
    public void WriteEof() => _transport.WriteEof();

    /// <summary>Python's <c>can_write_eof()</c>.</summary>
    public bool CanWriteEof() => _transport.CanWriteEof();

    /// <summary>Python's <c>close()</c>.</summary>
    public void Close() => _transport.Close();

    /// <summary>Python's <c>is_closing()</c>.</summary>
    public bool IsClosing() => _transport.IsClosing();

    /// <summary>Python's <c>wait_closed()</c>: waits until the connection is lost; raises the error it was lost with.</summary>
    public async Coroutine WaitClosed()
    {
        await _protocol.GetCloseWaiter(this);
    }

    /// <summary>Python's <c>get_extra_info(name, default=None)</c>.</summary>
    public object? GetExtraInfo(string name, object? @default = null) => _transport.GetExtraInfo(name, @default);

    /// <summary>
    /// Python's <c>drain()</c>: waits until the transport's buffer is below its low-water mark. Raises the reader's
    /// exception if it has one, and <see cref="ConnectionResetError"/> (or the error the connection was lost with)
    /// once the connection is gone, instead of waiting forever.
    /// </summary>
    public async Coroutine Drain()
    {
        if (_reader?.Exception() is { } exc)
        {
            throw exc;
        }
        var flowControl = _protocol.FlowControl;
        if (_transport.IsClosing())
        {
            // Yield so that connection_lost() can run: a write()/drain() loop would otherwise never see it.
            await Asyncio.Sleep(0);
        }
        else if (flowControl.Ready)
        {
            return;
        }
        await flowControl.DrainHelper();
    }

    /// <summary>
    /// Python's <c>start_tls(sslcontext, *, server_hostname=None, ssl_handshake_timeout=None)</c>: upgrades the
    /// connection to TLS; the writer (and the reader, through the protocol) then use the TLS transport.
    /// </summary>
    public async Coroutine StartTls(SSLContext sslcontext, string? serverHostname = null, double? sslHandshakeTimeout = null)
    {
        var protocol = (StreamReaderProtocol)_protocol;
        await Drain();
        var newTransport = await _loop.StartTls(_transport, protocol, sslcontext, serverSide: protocol.IsServerSide,
            serverHostname: serverHostname, sslHandshakeTimeout: sslHandshakeTimeout);
        _transport = (WriteTransport)newTransport;
        protocol.ReplaceWriter(this);
    }
}
