using System;

namespace AsyncioSharp;

/// <summary>
/// Python's <c>asyncio.BaseProtocol</c>: the callbacks every protocol receives. All do nothing by default.
/// </summary>
public class BaseProtocol
{
    /// <summary>Python's <c>connection_made(transport)</c>: called once the connection is made.</summary>
    public virtual void ConnectionMade(BaseTransport transport) { }

    /// <summary>Python's <c>connection_lost(exc)</c>: called once, last; <paramref name="exc"/> is null on a regular EOF or close.</summary>
    public virtual void ConnectionLost(Exception? exc) { }

    /// <summary>Python's <c>pause_writing()</c>: the transport's buffer went over the high-water mark.</summary>
    public virtual void PauseWriting() { }

    /// <summary>Python's <c>resume_writing()</c>: the transport's buffer drained below the low-water mark.</summary>
    public virtual void ResumeWriting() { }
}
