using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.InteropServices;

namespace AsyncioSharp;

/// <summary>
/// Python's <c>_UnixSelectorEventLoop.add_signal_handler</c>/<c>remove_signal_handler</c> (unix_events.py). The
/// runtime's signal thread (<see cref="PosixSignalRegistration"/>) plays the part of Python's wakeup fd: it hands
/// the signal to the loop thread, where the callback runs. Unlike Python, any thread's loop may add handlers.
/// </summary>
public partial class SelectorEventLoop
{
    private const int SIGKILL = 9;
    private const int SIGSTOP = 19;

    private readonly Dictionary<int, (Handle Handle, PosixSignalRegistration Registration)> _signalHandlers = new();

    /// <inheritdoc />
    public override void AddSignalHandler(int sig, Action callback)
    {
        CheckSignal(sig);
        CheckClosed();
        if (sig is SIGKILL or SIGSTOP)
        {
            throw new RuntimeError($"sig {sig} cannot be caught");
        }
        var handle = new Handle(callback, this, null);
        PosixSignalRegistration registration;
        try
        {
            registration = PosixSignalRegistration.Create((PosixSignal)sig, context =>
            {
                // The callback replaces the signal's default action, as Python's handler does.
                context.Cancel = true;
                try
                {
                    CallSoonThreadsafe(() => HandleSignal(sig, handle));
                }
                catch (RuntimeError)
                {
                    // The loop closed meanwhile; Python's wakeup fd would be gone too.
                }
            });
        }
        catch (Exception exc) when (exc is PlatformNotSupportedException or ArgumentOutOfRangeException)
        {
            throw new RuntimeError($"sig {sig} cannot be caught");
        }
        if (_signalHandlers.Remove(sig, out var old))
        {
            old.Registration.Dispose();
        }
        _signalHandlers[sig] = (handle, registration);
    }

    /// <summary>Python's <c>_handle_signal(sig)</c>, on the loop thread.</summary>
    private void HandleSignal(int sig, Handle handle)
    {
        if (!_signalHandlers.TryGetValue(sig, out var current) || current.Handle != handle)
        {
            // Assume it's some race condition.
            return;
        }
        if (handle.Cancelled())
        {
            // Remove it properly.
            RemoveSignalHandler(sig);
        }
        else
        {
            handle.Run();
        }
    }

    /// <inheritdoc />
    public override bool RemoveSignalHandler(int sig)
    {
        CheckSignal(sig);
        if (!_signalHandlers.Remove(sig, out var entry))
        {
            return false;
        }
        // Disposing restores the signal's default disposition (Python: SIG_DFL, or default_int_handler for SIGINT).
        entry.Registration.Dispose();
        return true;
    }

    /// <summary>Python's close(): the loop's signal handlers are removed.</summary>
    private void RemoveSignalHandlers()
    {
        foreach (var sig in _signalHandlers.Keys.ToList())
        {
            RemoveSignalHandler(sig);
        }
    }

    /// <summary>Python's <c>_check_signal(sig)</c>: the numbers of <c>signal.valid_signals()</c> on Linux.</summary>
    private static void CheckSignal(int sig)
    {
        // 32 and 33 are reserved by the C library for its threads; 64 is SIGRTMAX.
        if (sig < 1 || sig > 64 || sig is 32 or 33)
        {
            throw new ValueError($"invalid signal number {sig}");
        }
    }
}
