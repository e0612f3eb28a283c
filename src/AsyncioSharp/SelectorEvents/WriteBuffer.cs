using System;

namespace AsyncioSharp;

/// <summary>
/// A transport's pending outgoing bytes (Python's <c>bytearray</c> write buffer): appended at the end, consumed
/// from the front without moving the rest; the free space in front is reclaimed only when the end needs room.
/// </summary>
internal sealed class WriteBuffer
{
    // Above this capacity an emptied buffer gives its memory back.
    private const int KeepCapacity = 1024 * 1024;

    private byte[] _data = Array.Empty<byte>();
    private int _start;
    private int _end;

    /// <summary>The number of bytes pending.</summary>
    internal int Count => _end - _start;

    /// <summary>The pending bytes, valid until the next change.</summary>
    internal ReadOnlySpan<byte> Pending => _data.AsSpan(_start, _end - _start);

    /// <summary>Appends bytes at the end.</summary>
    internal void Append(ReadOnlySpan<byte> data)
    {
        if (_data.Length - _end < data.Length)
        {
            MakeRoom(data.Length);
        }
        data.CopyTo(_data.AsSpan(_end));
        _end += data.Length;
    }

    /// <summary>Drops <paramref name="n"/> bytes from the front (they were sent).</summary>
    internal void Consume(int n)
    {
        _start += n;
        if (_start == _end)
        {
            Clear();
        }
    }

    /// <summary>Drops everything.</summary>
    internal void Clear()
    {
        _start = _end = 0;
        if (_data.Length > KeepCapacity)
        {
            _data = Array.Empty<byte>();
        }
    }

    private void MakeRoom(int extra)
    {
        var count = _end - _start;
        var needed = count + extra;
        var target = _data.Length >= needed ? _data : new byte[Math.Max(needed, Math.Max(4096, _data.Length * 2))];
        Buffer.BlockCopy(_data, _start, target, 0, count);
        _data = target;
        _start = 0;
        _end = count;
    }
}
