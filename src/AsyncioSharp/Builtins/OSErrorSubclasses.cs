namespace AsyncioSharp;

/// <summary>Python's <c>BlockingIOError</c> (EAGAIN, EALREADY, EINPROGRESS).</summary>
public class BlockingIOError : OSError
{
    /// <summary>Creates the error with a message.</summary>
    public BlockingIOError(string message) : base(message) { }

    /// <summary>Creates the error from an errno and its text.</summary>
    public BlockingIOError(int errno, string strerror) : base(errno, strerror) { }
}

/// <summary>Python's <c>ChildProcessError</c> (ECHILD).</summary>
public class ChildProcessError : OSError
{
    /// <summary>Creates the error with a message.</summary>
    public ChildProcessError(string message) : base(message) { }

    /// <summary>Creates the error from an errno and its text.</summary>
    public ChildProcessError(int errno, string strerror) : base(errno, strerror) { }
}

/// <summary>Python's <c>FileExistsError</c> (EEXIST).</summary>
public class FileExistsError : OSError
{
    /// <summary>Creates the error with a message.</summary>
    public FileExistsError(string message) : base(message) { }

    /// <summary>Creates the error from an errno and its text.</summary>
    public FileExistsError(int errno, string strerror) : base(errno, strerror) { }
}

/// <summary>Python's <c>FileNotFoundError</c> (ENOENT).</summary>
public class FileNotFoundError : OSError
{
    /// <summary>Creates the error with a message.</summary>
    public FileNotFoundError(string message) : base(message) { }

    /// <summary>Creates the error from an errno and its text.</summary>
    public FileNotFoundError(int errno, string strerror) : base(errno, strerror) { }
}

/// <summary>Python's <c>InterruptedError</c> (EINTR).</summary>
public class InterruptedError : OSError
{
    /// <summary>Creates the error with a message.</summary>
    public InterruptedError(string message) : base(message) { }

    /// <summary>Creates the error from an errno and its text.</summary>
    public InterruptedError(int errno, string strerror) : base(errno, strerror) { }
}

/// <summary>Python's <c>IsADirectoryError</c> (EISDIR).</summary>
public class IsADirectoryError : OSError
{
    /// <summary>Creates the error with a message.</summary>
    public IsADirectoryError(string message) : base(message) { }

    /// <summary>Creates the error from an errno and its text.</summary>
    public IsADirectoryError(int errno, string strerror) : base(errno, strerror) { }
}

/// <summary>Python's <c>NotADirectoryError</c> (ENOTDIR).</summary>
public class NotADirectoryError : OSError
{
    /// <summary>Creates the error with a message.</summary>
    public NotADirectoryError(string message) : base(message) { }

    /// <summary>Creates the error from an errno and its text.</summary>
    public NotADirectoryError(int errno, string strerror) : base(errno, strerror) { }
}

/// <summary>Python's <c>PermissionError</c> (EACCES, EPERM).</summary>
public class PermissionError : OSError
{
    /// <summary>Creates the error with a message.</summary>
    public PermissionError(string message) : base(message) { }

    /// <summary>Creates the error from an errno and its text.</summary>
    public PermissionError(int errno, string strerror) : base(errno, strerror) { }
}

/// <summary>Python's <c>ProcessLookupError</c> (ESRCH).</summary>
public class ProcessLookupError : OSError
{
    /// <summary>Creates the error with a message.</summary>
    public ProcessLookupError(string message) : base(message) { }

    /// <summary>Creates the error from an errno and its text.</summary>
    public ProcessLookupError(int errno, string strerror) : base(errno, strerror) { }
}
