using System;
using System.Collections.Generic;

namespace AsyncioSharp;

/// <summary>The report half of every transport's <c>_fatal_error(exc, message)</c> (selector_events.py, unix_events.py).</summary>
internal static class FatalErrors
{
    /// <summary>
    /// An expected error (<paramref name="expected"/>: the peer went away) is logged in debug mode only, as Python's
    /// <c>logger.debug("%r: %s", self, message, exc_info=True)</c>; any other goes to the loop's exception handler.
    /// </summary>
    internal static void Report(BaseEventLoop loop, bool expected, BaseTransport transport, BaseProtocol? protocol,
        Exception exc, string message)
    {
        if (expected)
        {
            if (loop.GetDebug())
            {
                Log.Debug($"{transport}: {message}: {exc}");
            }
            return;
        }
        loop.CallExceptionHandler(new Dictionary<string, object?>
        {
            ["message"] = message, ["exception"] = exc, ["transport"] = transport, ["protocol"] = protocol,
        });
    }
}
