using System.Collections.Generic;

namespace AsyncioSharp;

/// <summary>The wait every primitive repeats in Python: append a future to the waiters, await it, remove it whatever happens.</summary>
internal static class WaiterQueue
{
    /// <summary>Awaits <paramref name="waiter"/> as the last of <paramref name="waiters"/>; it is removed before the await ends, even on cancellation.</summary>
    internal static async Coroutine Await(LinkedList<Future> waiters, Future waiter)
    {
        var node = waiters.AddLast(waiter);
        try
        {
            await waiter;
        }
        finally
        {
            waiters.Remove(node);
        }
    }
}
