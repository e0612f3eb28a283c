using AsyncioSharp;

namespace AsyncioSharp.Tests.Ssl;

/// <summary>An application protocol that records every callback, in order.</summary>
internal class RecordingProtocol : Protocol
{
    public List<string> Events { get; } = new();

    public List<byte> Data { get; } = new();

    public BaseTransport? Transport { get; private set; }

    public Exception? LostWith { get; private set; }

    public bool Lost { get; private set; }

    public bool Echo { get; init; }

    public override void ConnectionMade(BaseTransport transport)
    {
        Transport = transport;
        Events.Add("made");
    }

    public override void DataReceived(ReadOnlySpan<byte> data)
    {
        Events.Add("data");
        Data.AddRange(data.ToArray());
        if (Echo)
        {
            ((WriteTransport)Transport!).Write(data);
        }
    }

    public override bool EofReceived()
    {
        Events.Add("eof");
        return false;
    }

    public override void ConnectionLost(Exception? exc)
    {
        Events.Add("lost");
        Lost = true;
        LostWith = exc;
    }

    public override void PauseWriting() => Events.Add("pause_writing");

    public override void ResumeWriting() => Events.Add("resume_writing");
}
