namespace AsyncioSharp;

public static partial class Asyncio
{
    /// <summary>Python's <c>asyncio.isfuture(obj)</c>: true for a <see cref="Future"/> (tasks included).</summary>
    public static bool Isfuture(object? obj) => obj is Future;
}
