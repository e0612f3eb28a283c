using System;

namespace AsyncioSharp;

/// <summary>Python's <c>asyncio.SubprocessProtocol</c>: the interface for protocols of subprocess pipes.</summary>
public class SubprocessProtocol : BaseProtocol
{
    /// <summary>Python's <c>pipe_data_received(fd, data)</c>: the child wrote to its stdout (1) or stderr (2).</summary>
    public virtual void PipeDataReceived(int fd, ReadOnlySpan<byte> data) { }

    /// <summary>Python's <c>pipe_connection_lost(fd, exc)</c>: one of the child's pipes closed.</summary>
    public virtual void PipeConnectionLost(int fd, Exception? exc) { }

    /// <summary>Python's <c>process_exited()</c>: the child exited.</summary>
    public virtual void ProcessExited() { }
}
