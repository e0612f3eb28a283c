using System;

namespace AsyncioSharp;

/// <summary>Python's <c>asyncio.LimitOverrunError</c>: the buffer limit was reached while looking for a separator.</summary>
public class LimitOverrunError : Exception
{
    /// <summary>Creates the error with a message and the number of bytes to be consumed.</summary>
    public LimitOverrunError(string message, long consumed) : base(message)
    {
        Consumed = consumed;
    }

    /// <summary>Python's <c>consumed</c>: the number of bytes to be consumed.</summary>
    public long Consumed { get; }
}
