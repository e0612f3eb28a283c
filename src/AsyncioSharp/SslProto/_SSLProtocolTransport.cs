using System;
using System.Collections.Generic;
using System.Linq;

namespace AsyncioSharp;

/// <summary>
/// Python's <c>asyncio.sslproto._SSLProtocolTransport</c>: the transport the application protocol of a TLS
/// connection sees. Writes are encrypted by its <see cref="SSLProtocol"/>; reads, flow control, close and abort
/// go through it too. It cannot write EOF (TLS has no half-close), as in CPython.
/// </summary>
public sealed class _SSLProtocolTransport : Transport, IForceCloseTransport, IStartTlsCompatible, IFlowControlTransport
{
    private readonly SSLProtocol _sslProtocol;

    internal _SSLProtocolTransport(AbstractEventLoop loop, SSLProtocol sslProtocol)
    {
        Loop = loop;
        _sslProtocol = sslProtocol;
    }

    /// <summary>The loop this transport belongs to.</summary>
    internal AbstractEventLoop Loop { get; }

    /// <summary>Python's <c>_closed</c>.</summary>
    internal bool Closed { get; set; }

    /// <summary>Python's <c>_ssl_protocol</c>.</summary>
    internal SSLProtocol Ssl => _sslProtocol;

    /// <inheritdoc />
    public override object? GetExtraInfo(string name, object? @default = null) => Ssl.GetExtraInfo(name, @default);

    /// <inheritdoc />
    public override void SetProtocol(BaseProtocol protocol) => Ssl.SetAppProtocol(protocol);

    /// <inheritdoc />
    public override BaseProtocol GetProtocol() => Ssl.AppProtocol!;

    /// <inheritdoc />
    public override bool IsClosing() => Closed;

    /// <summary>Python's <c>_sendfile_compatible = _SendfileMode.FALLBACK</c>: sendfile over TLS reads and writes the file.</summary>
    internal override SendfileMode SendfileCompatible => SendfileMode.Fallback;

    /// <summary>Python's <c>_protocol_paused</c>, which sendfile's fallback reads: the TLS protocol's app-writing pause.</summary>
    bool IFlowControlTransport.ProtocolPaused => Ssl.AppWritingPaused;

    /// <summary>Python's <c>close()</c>: flushes, sends close_notify and waits (up to the shutdown timeout) for the peer's.</summary>
    public override void Close()
    {
        if (!Closed)
        {
            Closed = true;
            Ssl.StartShutdown();
        }
    }

    /// <inheritdoc />
    public override bool IsReading() => !Ssl.AppReadingPaused;

    /// <inheritdoc />
    public override void PauseReading() => Ssl.PauseReadingApp();

    /// <inheritdoc />
    public override void ResumeReading() => Ssl.ResumeReadingApp();

    /// <inheritdoc />
    public override void SetWriteBufferLimits(int? high = null, int? low = null)
    {
        Ssl.SetWriteBufferLimits(high, low);
        Ssl.ControlAppWriting();
    }

    /// <inheritdoc />
    public override (int Low, int High) GetWriteBufferLimits() => (Ssl.OutgoingLowWater, Ssl.OutgoingHighWater);

    /// <inheritdoc />
    public override int GetWriteBufferSize() => Ssl.GetWriteBufferSize();

    /// <summary>Python's <c>set_read_buffer_limits(high=None, low=None)</c>: when the transport below pauses reading ciphertext.</summary>
    public void SetReadBufferLimits(int? high = null, int? low = null)
    {
        Ssl.SetReadBufferLimits(high, low);
        Ssl.ControlSslReading();
    }

    /// <summary>Python's <c>get_read_buffer_limits()</c>: (low, high).</summary>
    public (int Low, int High) GetReadBufferLimits() => (Ssl.IncomingLowWater, Ssl.IncomingHighWater);

    /// <summary>Python's <c>get_read_buffer_size()</c>: ciphertext received but not yet decrypted.</summary>
    public int GetReadBufferSize() => Ssl.GetReadBufferSize();

    /// <inheritdoc />
    public override void Write(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return;
        }
        Ssl.WriteAppdata(data);
    }

    /// <inheritdoc />
    public override void Writelines(IEnumerable<byte[]> listOfData) =>
        Ssl.WriteAppdata(listOfData.Select(d => (ReadOnlyMemory<byte>)d.ToArray()).ToList());

    /// <summary>Python's <c>_test__append_write_backlog(data)</c>: queues bytes as if a write had to wait (for tests only).</summary>
    internal void TestAppendWriteBacklog(byte[] data) => Ssl.AppendWriteBacklog(data);

    /// <summary>Python's <c>write_eof()</c>: raises NotImplementedError, as TLS transports cannot half-close.</summary>
    public override void WriteEof() => throw new NotImplementedException();

    /// <inheritdoc />
    public override bool CanWriteEof() => false;

    /// <summary>Python's <c>abort()</c>: closes at once, without close_notify; buffered data is lost.</summary>
    public override void Abort()
    {
        Closed = true;
        _sslProtocol.Abort();
    }

    /// <summary>Python's <c>_force_close(exc)</c>.</summary>
    public void ForceClose(Exception? exc)
    {
        Closed = true;
        _sslProtocol.ForceCloseTransport(exc);
    }

    /// <summary>Python's <c>repr()</c>.</summary>
    public override string ToString() => "<asyncio.sslproto._SSLProtocolTransport object>";
}
