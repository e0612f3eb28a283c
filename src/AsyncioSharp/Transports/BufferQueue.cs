using System;

namespace AsyncioSharp;

/// <summary>
/// A transport's pending write bytes (Python's <c>bytearray</c> buffer): appended at the end, written from the
/// front, kept contiguous so one write call can take all of it.
/// </summary>
internal sealed class BufferQueue
{
    private byte[] _data = [];
    private int _start;
    private int _end;

    /// <summary>The number of pending bytes (Python's <c>len(self._buffer)</c>).</summary>
    internal int Length => _end - _start;

    /// <summary>The pending bytes, valid until the next change.</summary>
    internal ReadOnlySpan<byte> Peek() => _data.AsSpan(_start, _end - _start);

    /// <summary>Appends a copy of <paramref name="data"/>.</summary>
    internal void Append(ReadOnlySpan<byte> data)
    {
        if (_data.Length - _end < data.Length)
        {
            // Compact in place when the bytes fit, else grow; Span.CopyTo handles the overlap.
            var length = Length;
            var target = length + data.Length <= _data.Length ? _data : new byte[Math.Max(length + data.Length, _data.Length * 2)];
            Peek().CopyTo(target);
            _data = target;
            _start = 0;
            _end = length;
        }
        data.CopyTo(_data.AsSpan(_end));
        _end += data.Length;
    }

    /// <summary>Drops the first <paramref name="count"/> bytes, which were written.</summary>
    internal void Consume(int count)
    {
        _start += count;
        if (_start == _end)
        {
            _start = _end = 0;
        }
    }

    /// <summary>Drops everything (Python's <c>self._buffer.clear()</c>).</summary>
    internal void Clear() => _start = _end = 0;
}
