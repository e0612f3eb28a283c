using System;

namespace AsyncioSharp;

/// <summary>Python's <c>asyncio.QueueFull</c>: <c>put_nowait()</c> on a full queue.</summary>
public class QueueFull : Exception
{
    /// <summary>Creates the error; Python's carries no message.</summary>
    public QueueFull() : base("") { }
}
