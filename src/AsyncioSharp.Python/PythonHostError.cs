using System;

namespace AsyncioSharp.Python;

/// <summary>No usable CPython: the message is one line a user can act on.</summary>
public sealed class PythonHostError : Exception
{
    /// <summary>Creates the error with its one-line message.</summary>
    public PythonHostError(string message) : base(message)
    {
    }
}
