using System;

namespace AsyncioSharp;

/// <summary>
/// Python's <c>OSError</c>: a system call failed. <see cref="Errno"/> and <see cref="Strerror"/> are set
/// when built from an errno, and the message then reads <c>[Errno N] text</c> as in Python.
/// </summary>
public class OSError : Exception
{
    /// <summary>Creates an error with only a message (Python: <c>OSError(msg)</c>).</summary>
    public OSError(string message) : base(message) { }

    /// <summary>Creates an error with only a message and an inner exception.</summary>
    public OSError(string message, Exception? inner) : base(message, inner) { }

    /// <summary>Creates an error from an errno and its text (Python: <c>OSError(errno, strerror)</c>).</summary>
    public OSError(int errno, string strerror) : base($"[Errno {errno}] {strerror}")
    {
        Errno = errno;
        Strerror = strerror;
    }

    /// <summary>Python's <c>errno</c> attribute, or null when the error carries none.</summary>
    public int? Errno { get; }

    /// <summary>Python's <c>strerror</c> attribute, or null when the error carries none.</summary>
    public string? Strerror { get; }
}

/// <summary>Python's <c>ConnectionError</c>, base of the connection failures.</summary>
public class ConnectionError : OSError
{
    /// <summary>Creates the error with a message.</summary>
    public ConnectionError(string message) : base(message) { }

    /// <summary>Creates the error from an errno and its text.</summary>
    public ConnectionError(int errno, string strerror) : base(errno, strerror) { }
}

/// <summary>Python's <c>ConnectionRefusedError</c> (ECONNREFUSED).</summary>
public class ConnectionRefusedError : ConnectionError
{
    /// <summary>Creates the error with a message.</summary>
    public ConnectionRefusedError(string message) : base(message) { }

    /// <summary>Creates the error from an errno and its text.</summary>
    public ConnectionRefusedError(int errno, string strerror) : base(errno, strerror) { }
}

/// <summary>Python's <c>ConnectionResetError</c> (ECONNRESET).</summary>
public class ConnectionResetError : ConnectionError
{
    /// <summary>Creates the error with a message.</summary>
    public ConnectionResetError(string message) : base(message) { }

    /// <summary>Creates the error from an errno and its text.</summary>
    public ConnectionResetError(int errno, string strerror) : base(errno, strerror) { }
}

/// <summary>Python's <c>ConnectionAbortedError</c> (ECONNABORTED).</summary>
public class ConnectionAbortedError : ConnectionError
{
    /// <summary>Creates the error with a message.</summary>
    public ConnectionAbortedError(string message) : base(message) { }

    /// <summary>Creates the error from an errno and its text.</summary>
    public ConnectionAbortedError(int errno, string strerror) : base(errno, strerror) { }
}

/// <summary>Python's <c>BrokenPipeError</c> (EPIPE, ESHUTDOWN).</summary>
public class BrokenPipeError : ConnectionError
{
    /// <summary>Creates the error with a message.</summary>
    public BrokenPipeError(string message) : base(message) { }

    /// <summary>Creates the error from an errno and its text.</summary>
    public BrokenPipeError(int errno, string strerror) : base(errno, strerror) { }
}

/// <summary>
/// Python's builtin <c>TimeoutError</c> (an <see cref="OSError"/>), which is also <c>asyncio.TimeoutError</c>
/// since Python 3.11.
/// </summary>
public class TimeoutError : OSError
{
    /// <summary>Creates the error with no message, as asyncio raises it.</summary>
    public TimeoutError() : base("") { }

    /// <summary>Creates the error with a message.</summary>
    public TimeoutError(string message) : base(message) { }

    /// <summary>Creates the error with a message and its cause (Python: <c>raise TimeoutError from exc</c>).</summary>
    public TimeoutError(string message, Exception? inner) : base(message, inner) { }

    /// <summary>Creates the error from an errno and its text (ETIMEDOUT).</summary>
    public TimeoutError(int errno, string strerror) : base(errno, strerror) { }
}
