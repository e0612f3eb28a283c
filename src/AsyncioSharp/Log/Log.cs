using System;
using System.IO;

namespace AsyncioSharp;

/// <summary>
/// Python's <c>asyncio.log.logger</c>: where the loop reports what it cannot raise (unhandled callback
/// errors, slow callbacks in debug mode). Messages go to <see cref="Writer"/>, standard error by default.
/// </summary>
public static class Log
{
    private static readonly object Gate = new();

    /// <summary>Where messages are written; set it to capture or silence them.</summary>
    public static TextWriter Writer { get; set; } = Console.Error;

    /// <summary>Python's <c>logger.error(msg, exc_info=exc)</c>.</summary>
    public static void Error(string message, Exception? exception = null) => Write("ERROR", message, exception);

    /// <summary>Python's <c>logger.warning(msg)</c>.</summary>
    public static void Warning(string message) => Write("WARNING", message, null);

    /// <summary>Python's <c>logger.debug(msg)</c>.</summary>
    public static void Debug(string message) => Write("DEBUG", message, null);

    private static void Write(string level, string message, Exception? exception)
    {
        lock (Gate)
        {
            Writer.WriteLine($"{level}:asyncio:{message}");
            if (exception is not null)
            {
                Writer.WriteLine(exception.ToString());
            }
        }
    }
}
