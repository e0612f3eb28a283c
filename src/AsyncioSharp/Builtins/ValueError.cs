using System;

namespace AsyncioSharp;

/// <summary>Python's <c>ValueError</c>: an argument has the right type but a bad value.</summary>
public class ValueError : ArgumentException
{
    /// <summary>Creates the error with Python's message text.</summary>
    public ValueError(string message) : base(message) { }
}
