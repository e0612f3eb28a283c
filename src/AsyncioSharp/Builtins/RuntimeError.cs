using System;

namespace AsyncioSharp;

/// <summary>Python's <c>RuntimeError</c>: an operation is not valid in the current state.</summary>
public class RuntimeError : InvalidOperationException
{
    /// <summary>Creates the error with Python's message text.</summary>
    public RuntimeError(string message) : base(message) { }

    /// <summary>Creates the error with a message and the exception that caused it.</summary>
    public RuntimeError(string message, Exception? inner) : base(message, inner) { }
}
