using System;
using System.Threading;
using System.Threading.Tasks;

namespace AsyncioSharp.ConcurrentFutures;

/// <summary>
/// Python's <c>concurrent.futures.ThreadPoolExecutor(max_workers=None)</c>, on the .NET thread pool with at most
/// <c>max_workers</c> calls running at once (Python's default: min(32, cpu_count + 4)).
/// </summary>
public sealed class ThreadPoolExecutor : Executor
{
    private readonly ConcurrentExclusiveSchedulerPair _schedulers;
    private readonly CancellationTokenSource _cancelPending = new();
    private bool _shutdown;

    /// <summary>Creates the executor.</summary>
    public ThreadPoolExecutor(int? maxWorkers = null)
    {
        if (maxWorkers <= 0)
        {
            throw new ValueError("max_workers must be greater than 0");
        }
        var workers = maxWorkers ?? Math.Min(32, Environment.ProcessorCount + 4);
        _schedulers = new ConcurrentExclusiveSchedulerPair(TaskScheduler.Default, workers);
    }

    /// <inheritdoc />
    public override Task<T> Submit<T>(Func<T> fn)
    {
        lock (_schedulers)
        {
            if (_shutdown)
            {
                throw new RuntimeError("cannot schedule new futures after shutdown");
            }
            var canceller = CancellationTokenSource.CreateLinkedTokenSource(_cancelPending.Token);
            var call = Task.Factory.StartNew(fn, canceller.Token, TaskCreationOptions.DenyChildAttach, _schedulers.ConcurrentScheduler);
            RegisterCanceller(call, canceller);
            // The linked source is registered with the executor's own: release it when the call ends.
            call.ContinueWith(static (_, c) => ((CancellationTokenSource)c!).Dispose(), canceller,
                CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            return call;
        }
    }

    /// <inheritdoc />
    public override void Shutdown(bool wait = true, bool cancelFutures = false)
    {
        lock (_schedulers)
        {
            _shutdown = true;
            if (cancelFutures)
            {
                _cancelPending.Cancel();
            }
            _schedulers.Complete();
        }
        if (wait)
        {
            _schedulers.Completion.Wait();
        }
    }
}
