using System;
using System.Collections.Generic;
using System.Runtime.ExceptionServices;
using AsyncioSharp.Ssl;

namespace AsyncioSharp;

/// <summary>
/// Python's <c>asyncio.StreamWriter</c>: wraps a transport; <see cref="Drain"/> waits while the transport's write
/// buffer is over its high-water mark, and raises once the connection is lost.
/// </summary>
public class StreamWriter
{
    private BaseTransport _transport;
    private readonly BaseProtocol _protocol;
    private readonly StreamReader? _reader;
    private readonly AbstractEventLoop _loop;

    /// <summary>
    /// Python's <c>StreamWriter(transport, protocol, reader, loop)</c>: <paramref name="protocol"/> is a
    /// <see cref="StreamFlowControlMixin"/> or a <see cref="SubprocessStreamProtocol"/>, which drain() waits on.
    /// </summary>
    public StreamWriter(BaseTransport transport, BaseProtocol protocol, StreamReader? reader, AbstractEventLoop loop)
    {
        if (protocol is not IStreamWriterProtocol)
        {
            throw new TypeError($"StreamWriter needs a stream protocol, got {protocol.GetType().Name}");
        }
        _transport = transport;
        _protocol = protocol;
        _reader = reader;
        _loop = loop;
    }

    /// <inheritdoc />
    public override string ToString()
    {
        var info = new List<string> { nameof(StreamWriter), $"transport={_transport}" };
        if (_reader is not null)
        {
            info.Add($"reader={_reader}");
        }
        return $"<{string.Join(' ', info)}>";
    }

    /// <summary>Python's <c>transport</c>.</summary>
    public BaseTransport Transport => _transport;

    private WriteTransport Writable => (WriteTransport)_transport;

    /// <summary>Python's <c>write(data)</c>.</summary>
    public void Write(ReadOnlySpan<byte> data) => Writable.Write(data);

    /// <summary>Python's <c>writelines(data)</c>.</summary>
    public void Writelines(IEnumerable<byte[]> data) => Writable.Writelines(data);

    /// <summary>Python's <c>write_eof()</c>.</summary>
    public void WriteEof() => Writable.WriteEof();

    /// <summary>Python's <c>can_write_eof()</c>.</summary>
    public bool CanWriteEof() => Writable.CanWriteEof();

    /// <summary>Python's <c>close()</c>.</summary>
    public void Close() => _transport.Close();

    /// <summary>Python's <c>is_closing()</c>.</summary>
    public bool IsClosing() => _transport.IsClosing();

    /// <summary>Python's <c>wait_closed()</c>: waits until the connection is lost; raises the error it was lost with.</summary>
    public async Coroutine WaitClosed()
    {
        if (Flow.GetCloseWaiter(this) is { } waiter)
        {
            await waiter;
        }
    }

    private IStreamWriterProtocol Flow => (IStreamWriterProtocol)_protocol;

    /// <summary>Python's <c>get_extra_info(name, default=None)</c>.</summary>
    public object? GetExtraInfo(string name, object? @default = null) => _transport.GetExtraInfo(name, @default);

    /// <summary>
    /// Python's <c>drain()</c>: raises the reader's exception if it has one; waits while writing is paused;
    /// <see cref="ConnectionResetError"/>('Connection lost') once the connection is gone.
    /// </summary>
    public async Coroutine Drain()
    {
        if (_reader?.Exception() is { } exc)
        {
            ExceptionDispatchInfo.Throw(exc);
        }
        if (_transport.IsClosing())
        {
            // Let connection_lost() run first, so that drain() raises instead of waiting forever.
            await Asyncio.Sleep(0);
        }
        else if (Flow.DrainReady)
        {
            return;
        }
        await Flow.DrainHelper();
    }

    /// <summary>Python's <c>start_tls(sslcontext, *, server_hostname=None, ssl_handshake_timeout=None)</c>: upgrades the connection to TLS.</summary>
    public async Coroutine StartTls(SSLContext sslcontext, string? serverHostname = null, double? sslHandshakeTimeout = null)
    {
        var protocol = (StreamReaderProtocol)_protocol;
        var serverSide = protocol.HasClientConnectedCb;
        await Drain();
        var newTransport = await _loop.StartTls(_transport, protocol, sslcontext, serverSide: serverSide,
            serverHostname: serverHostname, sslHandshakeTimeout: sslHandshakeTimeout);
        _transport = newTransport;
        protocol.ReplaceWriter(this);
    }
}
