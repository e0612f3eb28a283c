namespace AsyncioSharp;

/// <summary>Python's <c>asyncio.BrokenBarrierError</c>: a <c>Barrier</c> is broken.</summary>
public class BrokenBarrierError : RuntimeError
{
    /// <summary>Creates the error with Python's message text.</summary>
    public BrokenBarrierError(string message) : base(message) { }
}
