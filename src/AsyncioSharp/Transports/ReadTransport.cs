using System;

namespace AsyncioSharp;

/// <summary>Python's <c>asyncio.ReadTransport</c>: the read-only side of a transport.</summary>
public abstract class ReadTransport : BaseTransport
{
    /// <summary>Python's <c>is_reading()</c>.</summary>
    public virtual bool IsReading() => throw new NotImplementedException();

    /// <summary>Python's <c>pause_reading()</c>: no data_received until <see cref="ResumeReading"/>.</summary>
    public virtual void PauseReading() => throw new NotImplementedException();

    /// <summary>Python's <c>resume_reading()</c>.</summary>
    public virtual void ResumeReading() => throw new NotImplementedException();
}
