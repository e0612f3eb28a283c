using System;
using System.Collections.Generic;
using System.Linq;

namespace AsyncioSharp;

/// <summary>
/// Python's <c>asyncio.FastChildWatcher</c>: on SIGCHLD, reaps every ended child with <c>waitpid(-1, WNOHANG)</c>
/// (O(1) per child), which steals the exit status of children started by other code. A child that ends before it is
/// registered is kept as a zombie entry while a <c>with watcher:</c> block (<see cref="Enter"/>) is open.
/// </summary>
public class FastChildWatcher : BaseChildWatcher
{
    private readonly object _lock = new();
    private readonly Dictionary<int, int> _zombies = new();
    private int _forks;

    /// <summary>How many ended children wait for their handler (Python's <c>len(watcher._zombies)</c>).</summary>
    internal int ZombieCount
    {
        get
        {
            lock (_lock)
            {
                return _zombies.Count;
            }
        }
    }

    /// <summary>Python's <c>close()</c>: forgets the handlers and zombies and detaches the loop.</summary>
    public override void Close()
    {
        lock (_lock)
        {
            Callbacks.Clear();
            _zombies.Clear();
        }
        base.Close();
    }

    /// <summary>Python's <c>__enter__()</c>: from now until <see cref="Exit"/>, unknown children are kept as zombies.</summary>
    public override AbstractChildWatcher Enter()
    {
        lock (_lock)
        {
            _forks++;
            return this;
        }
    }

    /// <summary>Python's <c>__exit__()</c>: the last block out reports the zombies nobody claimed.</summary>
    public override void Exit(Exception? exc)
    {
        string collateralVictims;
        lock (_lock)
        {
            _forks--;
            if (_forks != 0 || _zombies.Count == 0)
            {
                return;
            }
            collateralVictims = "{" + string.Join(", ", _zombies.Select(z => $"{z.Key}: {z.Value}")) + "}";
            _zombies.Clear();
        }
        Log.Warning($"Caught subprocesses termination from unknown pids: {collateralVictims}");
    }

    /// <summary>Python's <c>add_child_handler()</c>: must be called inside a <c>with watcher:</c> block.</summary>
    public override void AddChildHandler(int pid, Action<int, int> callback)
    {
        int returncode;
        lock (_lock)
        {
            if (_forks == 0)
            {
                throw new InvalidOperationException("Must use the context manager");
            }
            if (!_zombies.Remove(pid, out returncode))
            {
                // The child is running.
                Callbacks[pid] = callback;
                return;
            }
        }
        // The child is dead already.
        callback(pid, returncode);
    }

    /// <inheritdoc />
    public override bool RemoveChildHandler(int pid)
    {
        lock (_lock)
        {
            return Callbacks.Remove(pid);
        }
    }

    internal override void DoWaitpidAll()
    {
        // Signals coalesce: keep reaping while children are there to reap.
        while (true)
        {
            int pid;
            int returncode;
            try
            {
                (pid, var status) = WaitpidNohang(-1);
                if (pid == 0)
                {
                    // Children remain, all running.
                    return;
                }
                returncode = WaitstatusToExitcode(status);
            }
            catch (ChildProcessError)
            {
                // No children left.
                return;
            }
            Action<int, int>? callback;
            lock (_lock)
            {
                if (Callbacks.Remove(pid, out callback))
                {
                    if (Loop!.GetDebug())
                    {
                        Log.Debug($"process {pid} exited with returncode {returncode}");
                    }
                }
                else if (_forks != 0)
                {
                    // It may not be registered yet.
                    _zombies[pid] = returncode;
                    if (Loop!.GetDebug())
                    {
                        Log.Debug($"unknown process {pid} exited with returncode {returncode}");
                    }
                    continue;
                }
            }
            if (callback is null)
            {
                Log.Warning($"Caught subprocess termination from unknown pid: {pid} -> {returncode}");
            }
            else
            {
                callback(pid, returncode);
            }
        }
    }
}
