using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace AsyncioSharp;

public static partial class Asyncio
{
    /// <summary>
    /// Python's <c>asyncio.sleep(delay, result=None)</c>: suspends the current task for <paramref name="delay"/>
    /// seconds; <c>Sleep(0)</c> yields exactly one loop iteration.
    /// </summary>
    public static Coroutine Sleep(double delay) => new SleepCoroutine<object?>(delay, null);

    /// <summary>Python's <c>asyncio.sleep(delay, result)</c>: the coroutine returns <paramref name="result"/>.</summary>
    public static Coroutine<T> Sleep<T>(double delay, T result) => new SleepCoroutine<T>(delay, result);

    /// <summary>Python's <c>asyncio.create_task(coro, *, name=None, context=None)</c>, on the running loop.</summary>
    public static AsyncioTask CreateTask(Coroutine coro, string? name = null, ExecutionContext? context = null) =>
        GetRunningLoop().CreateTask(coro, name, context);

    /// <summary>Python's <c>asyncio.create_task(coro, ...)</c>, typed.</summary>
    public static AsyncioTask<T> CreateTask<T>(Coroutine<T> coro, string? name = null, ExecutionContext? context = null) =>
        ((BaseEventLoop)GetRunningLoop()).CreateTask(coro, name, context);

    /// <summary>Python's <c>asyncio.current_task(loop=None)</c>: the task running on the loop, or null.</summary>
    public static AsyncioTask? CurrentTask(AbstractEventLoop? loop = null) =>
        ((BaseEventLoop)(loop ?? GetRunningLoop())).CurrentTask;

    /// <summary>Python's <c>asyncio.all_tasks(loop=None)</c>: the loop's tasks that are not done.</summary>
    public static HashSet<AsyncioTask> AllTasks(AbstractEventLoop? loop = null) =>
        ((BaseEventLoop)(loop ?? GetRunningLoop())).AllTasks();

    /// <summary>
    /// Python's <c>asyncio.ensure_future(coro_or_future, *, loop=None)</c>: a future is returned as is (it must
    /// belong to <paramref name="loop"/> if one is given); a coroutine is wrapped in a task.
    /// </summary>
    public static Future EnsureFuture(IAwaitable coroOrFuture, AbstractEventLoop? loop = null)
    {
        switch (coroOrFuture)
        {
            case Future future:
                if (loop is not null && !ReferenceEquals(loop, future.GetLoop()))
                {
                    throw new ValueError("The future belongs to a different loop than the one specified as the loop argument");
                }
                return future;
            case Coroutine coro:
                return (loop ?? GetEventLoop()).CreateTask(coro);
            default:
                throw new TypeError("An asyncio.Future, a coroutine or an awaitable is required");
        }
    }

    /// <summary>Python's <c>asyncio.wrap_future(future, *, loop=None)</c>: an asyncio future following a .NET task.</summary>
    public static Future WrapFuture(Task future, AbstractEventLoop? loop = null) =>
        Futures.WrapFuture(future, (BaseEventLoop)(loop ?? GetEventLoop()));

    /// <summary>Python's <c>asyncio.wrap_future(future, *, loop=None)</c>, typed.</summary>
    public static Future WrapFuture<T>(Task<T> future, AbstractEventLoop? loop = null) =>
        Futures.WrapFuture(future, (BaseEventLoop)(loop ?? GetEventLoop()));

    /// <summary>Python's <c>asyncio._register_task(task)</c>.</summary>
    public static void _RegisterTask(AsyncioTask task) => task.Register();

    /// <summary>Python's <c>asyncio._unregister_task(task)</c>.</summary>
    public static void _UnregisterTask(AsyncioTask task) => task.Unregister();

    /// <summary>Python's <c>asyncio._enter_task(loop, task)</c>.</summary>
    public static void _EnterTask(AbstractEventLoop loop, AsyncioTask task) => ((BaseEventLoop)loop).EnterTask(task);

    /// <summary>Python's <c>asyncio._leave_task(loop, task)</c>.</summary>
    public static void _LeaveTask(AbstractEventLoop loop, AsyncioTask task) => ((BaseEventLoop)loop).LeaveTask(task);
}
