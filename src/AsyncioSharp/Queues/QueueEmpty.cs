using System;

namespace AsyncioSharp;

/// <summary>Python's <c>asyncio.QueueEmpty</c>: <c>get_nowait()</c> on an empty queue.</summary>
public class QueueEmpty : Exception
{
    /// <summary>Creates the error; Python's carries no message.</summary>
    public QueueEmpty() : base("") { }
}
