using System;
using System.Collections.Generic;
using System.Diagnostics;

namespace AsyncioSharp;

/// <summary>
/// Python's <c>streams.FlowControlMixin</c>: the state behind <see cref="StreamWriter.Drain"/> (paused by the
/// transport, waiters to wake, connection lost). A component rather than a base class because C# has single
/// inheritance and the stream protocols derive from <see cref="Protocol"/> or <see cref="SubprocessProtocol"/>; the
/// name <c>FlowControlMixin</c> is taken by the transports' <c>_FlowControlMixin</c>.
/// </summary>
internal sealed class StreamFlowControl
{
    private readonly AbstractEventLoop _loop;
    private readonly object _owner;
    private readonly List<Future> _drainWaiters = new();
    private bool _paused;
    private bool _connectionLost;

    internal StreamFlowControl(AbstractEventLoop loop, object owner)
    {
        _loop = loop;
        _owner = owner;
    }

    /// <summary>True between pause_writing() and resume_writing() (Python's <c>_paused</c>).</summary>
    internal bool Paused => _paused;

    /// <summary>True once connection_lost() was called (Python's <c>_connection_lost</c>).</summary>
    internal bool IsConnectionLost => _connectionLost;

    /// <summary>True when <see cref="DrainHelper"/> would return at once: not paused and the connection still there.</summary>
    internal bool Ready => !_paused && !_connectionLost;

    /// <summary>Python's <c>pause_writing()</c>.</summary>
    internal void PauseWriting()
    {
        Debug.Assert(!_paused);
        _paused = true;
        if (_loop.GetDebug())
        {
            Log.Debug($"{_owner} pauses writing");
        }
    }

    /// <summary>Python's <c>resume_writing()</c>: wakes up every drain() waiting.</summary>
    internal void ResumeWriting()
    {
        Debug.Assert(_paused);
        _paused = false;
        if (_loop.GetDebug())
        {
            Log.Debug($"{_owner} resumes writing");
        }
        foreach (var waiter in _drainWaiters)
        {
            if (!waiter.Done())
            {
                waiter.SetResult(null);
            }
        }
    }

    /// <summary>Python's <c>connection_lost(exc)</c>: wakes up the drain() waiters if paused, with exc if any.</summary>
    internal void ConnectionLost(Exception? exc)
    {
        _connectionLost = true;
        if (!_paused)
        {
            return;
        }
        foreach (var waiter in _drainWaiters)
        {
            if (!waiter.Done())
            {
                if (exc is null)
                {
                    waiter.SetResult(null);
                }
                else
                {
                    waiter.SetException(exc);
                }
            }
        }
    }

    /// <summary>Python's <c>_drain_helper()</c>: waits while writing is paused; raises once the connection is lost.</summary>
    internal async Coroutine DrainHelper()
    {
        if (_connectionLost)
        {
            throw new ConnectionResetError("Connection lost");
        }
        if (!_paused)
        {
            return;
        }
        var waiter = _loop.CreateFuture();
        _drainWaiters.Add(waiter);
        try
        {
            await waiter;
        }
        finally
        {
            _drainWaiters.Remove(waiter);
        }
    }
}
