using System;
using System.Collections.Generic;
using System.IO;

namespace AsyncioSharp;

/// <summary>
/// What Python's <c>_UnixReadPipeTransport</c> and <c>_UnixWritePipeTransport</c> spell alike in unix_events.py: the
/// extra info, the fatal-error report, <c>_call_connection_lost</c> and the head of <c>__repr__</c>. (They derive
/// from different transport bases, so they share these as functions.)
/// </summary>
internal static class PipeTransports
{
    /// <summary>The transport's extra info: the given one plus <c>pipe</c>.</summary>
    internal static Dictionary<string, object?> Extra(Stream pipe, IReadOnlyDictionary<string, object?>? extra)
    {
        var result = extra is null ? new Dictionary<string, object?>() : new Dictionary<string, object?>(extra);
        result["pipe"] = pipe;
        return result;
    }

    /// <summary>Python's <c>_call_connection_lost(exc)</c>: tells the protocol once, then closes the pipe and drops both.</summary>
    internal static void CallConnectionLost<TProtocol>(ref Stream? pipe, ref TProtocol? protocol, Exception? exc)
        where TProtocol : BaseProtocol
    {
        if (pipe is null)
        {
            return;
        }
        try
        {
            protocol?.ConnectionLost(exc);
        }
        finally
        {
            pipe.Dispose();
            pipe = null;
            protocol = null;
        }
    }

    /// <summary>The start of <c>__repr__</c>'s parts: the class name, closed or closing, and the fd.</summary>
    internal static List<string> ReprHead(string name, Stream? pipe, bool closing, int fileno)
    {
        var info = new List<string> { name };
        if (pipe is null)
        {
            info.Add("closed");
        }
        else if (closing)
        {
            info.Add("closing");
        }
        info.Add($"fd={fileno}");
        return info;
    }
}
