using System.Collections.Generic;
using System.Linq;

namespace AsyncioSharp;

/// <summary>
/// Python's <c>asyncio.PriorityQueue</c>, typed: items come out lowest first (Python compares them with &lt;;
/// here <see cref="Comparer{T}.Default"/>, so tuples such as <c>(priority, data)</c> work as in Python).
/// </summary>
public class PriorityQueue<T> : AsyncioQueue<T>
{
    private PriorityQueue<T, T> _heap = null!;

    /// <summary>Python's <c>PriorityQueue(maxsize=0)</c>.</summary>
    public PriorityQueue(int maxsize = 0) : base(maxsize) { }

    private protected override void Init(int maxsize) => _heap = new PriorityQueue<T, T>(Comparer<T>.Default);

    private protected override T GetItem() => _heap.Dequeue();

    private protected override void PutItem(T item) => _heap.Enqueue(item, item);

    private protected override int Count => _heap.Count;

    private protected override IEnumerable<T> Items => _heap.UnorderedItems.Select(e => e.Element);
}

/// <summary>Python's <c>asyncio.PriorityQueue</c>, untyped as in Python.</summary>
public class PriorityQueue : PriorityQueue<object?>
{
    /// <summary>Python's <c>PriorityQueue(maxsize=0)</c>.</summary>
    public PriorityQueue(int maxsize = 0) : base(maxsize) { }
}
