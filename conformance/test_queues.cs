using AsyncioSharp;
using Xunit;

namespace AsyncioSharp.Conformance;

public class QueueBasicTests : AsyncLoopTestCase
{
    [Fact]
    public void test_str() => RunAsync(async () =>
    {
        var q = new Queue();
        Assert.StartsWith("<Queue", q.ToString());
        Assert.DoesNotContain("0x", q.ToString());
        q = new Queue();
        var getter = Asyncio.CreateTask(q.Get());
        await Asyncio.Sleep(0);
        Assert.Contains("_getters[1]", q.ToString());
        q.PutNowait(0);
        Assert.Equal(0, await getter);
        q = new Queue(maxsize: 1);
        q.PutNowait(1);
        var putter = Asyncio.CreateTask(q.Put(2));
        await Asyncio.Sleep(0);
        Assert.Contains("_putters[1]", q.ToString());
        q.GetNowait();
        await putter;
        Assert.True(putter.Done());
        q = new Queue();
        q.PutNowait(1);
        Assert.Contains("_queue=[1]", q.ToString());
    });

    [Fact]
    public void test_empty() => RunAsync(async () =>
    {
        var q = new Queue();
        Assert.True(q.Empty());
        await q.Put(1);
        Assert.False(q.Empty());
        Assert.Equal(1, await q.Get());
        Assert.True(q.Empty());
    });

    [Fact]
    public void test_full() => RunAsync(async () =>
    {
        Assert.False(new Queue().Full());
        var q = new Queue(maxsize: 1);
        await q.Put(1);
        Assert.True(q.Full());
    });

    [Fact]
    public void test_order() => RunAsync(async () =>
    {
        var q = new Queue();
        foreach (var i in new[] { 1, 3, 2 })
        {
            await q.Put(i);
        }
        Assert.Equal([1, 3, 2], new object?[] { await q.Get(), await q.Get(), await q.Get() });
    });

    [Fact]
    public void test_maxsize() => RunAsync(async () =>
    {
        var q = new Queue(maxsize: 2);
        Assert.Equal(2, q.Maxsize);
        var haveBeenPut = new List<int>();
        async Coroutine<bool> Putter()
        {
            for (var i = 0; i < 3; i++)
            {
                await q.Put(i);
                haveBeenPut.Add(i);
            }
            return true;
        }
        var t = Asyncio.CreateTask(Putter());
        for (var i = 0; i < 2; i++)
        {
            await Asyncio.Sleep(0);
        }
        Assert.Equal([0, 1], haveBeenPut);
        Assert.Equal(0, await q.Get());
        await Asyncio.Sleep(0);
        Assert.Equal([0, 1, 2], haveBeenPut);
        Assert.Equal(1, await q.Get());
        Assert.Equal(2, await q.Get());
        Assert.True(t.Done());
        Assert.True(t.Result());
    });
}

public class QueueGetTests : AsyncLoopTestCase
{
    [Fact]
    public void test_cancelled_getters_not_being_held_in_self_getters() => RunAsync(async () =>
    {
        var queue = new Queue(maxsize: 5);
        await AssertRaisesAsync<TimeoutError>(async () => await Asyncio.WaitFor(queue.Get(), 0.1));
        Assert.Empty(queue.Getters);
    });

    [Fact]
    public void test_blocking_get() => RunAsync(async () =>
    {
        var q = new Queue();
        q.PutNowait(1);
        Assert.Equal(1, await q.Get());
    });

    [Fact]
    public void test_get_with_putters() => RunAsync(async () =>
    {
        var q = new Queue(1);
        await q.Put(1);
        var waiter = Asyncio.GetRunningLoop().CreateFuture();
        q.Putters.AddLast(waiter);
        Assert.Equal(1, await q.Get());
        Assert.True(waiter.Done());
        Assert.Null(waiter.Result());
    });

    [Fact]
    public void test_blocking_get_wait() => RunAsync(async () =>
    {
        var loop = Asyncio.GetRunningLoop();
        var q = new Queue();
        var started = new Event();
        var finished = false;
        async Coroutine<object?> QueueGet()
        {
            started.Set();
            var res = await q.Get();
            finished = true;
            return res;
        }
        var task = Asyncio.CreateTask(QueueGet());
        await started.Wait();
        Assert.False(finished);
        loop.CallLater(0.01, () => q.PutNowait(1));
        var result = await task;
        Assert.True(finished);
        Assert.Equal(1, result);
    });

    [Fact]
    public void test_nonblocking_get()
    {
        var q = new Queue();
        q.PutNowait(1);
        Assert.Equal(1, q.GetNowait());
    }

    [Fact]
    public void test_nonblocking_get_exception() => Assert.Throws<QueueEmpty>(() => new Queue().GetNowait());

    [Fact]
    public void test_get_cancelled_race() => RunAsync(async () =>
    {
        var q = new Queue();
        var t1 = Asyncio.CreateTask(q.Get());
        var t2 = Asyncio.CreateTask(q.Get());
        await Asyncio.Sleep(0);
        t1.Cancel();
        await Asyncio.Sleep(0);
        Assert.True(t1.Done());
        await q.Put("a");
        await Asyncio.Sleep(0);
        Assert.Equal("a", await t2);
    });

    [Fact]
    public void test_get_with_waiting_putters() => RunAsync(async () =>
    {
        var q = new Queue(maxsize: 1);
        var p1 = Asyncio.CreateTask(q.Put("a"));
        var p2 = Asyncio.CreateTask(q.Put("b"));
        Assert.Equal("a", await q.Get());
        Assert.Equal("b", await q.Get());
        await Asyncio.Gather(p1, p2);
    });

    [Fact]
    public void test_why_are_getters_waiting() => RunAsync(async () =>
    {
        async Coroutine Consumer(Queue queue, int numExpected)
        {
            for (var i = 0; i < numExpected; i++)
            {
                await queue.Get();
            }
        }
        async Coroutine Producer(Queue queue, int numItems)
        {
            for (var i = 0; i < numItems; i++)
            {
                await queue.Put(i);
            }
        }
        var q = new Queue(1);
        await Asyncio.Gather(Asyncio.CreateTask(Producer(q, 5)), Asyncio.CreateTask(Consumer(q, 5)));
    });
}

public class QueuePutTests : AsyncLoopTestCase
{
    [Fact]
    public void test_float_maxsize() => RunAsync(async () =>
    {
        // Python accepts maxsize=1.3 (full at 2 items); C#'s maxsize is an int, so the nearest is checked: full() at >= maxsize.
        var q = new Queue(maxsize: 2);
        q.PutNowait(1);
        q.PutNowait(2);
        Assert.True(q.Full());
        Assert.Throws<QueueFull>(() => q.PutNowait(3));
        q = new Queue(maxsize: 2);
        await q.Put(1);
        await q.Put(2);
        Assert.True(q.Full());
    });

    [Fact]
    public void test_blocking_put() => RunAsync(async () =>
    {
        var q = new Queue();
        await q.Put(1);
        Assert.Equal(1, await q.Get());
    });

    [Fact]
    public void test_blocking_put_wait() => RunAsync(async () =>
    {
        var q = new Queue(maxsize: 1);
        var started = new Event();
        var finished = false;
        async Coroutine QueuePut()
        {
            started.Set();
            await q.Put(1);
            await q.Put(2);
            finished = true;
        }
        Asyncio.GetRunningLoop().CallLater(0.01, () => q.GetNowait());
        var task = Asyncio.CreateTask(QueuePut());
        await started.Wait();
        Assert.False(finished);
        await task;
        Assert.True(finished);
    });

    [Fact]
    public void test_nonblocking_put()
    {
        var q = new Queue();
        q.PutNowait(1);
        Assert.Equal(1, q.GetNowait());
    }

    [Fact]
    public void test_get_cancel_drop_one_pending_reader() => RunAsync(async () =>
    {
        var q = new Queue();
        var reader = Asyncio.CreateTask(q.Get());
        await Asyncio.Sleep(0);
        q.PutNowait(1);
        q.PutNowait(2);
        reader.Cancel();
        try
        {
            await reader;
        }
        catch (CancelledError)
        {
            reader = Asyncio.CreateTask(q.Get());
            await reader;
        }
        Assert.Equal(1, reader.Result());
    });

    [Fact]
    public void test_get_cancel_drop_many_pending_readers() => RunAsync(async () =>
    {
        var q = new Queue();
        var reader1 = Asyncio.CreateTask(q.Get());
        var reader2 = Asyncio.CreateTask(q.Get());
        var reader3 = Asyncio.CreateTask(q.Get());
        await Asyncio.Sleep(0);
        q.PutNowait(1);
        q.PutNowait(2);
        reader1.Cancel();
        await AssertRaisesAsync<CancelledError>(async () => await reader1);
        await reader3;
        await reader2;
        Assert.Equal(new HashSet<object?> { 1, 2 }, new HashSet<object?> { reader2.Result(), reader3.Result() });
    });

    [Fact]
    public void test_put_cancel_drop() => RunAsync(async () =>
    {
        var q = new Queue(1);
        q.PutNowait(1);
        var writer = Asyncio.CreateTask(q.Put(2));
        await Asyncio.Sleep(0);
        Assert.Equal(1, q.GetNowait());
        writer.Cancel();
        try
        {
            await writer;
        }
        catch (CancelledError)
        {
            writer = Asyncio.CreateTask(q.Put(2));
            await writer;
        }
        Assert.Equal(2, q.GetNowait());
        Assert.Equal(0, q.Qsize());
    });

    [Fact]
    public void test_nonblocking_put_exception()
    {
        var q = new Queue(maxsize: 1);
        q.PutNowait(1);
        Assert.Throws<QueueFull>(() => q.PutNowait(2));
    }

    [Fact]
    public void test_put_cancelled() => RunAsync(async () =>
    {
        var q = new Queue();
        async Coroutine<bool> QueuePut()
        {
            await q.Put(1);
            return true;
        }
        var t = Asyncio.CreateTask(QueuePut());
        Assert.Equal(1, await q.Get());
        Assert.True(t.Done());
        Assert.True(t.Result());
    });

    [Fact]
    public void test_put_cancelled_race() => RunAsync(async () =>
    {
        var q = new Queue(maxsize: 1);
        var putA = Asyncio.CreateTask(q.Put("a"));
        var putB = Asyncio.CreateTask(q.Put("b"));
        var putC = Asyncio.CreateTask(q.Put("X"));
        await Asyncio.Sleep(0);
        Assert.True(putA.Done());
        Assert.False(putB.Done());
        putC.Cancel();
        await Asyncio.Sleep(0);
        Assert.True(putC.Done());
        Assert.Equal("a", q.GetNowait());
        await Asyncio.Sleep(0);
        Assert.Equal("b", q.GetNowait());
        await putB;
    });

    [Fact]
    public void test_put_with_waiting_getters() => RunAsync(async () =>
    {
        var q = new Queue();
        var t = Asyncio.CreateTask(q.Get());
        await Asyncio.Sleep(0);
        await q.Put("a");
        Assert.Equal("a", await t);
    });

    [Fact]
    public void test_why_are_putters_waiting() => RunAsync(async () =>
    {
        var queue = new Queue(2);
        async Coroutine Putter(int item) => await queue.Put(item);
        async Coroutine Getter()
        {
            await Asyncio.Sleep(0);
            var num = queue.Qsize();
            for (var i = 0; i < num; i++)
            {
                queue.GetNowait();
            }
        }
        await Asyncio.Gather(Asyncio.CreateTask(Getter()), Asyncio.CreateTask(Putter(0)), Asyncio.CreateTask(Putter(1)),
            Asyncio.CreateTask(Putter(2)), Asyncio.CreateTask(Putter(3)));
    });

    [Fact]
    public void test_cancelled_puts_not_being_held_in_self_putters() => RunAsync(async () =>
    {
        var queue = new Queue(maxsize: 1);
        queue.PutNowait(1);
        var putTask = Asyncio.CreateTask(queue.Put(1));
        await Asyncio.Sleep(0);
        Assert.Single(queue.Putters);
        putTask.Cancel();
        await AssertRaisesAsync<CancelledError>(async () => await putTask);
        Assert.Empty(queue.Putters);
    });

    [Fact]
    public void test_cancelled_put_silence_value_error_exception() => RunAsync(async () =>
    {
        var queue = new Queue(1);
        queue.PutNowait(1);
        var putTask = Asyncio.CreateTask(queue.Put(1));
        await Asyncio.Sleep(0);
        queue.GetNowait();
        putTask.Cancel();
        await AssertRaisesAsync<CancelledError>(async () => await putTask);
    });
}

public class LifoQueueTests : AsyncLoopTestCase
{
    [Fact]
    public void test_order() => RunAsync(async () =>
    {
        var q = new LifoQueue();
        foreach (var i in new[] { 1, 3, 2 })
        {
            await q.Put(i);
        }
        Assert.Equal([2, 3, 1], new object?[] { await q.Get(), await q.Get(), await q.Get() });
    });
}

public class PriorityQueueTests : AsyncLoopTestCase
{
    [Fact]
    public void test_order() => RunAsync(async () =>
    {
        var q = new PriorityQueue();
        foreach (var i in new[] { 1, 3, 2 })
        {
            await q.Put(i);
        }
        Assert.Equal([1, 2, 3], new object?[] { await q.Get(), await q.Get(), await q.Get() });
    });
}

/// <summary>CPython's <c>_QueueJoinTestMixin</c>, run for each queue class.</summary>
public abstract class _QueueJoinTestMixin : AsyncLoopTestCase
{
    private protected abstract AsyncioQueue<object?> NewQueue();

    [Fact]
    public void test_task_done_underflow() => Assert.Throws<ValueError>(() => NewQueue().TaskDone());

    [Fact]
    public void test_task_done() => RunAsync(async () =>
    {
        var q = NewQueue();
        for (var i = 0; i < 100; i++)
        {
            q.PutNowait(i);
        }
        var accumulator = 0;
        var running = true;
        async Coroutine Worker()
        {
            while (running)
            {
                var item = await q.Get();
                accumulator += (int)item!;
                q.TaskDone();
            }
        }
        var tasks = new[] { Asyncio.CreateTask(Worker()), Asyncio.CreateTask(Worker()) };
        await q.Join();
        Assert.Equal(Enumerable.Range(0, 100).Sum(), accumulator);
        running = false;
        foreach (var _ in tasks)
        {
            q.PutNowait(0);
        }
        await Asyncio.Gather(tasks);
    });

    [Fact]
    public void test_join_empty_queue() => RunAsync(async () =>
    {
        var q = NewQueue();
        await q.Join();
        await q.Join();
    });

    [Fact]
    public void test_format()
    {
        var q = NewQueue();
        Assert.Equal("maxsize=0", q.Format());
        q.UnfinishedTasks = 2;
        Assert.Equal("maxsize=0 tasks=2", q.Format());
    }
}

public class QueueJoinTests : _QueueJoinTestMixin
{
    private protected override AsyncioQueue<object?> NewQueue() => new Queue();
}

public class LifoQueueJoinTests : _QueueJoinTestMixin
{
    private protected override AsyncioQueue<object?> NewQueue() => new LifoQueue();
}

public class PriorityQueueJoinTests : _QueueJoinTestMixin
{
    private protected override AsyncioQueue<object?> NewQueue() => new PriorityQueue();
}
