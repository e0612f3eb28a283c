using System.Collections.Generic;

namespace AsyncioSharp;

/// <summary>Python's <c>asyncio.LifoQueue</c>, typed: the last item put comes out first.</summary>
public class LifoQueue<T> : AsyncioQueue<T>
{
    private List<T> _stack = null!;

    /// <summary>Python's <c>LifoQueue(maxsize=0)</c>.</summary>
    public LifoQueue(int maxsize = 0) : base(maxsize) { }

    private protected override void Init(int maxsize) => _stack = new List<T>();

    private protected override T GetItem()
    {
        var item = _stack[^1];
        _stack.RemoveAt(_stack.Count - 1);
        return item;
    }

    private protected override void PutItem(T item) => _stack.Add(item);

    private protected override int Count => _stack.Count;

    private protected override IEnumerable<T> Items => _stack;
}

/// <summary>Python's <c>asyncio.LifoQueue</c>, untyped as in Python.</summary>
public class LifoQueue : LifoQueue<object?>
{
    /// <summary>Python's <c>LifoQueue(maxsize=0)</c>.</summary>
    public LifoQueue(int maxsize = 0) : base(maxsize) { }
}
