using System.Net;
using AsyncioSharp;
using AsyncioSharp.Ssl;
using Xunit;

namespace AsyncioSharp.Tests.Ssl;

/// <summary>
/// The TLS data path over real loopback sockets: ciphertext received straight into the incoming BIO, reads that wait
/// for records, messages spanning many records, with flow control on the way.
/// </summary>
public sealed class TlsDataPathTests : IDisposable
{
    private readonly SelectorEventLoop _loop = new();
    private readonly List<IReadOnlyDictionary<string, object?>> _errors = new();

    public TlsDataPathTests()
    {
        _loop.SetExceptionHandler((_, context) => _errors.Add(context));
    }

    public void Dispose() => _loop.Close();

    /// <summary>Echoes what it gets; every <see cref="PauseEvery"/> bytes it pauses reading for a moment.</summary>
    private sealed class PausingEcho : Protocol
    {
        private readonly AbstractEventLoop _loop;
        private Transport? _transport;
        private long _nextPause;

        public PausingEcho(AbstractEventLoop loop, long pauseEvery)
        {
            _loop = loop;
            PauseEvery = pauseEvery;
            _nextPause = pauseEvery;
        }

        public long PauseEvery { get; }

        public long Received { get; private set; }

        public int Pauses { get; private set; }

        public bool DataWhilePaused { get; private set; }

        private bool Paused { get; set; }

        public override void ConnectionMade(BaseTransport transport) => _transport = (Transport)transport;

        public override void DataReceived(ReadOnlySpan<byte> data)
        {
            DataWhilePaused |= Paused;
            Received += data.Length;
            _transport!.Write(data);
            if (PauseEvery > 0 && Received >= _nextPause)
            {
                _nextPause = Received + PauseEvery;
                Paused = true;
                Pauses++;
                _transport.PauseReading();
                _loop.CallLater(0.002, () =>
                {
                    Paused = false;
                    _transport.ResumeReading();
                });
            }
        }
    }

    private sealed class Collector : Protocol
    {
        public List<byte> Data { get; } = new();

        public List<string> Events { get; } = new();

        public override void DataReceived(ReadOnlySpan<byte> data) => Data.AddRange(data.ToArray());

        public override void PauseWriting() => Events.Add("pause_writing");

        public override void ResumeWriting() => Events.Add("resume_writing");
    }

    /// <summary>Counts what it gets, reading only once <see cref="Start"/> is called.</summary>
    private sealed class LateReader : Protocol
    {
        private Transport? _transport;

        public long Received { get; private set; }

        public override void ConnectionMade(BaseTransport transport)
        {
            _transport = (Transport)transport;
            _transport.PauseReading();
        }

        public override void DataReceived(ReadOnlySpan<byte> data) => Received += data.Length;

        public void Start() => _transport!.ResumeReading();
    }

    private void RunUntil(Func<bool> done, double timeout = 30)
    {
        var deadline = _loop.Time() + timeout;
        while (!done())
        {
            Assert.True(_loop.Time() < deadline, "timed out");
            _loop.RunUntilComplete(Asyncio.Sleep(0.001));
        }
    }

    private static byte[] Pattern(int size)
    {
        var data = new byte[size];
        new Random(5).NextBytes(data);
        return data;
    }

    /// <summary>Sends <paramref name="data"/> in writes of the given sizes, in turn, and returns what came back.</summary>
    private (byte[] Echoed, PausingEcho Server) Echo(byte[] data, int[] writeSizes, long pauseEvery)
    {
        PausingEcho? server = null;
        var serverContext = SslProtocolPairTests.ServerContext();
        var listening = (Server)_loop.RunUntilComplete(_loop.CreateServer(() => server = new PausingEcho(_loop, pauseEvery),
            "127.0.0.1", 0, ssl: serverContext));
        var port = ((IPEndPoint)listening.Sockets[0].Getsockname()).Port;
        var client = new Collector();
        var (transport, _) = _loop.RunUntilComplete(_loop.CreateConnection(() => client, "127.0.0.1", port,
            ssl: SslProtocolPairTests.ClientContext(), serverHostname: "localhost"));
        var writer = (WriteTransport)transport;
        var offset = 0;
        for (var i = 0; offset < data.Length; i++)
        {
            var n = Math.Min(writeSizes[i % writeSizes.Length], data.Length - offset);
            writer.Write(data.AsSpan(offset, n));
            offset += n;
        }
        RunUntil(() => client.Data.Count >= data.Length);
        transport.Close();
        listening.Close();
        _loop.RunUntilComplete(listening.WaitClosed());
        RunUntil(() => server is not null);
        return (client.Data.ToArray(), server!);
    }

    [Fact]
    public void many_record_messages_echo_every_byte_in_order()
    {
        var data = Pattern(3 * 1024 * 1024);
        var (echoed, _) = Echo(data, new[] { 65536, 1, 16384, 16385, 70000, 333, 200000 }, pauseEvery: 0);
        Assert.Equal(data, echoed);
        Assert.Empty(_errors);
    }

    [Fact]
    public void small_messages_echo_every_byte_in_order()
    {
        var data = Pattern(200 * 1024);
        var (echoed, _) = Echo(data, new[] { 1024, 7, 100 }, pauseEvery: 0);
        Assert.Equal(data, echoed);
        Assert.Empty(_errors);
    }

    [Fact]
    public void pause_reading_through_tls_holds_data_and_loses_none()
    {
        var data = Pattern(2 * 1024 * 1024);
        var (echoed, server) = Echo(data, new[] { 50000, 1024, 131072 }, pauseEvery: 100 * 1024);
        Assert.Equal(data, echoed);
        Assert.True(server.Pauses >= 3, $"paused {server.Pauses} times");
        Assert.False(server.DataWhilePaused);
        Assert.Empty(_errors);
    }

    [Fact]
    public void a_peer_not_reading_pauses_the_writer_until_it_reads_everything()
    {
        LateReader? server = null;
        var listening = (Server)_loop.RunUntilComplete(_loop.CreateServer(() => server = new LateReader(), "127.0.0.1", 0,
            ssl: SslProtocolPairTests.ServerContext()));
        var port = ((IPEndPoint)listening.Sockets[0].Getsockname()).Port;
        var client = new Collector();
        var (transport, _) = _loop.RunUntilComplete(_loop.CreateConnection(() => client, "127.0.0.1", port,
            ssl: SslProtocolPairTests.ClientContext(), serverHostname: "localhost"));
        var writer = (WriteTransport)transport;
        RunUntil(() => server is not null);
        // The kernel's socket buffers grow while the connection runs: write until the writer stays paused.
        var chunk = Pattern(65536);
        long sent = 0;
        bool Paused() => client.Events.Count > 0 && client.Events[^1] == "pause_writing";
        for (var round = 0; ; round++)
        {
            Assert.True(round < 200, "the writer was never held paused");
            while (!Paused())
            {
                writer.Write(chunk);
                sent += chunk.Length;
            }
            _loop.RunUntilComplete(Asyncio.Sleep(0.05));
            if (Paused())
            {
                break;
            }
        }
        Assert.True(writer.GetWriteBufferSize() > 0);
        Assert.True(server!.Received == 0);
        server.Start();
        RunUntil(() => server.Received == sent);
        RunUntil(() => !Paused());
        Assert.Equal("resume_writing", client.Events[^1]);
        Assert.Equal(0, writer.GetWriteBufferSize());
        transport.Close();
        listening.Close();
        _loop.RunUntilComplete(listening.WaitClosed());
        Assert.Empty(_errors);
    }
}
