namespace AsyncioSharp;

/// <summary>Python's <c>asyncio.DefaultEventLoopPolicy</c> (on Unix, <c>_UnixDefaultEventLoopPolicy</c>).</summary>
public class DefaultEventLoopPolicy : BaseDefaultEventLoopPolicy
{
    /// <inheritdoc />
    public override AbstractEventLoop NewEventLoop() => new SelectorEventLoop();
}
