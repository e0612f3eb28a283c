using System;

namespace AsyncioSharp;

/// <summary>
/// The <c>bytearray</c> behind a <see cref="StreamReader"/>: appended at the end, consumed from the front, without
/// moving the remaining bytes on every read (they are compacted only when the array must grow).
/// </summary>
internal sealed class StreamBuffer
{
    private byte[] _data = [];
    private int _start;
    private int _length;

    internal int Length => _length;

    internal ReadOnlySpan<byte> Span => _data.AsSpan(_start, _length);

    internal void Append(ReadOnlySpan<byte> bytes)
    {
        if (_length == 0)
        {
            // An empty buffer takes an array of the data's size, so that a read of it all returns that array (see
            // Take) instead of copying it once more: the echo path's read(n) after each data_received.
            _data = bytes.ToArray();
            _start = 0;
            _length = bytes.Length;
            return;
        }
        if (_start + _length + bytes.Length > _data.Length)
        {
            if (_length + bytes.Length <= _data.Length)
            {
                Span.CopyTo(_data);
            }
            else
            {
                var grown = new byte[Math.Max(_length + bytes.Length, _data.Length * 2)];
                Span.CopyTo(grown);
                _data = grown;
            }
            _start = 0;
        }
        bytes.CopyTo(_data.AsSpan(_start + _length));
        _length += bytes.Length;
    }

    /// <summary>Removes and returns the first <paramref name="n"/> bytes (all of them if fewer); a whole array is handed over, not copied.</summary>
    internal byte[] Take(int n)
    {
        n = Math.Min(n, _length);
        if (n == _data.Length)
        {
            var whole = _data;
            _data = [];
            Clear();
            return whole;
        }
        var chunk = _data.AsSpan(_start, n).ToArray();
        Consume(n);
        return chunk;
    }

    /// <summary>Python's <c>del buffer[:n]</c>.</summary>
    internal void Consume(int n)
    {
        _start += n;
        _length -= n;
        if (_length == 0)
        {
            _start = 0;
        }
    }

    internal void Clear()
    {
        _start = 0;
        _length = 0;
    }
}
