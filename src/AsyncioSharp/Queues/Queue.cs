using System;
using System.Collections.Generic;
using System.Linq;

namespace AsyncioSharp;

/// <summary>
/// Python's <c>asyncio.Queue</c>, typed: a FIFO queue for tasks of one loop. <c>put()</c> waits while the queue
/// is full (maxsize &gt; 0), <c>get()</c> while it is empty; <c>task_done()</c>/<c>join()</c> track the work.
/// Subclasses change the order by overriding <see cref="Init"/>, <see cref="GetItem"/>, <see cref="PutItem"/>
/// and <see cref="Count"/> (Python's <c>_init</c>, <c>_get</c>, <c>_put</c>, <c>len(_queue)</c>).
/// Named AsyncioQueue, not Queue&lt;T&gt;, which would hide System.Collections.Generic's <c>Queue&lt;T&gt;</c>
/// in every file of the AsyncioSharp namespace (docs/naming.md); the untyped <see cref="Queue"/> keeps Python's name.
/// </summary>
public class AsyncioQueue<T> : LoopBoundMixin
{
    private readonly int _maxsize;
    private readonly LinkedList<Future> _getters = new();
    private readonly LinkedList<Future> _putters = new();
    private readonly Event _finished = new();
    private int _unfinishedTasks;
    private System.Collections.Generic.Queue<T> _queue = null!;

    /// <summary>Python's <c>Queue(maxsize=0)</c>: maxsize &lt;= 0 means unbounded.</summary>
    public AsyncioQueue(int maxsize = 0)
    {
        _maxsize = maxsize;
        _finished.Set();
        Init(maxsize);
    }

    /// <summary>Python's <c>_init(maxsize)</c>: creates the storage.</summary>
    private protected virtual void Init(int maxsize) => _queue = new System.Collections.Generic.Queue<T>();

    /// <summary>Python's <c>_get()</c>: removes and returns the next item.</summary>
    private protected virtual T GetItem() => _queue.Dequeue();

    /// <summary>Python's <c>_put(item)</c>: stores an item.</summary>
    private protected virtual void PutItem(T item) => _queue.Enqueue(item);

    /// <summary>Python's <c>len(self._queue)</c>.</summary>
    private protected virtual int Count => _queue.Count;

    /// <summary>The stored items in storage order, for the repr (Python's <c>list(self._queue)</c>).</summary>
    private protected virtual IEnumerable<T> Items => _queue;

    /// <summary>Python's <c>_wakeup_next(waiters)</c>: wakes the first waiter not cancelled.</summary>
    private static void WakeupNext(LinkedList<Future> waiters)
    {
        while (waiters.First is { } first)
        {
            waiters.RemoveFirst();
            if (!first.Value.Done())
            {
                first.Value.SetResult(null);
                break;
            }
        }
    }

    /// <summary>Python's <c>__str__</c>: <c>&lt;Queue maxsize=0 ...&gt;</c>.</summary>
    public override string ToString() => $"<{PythonTypeName} {Format()}>";

    private string PythonTypeName
    {
        get
        {
            var name = GetType().Name;
            var tick = name.IndexOf('`');
            name = tick < 0 ? name : name[..tick];
            return name == nameof(AsyncioQueue<T>) ? nameof(Queue) : name;
        }
    }

    /// <summary>Python's <c>_format()</c>.</summary>
    internal string Format()
    {
        var result = $"maxsize={_maxsize}";
        if (Count > 0)
        {
            result += $" _queue=[{string.Join(", ", Items.Select(i => i?.ToString() ?? "None"))}]";
        }
        if (_getters.Count > 0)
        {
            result += $" _getters[{_getters.Count}]";
        }
        if (_putters.Count > 0)
        {
            result += $" _putters[{_putters.Count}]";
        }
        if (_unfinishedTasks > 0)
        {
            result += $" tasks={_unfinishedTasks}";
        }
        return result;
    }

    /// <summary>Python's <c>_getters</c>, for tests.</summary>
    internal LinkedList<Future> Getters => _getters;

    /// <summary>Python's <c>_putters</c>, for tests.</summary>
    internal LinkedList<Future> Putters => _putters;

    /// <summary>Python's <c>_unfinished_tasks</c>, settable for tests as in Python.</summary>
    internal int UnfinishedTasks { get => _unfinishedTasks; set => _unfinishedTasks = value; }

    /// <summary>Python's <c>qsize()</c>.</summary>
    public int Qsize() => Count;

    /// <summary>Python's <c>maxsize</c>.</summary>
    public int Maxsize => _maxsize;

    /// <summary>Python's <c>empty()</c>.</summary>
    public bool Empty() => Count == 0;

    /// <summary>Python's <c>full()</c>: never true for an unbounded queue.</summary>
    public bool Full() => _maxsize > 0 && Qsize() >= _maxsize;

    /// <summary>Python's <c>put(item)</c>: waits for a free slot, then puts the item.</summary>
    public async Coroutine Put(T item)
    {
        while (Full())
        {
            await WaitIn(_putters, Full);
        }
        PutNowait(item);
    }

    /// <summary>
    /// The wait of put() and get(): a future among <paramref name="waiters"/> until woken. Cancelled or failed, it
    /// leaves the queue (get_nowait()/put_nowait() may have removed it already) and, if it had been woken while the
    /// slot or item it was woken for is still there, passes the wake-up on.
    /// </summary>
    private async Coroutine WaitIn(LinkedList<Future> waiters, Func<bool> blocked)
    {
        var waiter = GetLoop().CreateFuture();
        var node = waiters.AddLast(waiter);
        try
        {
            await waiter;
        }
        catch
        {
            waiter.Cancel();
            if (node.List is not null)
            {
                waiters.Remove(node);
            }
            if (!blocked() && !waiter.Cancelled())
            {
                WakeupNext(waiters);
            }
            throw;
        }
    }

    /// <summary>Python's <c>put_nowait(item)</c>; <see cref="QueueFull"/> if there is no free slot.</summary>
    public void PutNowait(T item)
    {
        if (Full())
        {
            throw new QueueFull();
        }
        PutItem(item);
        _unfinishedTasks++;
        _finished.Clear();
        WakeupNext(_getters);
    }

    /// <summary>Python's <c>get()</c>: waits for an item, then removes and returns it.</summary>
    public async Coroutine<T> Get()
    {
        while (Empty())
        {
            await WaitIn(_getters, Empty);
        }
        return GetNowait();
    }

    /// <summary>Python's <c>get_nowait()</c>; <see cref="QueueEmpty"/> if there is no item.</summary>
    public T GetNowait()
    {
        if (Empty())
        {
            throw new QueueEmpty();
        }
        var item = GetItem();
        WakeupNext(_putters);
        return item;
    }

    /// <summary>Python's <c>task_done()</c>: one item got is processed; <see cref="ValueError"/> if called too often.</summary>
    public void TaskDone()
    {
        if (_unfinishedTasks <= 0)
        {
            throw new ValueError("task_done() called too many times");
        }
        _unfinishedTasks--;
        if (_unfinishedTasks == 0)
        {
            _finished.Set();
        }
    }

    /// <summary>Python's <c>join()</c>: waits until every item put has been marked done.</summary>
    public async Coroutine Join()
    {
        if (_unfinishedTasks > 0)
        {
            await _finished.Wait();
        }
    }
}

/// <summary>Python's <c>asyncio.Queue</c>, untyped as in Python: items are objects.</summary>
public class Queue : AsyncioQueue<object?>
{
    /// <summary>Python's <c>Queue(maxsize=0)</c>.</summary>
    public Queue(int maxsize = 0) : base(maxsize) { }
}
