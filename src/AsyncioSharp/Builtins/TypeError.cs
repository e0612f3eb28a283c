using System;

namespace AsyncioSharp;

/// <summary>Python's <c>TypeError</c>: an argument has the wrong type.</summary>
public class TypeError : ArgumentException
{
    /// <summary>Creates the error with Python's message text.</summary>
    public TypeError(string message) : base(message) { }
}
