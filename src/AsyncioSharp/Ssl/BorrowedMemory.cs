using System;
using System.Buffers;
using System.Runtime.InteropServices;

namespace AsyncioSharp.Ssl;

/// <summary>
/// A <see cref="Memory{T}"/> over bytes a caller lends for the length of one call (pinned by that caller), so
/// <see cref="SSLObject"/> can encrypt them without a copy. Should the stream keep them past the call (a write waiting
/// for a renegotiation), <see cref="Keep"/> copies them while they are still pinned and the memory reads the copy from
/// then on: the stream reaches the bytes through this manager every time, never through a pointer of its own.
/// </summary>
internal sealed unsafe class BorrowedMemory : MemoryManager<byte>
{
    private byte* _pointer;
    private int _length;
    private byte[]? _copy;

    /// <summary>Points at the caller's pinned bytes; valid until <see cref="Return"/> or <see cref="Keep"/>.</summary>
    public void Lend(byte* pointer, int length)
    {
        _pointer = pointer;
        _length = length;
        _copy = null;
    }

    /// <summary>Copies the lent bytes, before the caller takes them back, for a user that outlives the call.</summary>
    public void Keep()
    {
        _copy = new ReadOnlySpan<byte>(_pointer, _length).ToArray();
        _pointer = null;
    }

    /// <summary>The caller takes its bytes back.</summary>
    public void Return()
    {
        _pointer = null;
        _length = 0;
    }

    public override Span<byte> GetSpan() => _copy ?? new Span<byte>(_pointer, _length);

    public override MemoryHandle Pin(int elementIndex = 0)
    {
        if (_copy is null)
        {
            return new MemoryHandle(_pointer + elementIndex);
        }
        var handle = GCHandle.Alloc(_copy, GCHandleType.Pinned);
        return new MemoryHandle((byte*)handle.AddrOfPinnedObject() + elementIndex, handle);
    }

    public override void Unpin()
    {
    }

    protected override void Dispose(bool disposing)
    {
    }
}
