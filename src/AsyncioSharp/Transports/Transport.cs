using System;
using System.Collections.Generic;

namespace AsyncioSharp;

/// <summary>
/// Python's <c>asyncio.Transport</c>: a bidirectional stream transport. Python derives it from both
/// ReadTransport and WriteTransport; C# has single inheritance, so it extends <see cref="WriteTransport"/>
/// and declares the read side itself (docs/naming.md).
/// </summary>
public abstract class Transport : WriteTransport
{
    /// <summary>Creates a transport whose extra info answers from <paramref name="extra"/>.</summary>
    protected Transport(IReadOnlyDictionary<string, object?>? extra = null) : base(extra) { }

    /// <summary>Python's <c>is_reading()</c>.</summary>
    public virtual bool IsReading() => throw new NotImplementedException();

    /// <summary>Python's <c>pause_reading()</c>: no data_received until <see cref="ResumeReading"/>.</summary>
    public virtual void PauseReading() => throw new NotImplementedException();

    /// <summary>Python's <c>resume_reading()</c>.</summary>
    public virtual void ResumeReading() => throw new NotImplementedException();
}
