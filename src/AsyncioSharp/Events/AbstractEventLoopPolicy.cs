namespace AsyncioSharp;

/// <summary>Python's <c>asyncio.AbstractEventLoopPolicy</c>: decides which loop each context gets.</summary>
public abstract class AbstractEventLoopPolicy
{
    /// <summary>Python's <c>get_event_loop()</c>: the loop for the current context.</summary>
    public abstract AbstractEventLoop GetEventLoop();

    /// <summary>Python's <c>set_event_loop(loop)</c>.</summary>
    public abstract void SetEventLoop(AbstractEventLoop? loop);

    /// <summary>Python's <c>new_event_loop()</c>.</summary>
    public abstract AbstractEventLoop NewEventLoop();
}
