namespace AsyncioSharp;

/// <summary>Python's <c>constants._SendfileMode</c>: how loop.sendfile() may send over a transport.</summary>
internal enum SendfileMode
{
    /// <summary>sendfile() raises RuntimeError for this transport.</summary>
    Unsupported,

    /// <summary>The zero-copy path first, the fallback if it is not available.</summary>
    TryNative,

    /// <summary>Only the read-and-write fallback (TLS transports).</summary>
    Fallback,
}
