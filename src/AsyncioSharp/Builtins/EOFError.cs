using System;

namespace AsyncioSharp;

/// <summary>Python's <c>EOFError</c>: end of input reached before the data expected.</summary>
public class EOFError : Exception
{
    /// <summary>Creates the error with Python's message text.</summary>
    public EOFError(string message) : base(message) { }
}
