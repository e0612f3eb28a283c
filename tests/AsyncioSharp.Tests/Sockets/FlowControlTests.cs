using System.Net;
using System.Net.Sockets;
using AsyncioSharp;
using Xunit;
using static AsyncioSharp.Tests.Sockets.SocketTestSupport;

namespace AsyncioSharp.Tests.Sockets;

/// <summary>Write-side flow control against a slow reader that is not ours.</summary>
public class FlowControlTests
{
    private const long Total = 256L * 1024 * 1024;
    private const int Chunk = 64 * 1024;

    private static byte PatternAt(long i) => (byte)(i ^ (i >> 8) ^ (i >> 16) ^ (i >> 24));

    /// <summary>Writes <see cref="Total"/> bytes, <see cref="Chunk"/> at a time, only while the transport lets it.</summary>
    private sealed class PacedWriter : Protocol
    {
        private readonly byte[] _chunk = new byte[Chunk];
        private Transport? _transport;
        private bool _paused;
        public long Written;
        public int Pauses;
        public int MaxBufferSize;
        public int MinBufferAtPause = int.MaxValue;
        public readonly Future Done;

        public PacedWriter(AbstractEventLoop loop) => Done = loop.CreateFuture();

        public override void ConnectionMade(BaseTransport transport)
        {
            _transport = (Transport)transport;
            Pump();
        }

        private void Pump()
        {
            while (!_paused && Written < Total)
            {
                for (var j = 0; j < Chunk; j++)
                {
                    _chunk[j] = PatternAt(Written + j);
                }
                Written += Chunk;
                _transport!.Write(_chunk);
                MaxBufferSize = Math.Max(MaxBufferSize, _transport.GetWriteBufferSize());
            }
            if (Written == Total && !_paused)
            {
                _transport!.Close();
            }
        }

        public override void PauseWriting()
        {
            Pauses++;
            MinBufferAtPause = Math.Min(MinBufferAtPause, _transport!.GetWriteBufferSize());
            _paused = true;
        }

        public override void ResumeWriting()
        {
            Assert.True(_transport!.GetWriteBufferSize() <= _transport.GetWriteBufferLimits().Low);
            _paused = false;
            Pump();
        }

        public override void ConnectionLost(Exception? exc)
        {
            if (exc is null)
            {
                Done.SetResult(null);
            }
            else
            {
                Done.SetException(exc);
            }
        }
    }

    [Fact]
    public void transfer_of_256_MiB_to_a_slow_reader_arrives_byte_exact_with_the_buffer_near_the_high_water_mark()
    {
        using var listener = Listener();
        long received = 0;
        long firstMismatch = -1;
        var reader = new Thread(() =>
        {
            using var conn = listener.Accept();
            conn.ReceiveBufferSize = 64 * 1024;
            var buf = new byte[16 * 1024];
            int n;
            var nextPause = 1L << 20;
            while ((n = conn.Receive(buf)) > 0)
            {
                for (var j = 0; j < n && firstMismatch < 0; j++)
                {
                    if (buf[j] != PatternAt(received + j))
                    {
                        firstMismatch = received + j;
                    }
                }
                received += n;
                if (received >= nextPause)
                {
                    // The slow part: the writer must wait for this reader.
                    Thread.Sleep(1);
                    nextPause += 1L << 20;
                }
            }
        }) { IsBackground = true };
        reader.Start();

        var loop = new SelectorEventLoop();
        try
        {
            var writer = new PacedWriter(loop);
            loop.RunUntilComplete(loop.CreateConnection(() => writer, "127.0.0.1", PortOf(listener)));
            loop.RunUntilComplete(writer.Done);
            reader.Join();

            Assert.Equal(Total, received);
            Assert.Equal(-1, firstMismatch);
            Assert.True(writer.Pauses > 0, "the writer was never paused");
            var high = FlowControlMixin.DefaultHighWater;
            // Paused as soon as the buffer went over the mark, and never allowed to grow past it by more than one write.
            Assert.True(writer.MinBufferAtPause > high);
            Assert.True(writer.MaxBufferSize <= high + Chunk, $"buffer reached {writer.MaxBufferSize}");
        }
        finally
        {
            loop.Close();
        }
    }
}
