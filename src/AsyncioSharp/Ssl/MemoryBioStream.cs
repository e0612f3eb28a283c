using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace AsyncioSharp.Ssl;

/// <summary>
/// The duplex stream an <see cref="System.Net.Security.SslStream"/> runs over: it reads ciphertext from the incoming
/// <see cref="MemoryBIO"/> and writes ciphertext to the outgoing one. Writes always complete at once, so the TLS
/// engine never waits on the network; flow control happens above, in SSLProtocol, as in CPython.
/// </summary>
internal sealed class MemoryBioStream : Stream
{
    private readonly MemoryBIO _incoming;
    private readonly MemoryBIO _outgoing;

    public MemoryBioStream(MemoryBIO incoming, MemoryBIO outgoing)
    {
        _incoming = incoming;
        _outgoing = outgoing;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        _incoming.ReadAsync(buffer);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        _incoming.ReadAsync(buffer.AsMemory(offset, count)).AsTask();

    public override int Read(byte[] buffer, int offset, int count) =>
        _incoming.ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    /// <summary>Takes the ciphertext written while nothing waits in the outgoing BIO before it, when it can.</summary>
    public CiphertextSink? Sink { get; set; }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (Sink is { } sink && _outgoing.Pending == 0 && sink(buffer.Span))
        {
            return ValueTask.CompletedTask;
        }
        _outgoing.Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
    {
        _outgoing.Write(buffer.AsSpan(offset, count));
        return Task.CompletedTask;
    }

    public override void Write(byte[] buffer, int offset, int count) => _outgoing.Write(buffer.AsSpan(offset, count));

    public override void Flush() { }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
