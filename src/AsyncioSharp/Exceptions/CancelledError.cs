using System;

namespace AsyncioSharp;

/// <summary>Python's <c>asyncio.CancelledError</c>: the operation was cancelled.</summary>
public class CancelledError : Exception
{
    /// <summary>Creates the error with no message.</summary>
    public CancelledError() : base("") { }

    /// <summary>Creates the error with the message given to <c>cancel(msg)</c>, if any.</summary>
    public CancelledError(string? message) : base(message ?? "") { }
}
