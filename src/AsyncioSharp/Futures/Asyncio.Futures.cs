namespace AsyncioSharp;

public static partial class Asyncio
{
    /// <summary>Python's <c>asyncio.isfuture(obj)</c>: true for a <see cref="Future"/> (tasks included).</summary>
    public static bool Isfuture(object? obj) => obj is Future;

    /// <summary>Python's <c>asyncio.wrap_future(future, *, loop=None)</c> given an asyncio future: returned as is.</summary>
    public static Future WrapFuture(Future future, AbstractEventLoop? loop = null) => future;
}
