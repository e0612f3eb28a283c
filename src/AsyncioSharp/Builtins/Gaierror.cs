namespace AsyncioSharp;

/// <summary>
/// Python's <c>socket.gaierror</c>: a name resolution (getaddrinfo/getnameinfo) failure, with the negative
/// <c>EAI_*</c> code as errno and the C library's <c>gai_strerror</c> text, e.g. <c>[Errno -2] Name or service not known</c>.
/// </summary>
public class Gaierror : OSError
{
    /// <summary>Creates the error with a message.</summary>
    public Gaierror(string message) : base(message) { }

    /// <summary>Creates the error from an <c>EAI_*</c> code and its text.</summary>
    public Gaierror(int errno, string strerror) : base(errno, strerror) { }
}
