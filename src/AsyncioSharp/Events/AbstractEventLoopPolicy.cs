using System;

namespace AsyncioSharp;

/// <summary>
/// Python's <c>asyncio.AbstractEventLoopPolicy</c>: decides which loop each context gets. As in Python, every
/// method raises <see cref="NotImplementedException"/> until a subclass implements it.
/// </summary>
public class AbstractEventLoopPolicy
{
    /// <summary>Python's <c>get_event_loop()</c>: the loop for the current context.</summary>
    public virtual AbstractEventLoop GetEventLoop() => throw new NotImplementedException();

    /// <summary>Python's <c>set_event_loop(loop)</c>.</summary>
    public virtual void SetEventLoop(AbstractEventLoop? loop) => throw new NotImplementedException();

    /// <summary>Python's <c>new_event_loop()</c>.</summary>
    public virtual AbstractEventLoop NewEventLoop() => throw new NotImplementedException();
}
