using System;
using System.Threading.Tasks;

namespace AsyncioSharp;

/// <summary>Python's <c>asyncio.AbstractServer</c>: a listening server, as <c>create_server</c> returns it.</summary>
public abstract class AbstractServer : IAsyncDisposable
{
    /// <summary>Python's <c>close()</c>: stops listening; existing connections stay open.</summary>
    public virtual void Close() => throw new NotImplementedException();

    /// <summary>Python's <c>get_loop()</c>.</summary>
    public virtual AbstractEventLoop GetLoop() => throw new NotImplementedException();

    /// <summary>Python's <c>is_serving()</c>.</summary>
    public virtual bool IsServing() => throw new NotImplementedException();

    /// <summary>Python's <c>start_serving()</c>.</summary>
    public virtual Coroutine StartServing() => throw new NotImplementedException();

    /// <summary>Python's <c>serve_forever()</c>.</summary>
    public virtual Coroutine ServeForever() => throw new NotImplementedException();

    /// <summary>Python's <c>wait_closed()</c>.</summary>
    public virtual Coroutine WaitClosed() => throw new NotImplementedException();

    /// <summary>Python's <c>async with server:</c> exit: closes the server and waits until it is closed.</summary>
    public async ValueTask DisposeAsync()
    {
        Close();
        await WaitClosed();
    }
}
