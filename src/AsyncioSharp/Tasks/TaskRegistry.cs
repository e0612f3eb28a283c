using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;

namespace AsyncioSharp;

/// <summary>
/// A loop's pending tasks, held weakly (Python's <c>_all_tasks</c> WeakSet): the source of <c>all_tasks()</c>, and
/// how a pending task that was garbage collected is noticed and reported as "Task was destroyed but it is pending!".
/// A task leaves the registry when it is done. Weak GC handles in a slot array cost far less per task than a
/// ConditionalWeakTable entry plus a finalizable object, and task creation is a hot path.
/// </summary>
internal sealed class TaskRegistry
{
    private struct Entry
    {
        public GCHandle Handle;
        public string? Name;
        public long NameNumber;
        public Type? CoroType;
        public bool Report;
    }

    private Entry[] _entries = new Entry[64];
    private readonly Stack<int> _free = new();
    private int _used;
    private int _gcCountAtSweep;

    /// <summary>Registers a pending task; returns its slot.</summary>
    public int Add(AsyncioTask task, string? name, long nameNumber, Type coroType)
    {
        if (!_free.TryPop(out var slot))
        {
            if (_used == _entries.Length)
            {
                Array.Resize(ref _entries, _used * 2);
            }
            slot = _used++;
        }
        _entries[slot] = new Entry
        {
            Handle = GCHandle.Alloc(task, GCHandleType.Weak),
            Name = name,
            NameNumber = nameNumber,
            CoroType = coroType,
            Report = true,
        };
        return slot;
    }

    /// <summary>Forgets a task: it is done, or was unregistered.</summary>
    public void Remove(int slot)
    {
        ref var entry = ref _entries[slot];
        if (entry.Handle.IsAllocated)
        {
            entry.Handle.Free();
            entry = default;
            _free.Push(slot);
        }
    }

    /// <summary>Python's <c>_log_destroy_pending = False</c>: the task is not reported if collected pending.</summary>
    public void DontReport(int slot) => _entries[slot].Report = false;

    /// <summary>The registered tasks still alive.</summary>
    public HashSet<AsyncioTask> Alive()
    {
        var result = new HashSet<AsyncioTask>();
        for (var i = 0; i < _used; i++)
        {
            if (_entries[i].Handle.IsAllocated && _entries[i].Handle.Target is AsyncioTask task && !task.Done())
            {
                result.Add(task);
            }
        }
        return result;
    }

    /// <summary>
    /// After a garbage collection, reports each pending task that was collected and frees its slot
    /// (Python reports from the task's finalizer; here it is on the loop's next iteration after the collection).
    /// </summary>
    public void Sweep(BaseEventLoop loop)
    {
        var gcCount = GC.CollectionCount(0);
        if (gcCount == _gcCountAtSweep)
        {
            return;
        }
        _gcCountAtSweep = gcCount;
        for (var i = 0; i < _used; i++)
        {
            ref var entry = ref _entries[i];
            if (!entry.Handle.IsAllocated || entry.Handle.Target is not null)
            {
                continue;
            }
            if (entry.Report)
            {
                var name = entry.Name ?? $"Task-{entry.NameNumber}";
                loop.CallExceptionHandler(new Dictionary<string, object?>
                {
                    ["task"] = $"<Task pending name='{name}' coro=<coroutine {Coroutine.NameOf(entry.CoroType!)}>>",
                    ["message"] = "Task was destroyed but it is pending!",
                });
            }
            Remove(i);
        }
    }
}
