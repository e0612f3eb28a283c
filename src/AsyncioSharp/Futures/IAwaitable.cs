namespace AsyncioSharp;

/// <summary>
/// What Python calls an awaitable that asyncio accepts: a <see cref="Future"/> (Tasks included) or a
/// <see cref="Coroutine"/>. Functions such as <c>ensure_future</c>, <c>gather</c> and <c>wait_for</c> take it.
/// </summary>
public interface IAwaitable
{
}

/// <summary>An awaitable whose result is a <typeparamref name="T"/>.</summary>
public interface IAwaitable<out T> : IAwaitable
{
}
