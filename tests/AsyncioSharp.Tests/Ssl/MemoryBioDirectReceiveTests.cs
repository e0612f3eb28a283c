using AsyncioSharp.Ssl;
using Xunit;

namespace AsyncioSharp.Tests.Ssl;

/// <summary>
/// The incoming MemoryBIO's direct receive: while a read waits, a transport receives first into that read's own
/// destination, then into the BIO's room; bytes stay in order and exact whichever way each chunk came in.
/// </summary>
public sealed class MemoryBioDirectReceiveTests
{
    /// <summary>A reader like SslStream: reads of varying sizes into one buffer, taking each result once.</summary>
    private sealed class Reader
    {
        private readonly MemoryBIO _bio;
        private readonly Random _random;
        private readonly byte[] _buffer = new byte[40000];
        private ValueTask<int>? _pending;
        private Memory<byte> _destination;

        public Reader(MemoryBIO bio, Random random)
        {
            _bio = bio;
            _random = random;
        }

        public List<byte> Data { get; } = new();

        /// <summary>Where the read that waits wants its bytes; empty when none waits.</summary>
        public Memory<byte> Waiting => _pending is { IsCompleted: false } ? _destination : default;

        /// <summary>Takes what completed and reads again, until a read waits.</summary>
        public void Pump()
        {
            while (true)
            {
                if (_pending is { } pending)
                {
                    if (!pending.IsCompleted)
                    {
                        return;
                    }
                    Data.AddRange(_destination.Span[..pending.Result].ToArray());
                    _pending = null;
                }
                var start = _random.Next(0, 1000);
                var destination = _buffer.AsMemory(start, _random.Next(1, _buffer.Length - start));
                var read = _bio.ReadAsync(destination);
                if (read.IsCompleted)
                {
                    Data.AddRange(destination.Span[..read.Result].ToArray());
                    continue;
                }
                _pending = read;
                _destination = destination;
            }
        }
    }

    [Fact]
    public void direct_and_buffered_receives_interleave_in_order_and_byte_exact()
    {
        var random = new Random(11);
        var input = new byte[4 * 1024 * 1024];
        random.NextBytes(input);
        var bio = new MemoryBIO();
        var reader = new Reader(bio, random);
        reader.Pump();
        int offset = 0, direct = 0, overflowed = 0, buffered = 0;
        while (offset < input.Length)
        {
            var left = input.Length - offset;
            switch (random.Next(4))
            {
                case 0:
                case 1:
                {
                    var waiting = reader.Waiting;
                    var room = bio.GetWriteBuffers(random.Next(1, 20000), out var first);
                    var n = Math.Min(left, random.Next(1, first.Length + room.Length + 1));
                    var toFirst = Math.Min(n, first.Length);
                    input.AsSpan(offset, toFirst).CopyTo(first.Span);
                    input.AsSpan(offset + toFirst, n - toFirst).CopyTo(room.Span);
                    if (!first.IsEmpty)
                    {
                        // The room offered first is the waiting read's own destination, so its bytes are not copied.
                        Assert.True(first.Equals(waiting));
                        direct++;
                        overflowed += n > first.Length ? 1 : 0;
                    }
                    else
                    {
                        Assert.True(waiting.IsEmpty);
                    }
                    bio.Received(n, out var seenFirst, out var seenSecond);
                    Assert.Equal(input.AsSpan(offset, n).ToArray(), seenFirst.ToArray().Concat(seenSecond.ToArray()).ToArray());
                    bio.Commit(n);
                    offset += n;
                    break;
                }
                case 2:
                {
                    var room = bio.GetWriteBuffer(random.Next(1, 20000));
                    var n = Math.Min(left, random.Next(1, room.Length + 1));
                    input.AsSpan(offset, n).CopyTo(room.Span);
                    bio.Commit(n);
                    offset += n;
                    buffered++;
                    break;
                }
                default:
                {
                    var n = Math.Min(left, random.Next(1, 20000));
                    bio.Write(input.AsSpan(offset, n));
                    offset += n;
                    buffered++;
                    break;
                }
            }
            // A busy reader reads again later: meanwhile bytes wait in the BIO and no receive is direct.
            if (random.Next(3) != 0)
            {
                reader.Pump();
            }
        }
        reader.Pump();
        Assert.Equal(input, reader.Data.ToArray());
        Assert.True(direct > 20 && overflowed > 20 && buffered > 20, $"direct {direct}, overflowed {overflowed}, buffered {buffered}");
    }

    [Fact]
    public void a_direct_receive_dropped_leaves_the_read_waiting_for_the_next()
    {
        var bio = new MemoryBIO();
        var destination = new byte[100];
        var read = bio.ReadAsync(destination);
        bio.GetWriteBuffers(10, out var first).Span[..3].Fill(9);
        Assert.True(first.Equals(destination.AsMemory()));
        bio.Drop();
        Assert.False(read.IsCompleted);
        Assert.Equal(0, bio.Pending);
        bio.Write(new byte[] { 1, 2 });
        Assert.Equal(2, read.Result);
        Assert.Equal(new byte[] { 1, 2 }, destination[..2]);
    }

    [Fact]
    public void no_direct_receive_while_bytes_wait_in_the_bio()
    {
        var bio = new MemoryBIO();
        bio.Write(new byte[] { 1 });
        bio.GetWriteBuffers(10, out var first).Span[0] = 2;
        Assert.True(first.IsEmpty);
        bio.Commit(1);
        var destination = new byte[10];
        Assert.Equal(2, bio.ReadAsync(destination).Result);
        Assert.Equal(new byte[] { 1, 2 }, destination[..2]);
        var read = bio.ReadAsync(destination);
        bio.GetWriteBuffers(10, out first);
        first.Span[0] = 3;
        Assert.True(first.Equals(destination.AsMemory()));
        bio.Commit(1);
        Assert.Equal(1, read.Result);
        Assert.Equal(3, destination[0]);
    }
}
