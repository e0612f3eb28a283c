namespace AsyncioSharp;

/// <summary>Python's <c>asyncio.BoundedSemaphore</c>: a <see cref="Semaphore"/> that refuses to go above its initial value.</summary>
public class BoundedSemaphore : Semaphore
{
    private readonly int _boundValue;

    /// <summary>Python's <c>BoundedSemaphore(value=1)</c>.</summary>
    public BoundedSemaphore(int value = 1) : base(value)
    {
        _boundValue = value;
    }

    /// <summary>Python's <c>release()</c>: <see cref="ValueError"/>('BoundedSemaphore released too many times') above the bound.</summary>
    public override void Release()
    {
        if (Value >= _boundValue)
        {
            throw new ValueError("BoundedSemaphore released too many times");
        }
        base.Release();
    }
}
