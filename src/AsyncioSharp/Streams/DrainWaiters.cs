using System;
using System.Collections.Generic;

namespace AsyncioSharp;

/// <summary>
/// The state behind <c>StreamWriter.drain()</c> that Python's <c>streams.FlowControlMixin</c> adds to a protocol:
/// kept apart so that both <see cref="StreamFlowControlMixin"/> (a <see cref="Protocol"/>) and
/// <see cref="SubprocessStreamProtocol"/> (a <see cref="SubprocessProtocol"/>) have it, C# allowing one base class.
/// </summary>
internal sealed class DrainWaiters
{
    private readonly AbstractEventLoop _loop;
    private readonly LinkedList<Future> _waiters = new();
    private bool _paused;
    private bool _connectionLost;

    internal DrainWaiters(AbstractEventLoop loop) => _loop = loop;

    /// <summary>True when <see cref="DrainHelper"/> would return at once: writing not paused, connection not lost.</summary>
    internal bool Ready => !_paused && !_connectionLost;

    /// <summary>Python's <c>pause_writing()</c>.</summary>
    internal void PauseWriting()
    {
        if (_paused)
        {
            throw new InvalidOperationException("pause_writing() while paused");
        }
        _paused = true;
    }

    /// <summary>Python's <c>resume_writing()</c>: wakes every drain() waiter.</summary>
    internal void ResumeWriting()
    {
        if (!_paused)
        {
            throw new InvalidOperationException("resume_writing() while not paused");
        }
        _paused = false;
        foreach (var waiter in _waiters)
        {
            if (!waiter.Done())
            {
                waiter.SetResult(null);
            }
        }
    }

    /// <summary>Python's <c>connection_lost(exc)</c>: wakes every drain() waiter, with <paramref name="exc"/> if any.</summary>
    internal void ConnectionLost(Exception? exc)
    {
        _connectionLost = true;
        if (!_paused)
        {
            return;
        }
        foreach (var waiter in _waiters)
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

    /// <summary>Python's <c>_drain_helper()</c>: waits while writing is paused; <see cref="ConnectionResetError"/> once the connection is lost.</summary>
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
        await WaiterQueue.Await(_waiters, _loop.CreateFuture());
    }
}

/// <summary>What <see cref="StreamWriter"/> needs of its protocol: Python's <c>_drain_helper()</c> and <c>_get_close_waiter()</c>.</summary>
internal interface IStreamWriterProtocol
{
    /// <summary>Python's <c>_drain_helper()</c>.</summary>
    Coroutine DrainHelper();

    /// <summary>True when <see cref="DrainHelper"/> would return at once (drain()'s fast path, which skips the coroutine).</summary>
    bool DrainReady { get; }

    /// <summary>Python's <c>_get_close_waiter(stream)</c>: the future <c>wait_closed()</c> awaits, or null.</summary>
    Future? GetCloseWaiter(StreamWriter stream);
}
