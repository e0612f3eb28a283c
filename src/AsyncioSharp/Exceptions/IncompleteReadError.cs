namespace AsyncioSharp;

/// <summary>Python's <c>asyncio.IncompleteReadError</c>: EOF came before the expected number of bytes.</summary>
public class IncompleteReadError : EOFError
{
    /// <summary>Creates the error from the bytes read and the number expected (null: until a separator).</summary>
    public IncompleteReadError(byte[] partial, long? expected)
        : base($"{partial.Length} bytes read on a total of {(expected is null ? "undefined" : expected.ToString())} expected bytes")
    {
        Partial = partial;
        Expected = expected;
    }

    /// <summary>Python's <c>partial</c>: the bytes read before the end of stream.</summary>
    public byte[] Partial { get; }

    /// <summary>Python's <c>expected</c>: the total number of bytes expected, or null.</summary>
    public long? Expected { get; }
}
