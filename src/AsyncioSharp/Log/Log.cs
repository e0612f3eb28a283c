using System;
using System.IO;

namespace AsyncioSharp;

/// <summary>
/// Python's <c>asyncio.log.logger</c>: where the loop reports what it cannot raise (unhandled callback
/// errors, slow callbacks in debug mode). Messages go to <see cref="Writer"/>, standard error by default,
/// as <c>LEVEL:asyncio:message</c> (Python's <c>logging.basicConfig</c> format).
/// </summary>
public static class Log
{
    /// <summary>Python's logging levels, with their numeric values.</summary>
    public enum Levels
    {
        /// <summary><c>logging.DEBUG</c>.</summary>
        DEBUG = 10,

        /// <summary><c>logging.INFO</c>.</summary>
        INFO = 20,

        /// <summary><c>logging.WARNING</c>.</summary>
        WARNING = 30,

        /// <summary><c>logging.ERROR</c>.</summary>
        ERROR = 40,
    }

    private static readonly object Gate = new();

    /// <summary>Where messages are written; set it to capture or silence them.</summary>
    public static TextWriter Writer { get; set; } = Console.Error;

    /// <summary>
    /// Python's <c>logger.setLevel()</c>: messages below it are dropped. WARNING by default, the effective level
    /// of Python's unconfigured "asyncio" logger, so debug-mode DEBUG/INFO lines stay quiet unless asked for.
    /// </summary>
    public static Levels Level { get; set; } = Levels.WARNING;

    /// <summary>Python's <c>logger.error(msg, exc_info=exc)</c>.</summary>
    public static void Error(string message, Exception? exception = null) => Write(Levels.ERROR, message, exception);

    /// <summary>Python's <c>logger.warning(msg)</c>.</summary>
    public static void Warning(string message) => Write(Levels.WARNING, message, null);

    /// <summary>Python's <c>logger.info(msg)</c>.</summary>
    public static void Info(string message) => Write(Levels.INFO, message, null);

    /// <summary>Python's <c>logger.debug(msg)</c>.</summary>
    public static void Debug(string message) => Write(Levels.DEBUG, message, null);

    private static void Write(Levels level, string message, Exception? exception)
    {
        if (level < Level)
        {
            return;
        }
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
