using System;

namespace AsyncioSharp;

/// <summary>
/// Python's <c>KeyboardInterrupt</c>: the user pressed Ctrl-C. Like Python's (a BaseException), the loop does not
/// hand it to the exception handler: it propagates out of <c>run_forever</c>/<c>run_until_complete</c>.
/// </summary>
public class KeyboardInterrupt : Exception
{
    /// <summary>Creates the exception with no message, as Python raises it.</summary>
    public KeyboardInterrupt() : base("") { }
}
