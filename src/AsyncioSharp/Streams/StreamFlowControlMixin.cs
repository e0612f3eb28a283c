using System;
using System.Collections.Generic;

namespace AsyncioSharp;

/// <summary>
/// Python's <c>asyncio.streams.FlowControlMixin</c> (renamed: <c>FlowControlMixin</c> is already the transports'
/// <c>_FlowControlMixin</c>): the protocol side of <c>StreamWriter.drain()</c>. Every drain() waiter wakes on
/// resume_writing() and on connection_lost(); a drain() after the connection is lost raises at once.
/// </summary>
public class StreamFlowControlMixin : Protocol
{
    private protected readonly AbstractEventLoop _loop;
    private readonly LinkedList<Future> _drainWaiters = new();
    private bool _paused;
    private bool _connectionLost;

    /// <summary>Python's <c>FlowControlMixin(loop=None)</c>.</summary>
    public StreamFlowControlMixin(AbstractEventLoop? loop = null)
    {
        _loop = loop ?? Asyncio.GetEventLoop();
    }

    /// <summary>Python's <c>pause_writing()</c>.</summary>
    public override void PauseWriting()
    {
        if (_paused)
        {
            throw new InvalidOperationException("pause_writing() while paused");
        }
        _paused = true;
    }

    /// <summary>Python's <c>resume_writing()</c>: wakes every drain() waiter.</summary>
    public override void ResumeWriting()
    {
        if (!_paused)
        {
            throw new InvalidOperationException("resume_writing() while not paused");
        }
        _paused = false;
        foreach (var waiter in _drainWaiters)
        {
            if (!waiter.Done())
            {
                waiter.SetResult(null);
            }
        }
    }

    /// <summary>Python's <c>connection_lost(exc)</c>: wakes every drain() waiter, with <paramref name="exc"/> if any.</summary>
    public override void ConnectionLost(Exception? exc)
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
        var waiter = _loop.CreateFuture();
        var node = _drainWaiters.AddLast(waiter);
        try
        {
            await waiter;
        }
        finally
        {
            _drainWaiters.Remove(node);
        }
    }

    /// <summary>Python's <c>_get_close_waiter(stream)</c>: the future <c>wait_closed()</c> awaits.</summary>
    internal virtual Future GetCloseWaiter(StreamWriter stream) => throw new NotImplementedException();
}
