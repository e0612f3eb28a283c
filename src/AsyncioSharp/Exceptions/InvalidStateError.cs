using System;

namespace AsyncioSharp;

/// <summary>Python's <c>asyncio.InvalidStateError</c>: a Task or Future is in the wrong state for the operation.</summary>
public class InvalidStateError : Exception
{
    /// <summary>Creates the error with Python's message text.</summary>
    public InvalidStateError(string message) : base(message) { }
}
