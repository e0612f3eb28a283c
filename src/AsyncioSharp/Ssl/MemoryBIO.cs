using System;
using System.Threading.Tasks;
using System.Threading.Tasks.Sources;

namespace AsyncioSharp.Ssl;

/// <summary>
/// Python's <c>ssl.MemoryBIO</c>: a byte buffer between a TLS object and a transport. <see cref="SSLObject"/> reads
/// its incoming BIO and writes its outgoing one, so TLS runs over any transport. Thread-safe, because the
/// <see cref="System.Net.Security.SslStream"/> behind an SSLObject may continue on another thread.
/// </summary>
public sealed class MemoryBIO
{
    private readonly object _gate = new();
    private byte[] _buffer = new byte[4096];
    private int _start;
    private int _count;
    private bool _eofWritten;
    private Memory<byte> _waiterBuffer;
    private ReadWaiter? _waiter;
    private ReadWaiter? _spareWaiter;
    // Where the bytes handed out by GetWriteBuffer start, until Commit; -1 when none are out.
    private int _reservedOffset = -1;
    // GetWriteBuffers handed out the waiting read's own destination too, until Commit.
    private bool _reservedDirect;

    /// <summary>Python's <c>pending</c>: the number of bytes buffered.</summary>
    public int Pending
    {
        get
        {
            lock (_gate)
            {
                return _count;
            }
        }
    }

    /// <summary>Python's <c>eof</c>: true once <see cref="WriteEof"/> was called and every byte was read.</summary>
    public bool Eof
    {
        get
        {
            lock (_gate)
            {
                return _eofWritten && _count == 0;
            }
        }
    }

    /// <summary>Python's <c>write(buf)</c>: appends the bytes; returns their number.</summary>
    public int Write(ReadOnlySpan<byte> data)
    {
        ReadWaiter? waiter = null;
        var delivered = 0;
        lock (_gate)
        {
            if (_eofWritten)
            {
                throw new SSLError(1, "cannot write() after write_eof()");
            }
            if (_waiter is not null && !data.IsEmpty)
            {
                delivered = Math.Min(data.Length, _waiterBuffer.Length);
                data[..delivered].CopyTo(_waiterBuffer.Span);
                data = data[delivered..];
                waiter = _waiter;
                _waiter = null;
                _waiterBuffer = default;
            }
            Append(data);
        }
        // Completed outside the lock: SslStream continues inline from here, on the writer's thread.
        Complete(waiter, delivered);
        return delivered + data.Length;
    }

    /// <summary>Python's <c>write_eof()</c>: no more bytes will be written; a waiting reader sees the end.</summary>
    public void WriteEof()
    {
        ReadWaiter? waiter;
        lock (_gate)
        {
            _eofWritten = true;
            waiter = _waiter;
            _waiter = null;
            _waiterBuffer = default;
        }
        Complete(waiter, 0);
    }

    private static void Complete(ReadWaiter? waiter, int result)
    {
        if (waiter is not null)
        {
            SSLObject.WithoutContext((waiter, result), static s => s.waiter.SetResult(s.result));
        }
    }

    /// <summary>
    /// Room for at least <paramref name="size"/> bytes after the buffered ones, for a transport to receive into
    /// directly (Python's get_buffer side of SSLProtocol); <see cref="Commit"/> then appends what it received.
    /// </summary>
    internal Memory<byte> GetWriteBuffer(int size)
    {
        lock (_gate)
        {
            _reservedDirect = false;
            return Room(size);
        }
    }

    /// <summary>
    /// <see cref="GetWriteBuffer"/>, and before that room, in <paramref name="direct"/>, the destination of the read
    /// that waits, if any (nothing is buffered then): the first bytes received land where the reader wants them and
    /// Commit completes the read with them, uncopied; the rest goes to the room.
    /// </summary>
    internal Memory<byte> GetWriteBuffers(int size, out Memory<byte> direct)
    {
        lock (_gate)
        {
            _reservedDirect = _waiter is not null;
            direct = _waiterBuffer;
            return Room(size);
        }
    }

    private Memory<byte> Room(int size)
    {
        if (_count == 0)
        {
            _start = 0;
        }
        if (_buffer.Length - _start - _count < size)
        {
            var target = _count + size > _buffer.Length ? GC.AllocateUninitializedArray<byte>(Math.Max(_count + size, _buffer.Length * 2)) : _buffer;
            Buffer.BlockCopy(_buffer, _start, target, 0, _count);
            _buffer = target;
            _start = 0;
        }
        _reservedOffset = _start + _count;
        return _buffer.AsMemory(_reservedOffset);
    }

    /// <summary>
    /// The <paramref name="nbytes"/> received into <see cref="GetWriteBuffers"/>'s direct destination
    /// (<paramref name="first"/>) and room (<paramref name="second"/>), before <see cref="Commit"/> or <see cref="Drop"/>.
    /// </summary>
    internal void Received(int nbytes, out ReadOnlySpan<byte> first, out ReadOnlySpan<byte> second)
    {
        lock (_gate)
        {
            var direct = _reservedDirect ? Math.Min(nbytes, _waiterBuffer.Length) : 0;
            first = _waiterBuffer.Span[..direct];
            Reserve(nbytes - direct);
            second = _buffer.AsSpan(_reservedOffset, nbytes - direct);
        }
    }

    /// <summary>Forgets the bytes received into <see cref="GetWriteBuffer"/>'s room: they are not appended.</summary>
    internal void Drop()
    {
        lock (_gate)
        {
            _reservedOffset = -1;
            _reservedDirect = false;
        }
    }

    private void Reserve(int nbytes)
    {
        if (_reservedOffset < 0)
        {
            // Nothing was received into the room (CPython's buffer_updated without get_buffer): zeros, as a fresh buffer holds.
            Room(nbytes).Span[..nbytes].Clear();
        }
    }

    /// <summary>Appends the <paramref name="nbytes"/> received into <see cref="GetWriteBuffer"/>'s room, as <see cref="Write"/> would.</summary>
    internal void Commit(int nbytes)
    {
        ReadWaiter? waiter = null;
        var delivered = 0;
        lock (_gate)
        {
            if (_reservedDirect && nbytes > 0)
            {
                if (_eofWritten)
                {
                    throw new SSLError(1, "cannot write() after write_eof()");
                }
                if (_waiter is null)
                {
                    throw new InvalidOperationException("the read whose destination received these bytes was completed by a write");
                }
                // The waiting read takes the first bytes; the rest is appended before it completes (it reads them next).
                waiter = _waiter;
                delivered = Math.Min(nbytes, _waiterBuffer.Length);
                _waiter = null;
                _waiterBuffer = default;
                _reservedDirect = false;
                CommitToBuffer(nbytes - delivered, out _);
            }
            else
            {
                _reservedDirect = false;
                delivered = CommitToBuffer(nbytes, out waiter);
            }
        }
        Complete(waiter, delivered);
    }

    /// <summary>The part of <see cref="Commit"/> for bytes received into the BIO's own room; returns how many went to <paramref name="waiter"/>.</summary>
    private int CommitToBuffer(int nbytes, out ReadWaiter? waiter)
    {
        waiter = null;
        var delivered = 0;
        Reserve(nbytes);
        var offset = _reservedOffset;
        _reservedOffset = -1;
        if (_eofWritten)
        {
            throw new SSLError(1, "cannot write() after write_eof()");
        }
        var data = _buffer.AsSpan(offset, nbytes);
        if (_waiter is not null && nbytes > 0)
        {
            delivered = Math.Min(nbytes, _waiterBuffer.Length);
            data[..delivered].CopyTo(_waiterBuffer.Span);
            data = data[delivered..];
            waiter = _waiter;
            _waiter = null;
            _waiterBuffer = default;
        }
        if (_count == 0)
        {
            _start = offset + delivered;
        }
        else if (offset != _start + _count)
        {
            // Bytes were taken meanwhile and the rest moved: put these after them.
            data.CopyTo(_buffer.AsSpan(_start + _count));
        }
        _count += data.Length;
        return delivered;
    }

    /// <summary>Python's <c>read(n=-1)</c>: up to n buffered bytes (all of them when n is negative).</summary>
    public byte[] Read(int n = -1)
    {
        lock (_gate)
        {
            var take = n < 0 ? _count : Math.Min(n, _count);
            var result = _buffer.AsSpan(_start, take).ToArray();
            Consume(take);
            return result;
        }
    }

    /// <summary>Hands every buffered byte to <paramref name="transport"/> (which copies what it keeps), without a copy of our own.</summary>
    internal void DrainTo(WriteTransport transport)
    {
        lock (_gate)
        {
            if (_count == 0)
            {
                return;
            }
            transport.Write(_buffer.AsSpan(_start, _count));
            Consume(_count);
        }
    }

    /// <summary>
    /// Reads into <paramref name="destination"/>: at once when bytes are buffered or the end was written, otherwise
    /// when the next <see cref="Write"/> or <see cref="WriteEof"/> comes. One read may wait at a time.
    /// </summary>
    internal ValueTask<int> ReadAsync(Memory<byte> destination)
    {
        lock (_gate)
        {
            if (_count > 0 || _eofWritten || destination.IsEmpty)
            {
                var take = Math.Min(destination.Length, _count);
                _buffer.AsSpan(_start, take).CopyTo(destination.Span);
                Consume(take);
                return new ValueTask<int>(take);
            }
            if (_waiter is not null)
            {
                throw new InvalidOperationException("a read is already waiting on this MemoryBIO");
            }
            // One read waits at a time, so the waiter is reused once its result was taken.
            var waiter = _spareWaiter is { Taken: true } spare ? spare : new ReadWaiter();
            _spareWaiter = waiter;
            _waiter = waiter;
            _waiterBuffer = destination;
            return waiter.Start();
        }
    }

    private void Append(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return;
        }
        if (_start + _count + data.Length > _buffer.Length)
        {
            var needed = _count + data.Length;
            var target = needed > _buffer.Length ? new byte[Math.Max(needed, _buffer.Length * 2)] : _buffer;
            Buffer.BlockCopy(_buffer, _start, target, 0, _count);
            _buffer = target;
            _start = 0;
        }
        data.CopyTo(_buffer.AsSpan(_start + _count));
        _count += data.Length;
    }

    private void Consume(int n)
    {
        _start += n;
        _count -= n;
        if (_count == 0 && _reservedOffset < 0)
        {
            _start = 0;
        }
    }

    /// <summary>The wait of one <see cref="ReadAsync"/>, without a Task allocated per wait.</summary>
    private sealed class ReadWaiter : IValueTaskSource<int>
    {
        private ManualResetValueTaskSourceCore<int> _core;

        /// <summary>True once the last wait's result was taken, so the waiter can serve the next one.</summary>
        public bool Taken { get; private set; } = true;

        public ValueTask<int> Start()
        {
            _core.Reset();
            Taken = false;
            return new ValueTask<int>(this, _core.Version);
        }

        public bool SetResult(int result)
        {
            _core.SetResult(result);
            return true;
        }

        public int GetResult(short token)
        {
            var result = _core.GetResult(token);
            Taken = true;
            return result;
        }

        public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

        public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
            _core.OnCompleted(continuation, state, token, flags);
    }
}
