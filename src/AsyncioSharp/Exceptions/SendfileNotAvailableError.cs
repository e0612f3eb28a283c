namespace AsyncioSharp;

/// <summary>Python's <c>asyncio.SendfileNotAvailableError</c>: sendfile is not available for the socket or file.</summary>
public class SendfileNotAvailableError : RuntimeError
{
    /// <summary>Creates the error with Python's message text.</summary>
    public SendfileNotAvailableError(string message) : base(message) { }
}
