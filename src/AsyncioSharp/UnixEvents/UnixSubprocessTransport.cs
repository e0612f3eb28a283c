using System;
using System.Collections;
using System.Collections.Generic;
using System.IO.Pipes;
using System.Runtime.InteropServices;
using System.Text;
using AsyncioSharp.Interop;
using Microsoft.Win32.SafeHandles;

namespace AsyncioSharp;

/// <summary>
/// Python's <c>unix_events._UnixSubprocessTransport</c>, with the child started as subprocess.Popen starts it
/// (posix_spawn, pipes dup2'ed onto 0/1/2, stderr onto stdout for STDOUT, /dev/null for DEVNULL, SIGPIPE and
/// SIGXFSZ back to their defaults, no inherited descriptors but those). Unless the policy's child watcher watches it,
/// the child is watched as Python's PidfdChildWatcher does: a pidfd on the loop's selector, readable once the child
/// exits, then reaped with waitpid.
/// System.Diagnostics.Process is not used: it cannot merge stderr into stdout, pass DEVNULL or an fd, and reports
/// the exit from another thread.
/// </summary>
internal sealed class UnixSubprocessTransport : BaseSubprocessTransport
{
    private readonly SelectorEventLoop _selectorLoop;
    private readonly string[] _argv;
    private readonly int? _stdin;
    private readonly int? _stdout;
    private readonly int? _stderr;
    private readonly string? _cwd;
    private readonly IDictionary<string, string>? _env;
    private readonly bool _startNewSession;
    private readonly bool _watchExit;
    private int _pid;
    private int _pidfd = -1;
    private bool _reaped;

    internal UnixSubprocessTransport(SelectorEventLoop loop, BaseProtocol protocol, string[] argv, int? stdin, int? stdout,
        int? stderr, string? cwd, IDictionary<string, string>? env, bool startNewSession, Future waiter, bool watchExit)
        : base(loop, protocol, stdin, stdout, stderr, waiter)
    {
        _selectorLoop = loop;
        _argv = argv;
        _stdin = stdin;
        _stdout = stdout;
        _stderr = stderr;
        _cwd = cwd;
        _env = env;
        _startNewSession = startNewSession;
        _watchExit = watchExit;
        Begin();
    }

    private protected override bool ProcRunning => _pid != 0 && ChildAlive();

    /// <summary>
    /// Python's <c>Popen.poll() is None</c> without reaping (the pidfd or the child watcher does that): the child has
    /// not exited, so a signal reaches it and not a process that reused its pid.
    /// </summary>
    private bool ChildAlive() => !_reaped && Libc.ChildRunning(_pid);

    private protected override void ProcSendSignal(int sig)
    {
        if (!ChildAlive())
        {
            // Python's Popen.send_signal() does nothing once the child exited.
            return;
        }
        if (Libc.kill(_pid, sig) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            // Python's Popen.send_signal() ignores a child that is gone (a watcher may have reaped it already).
            if (errno != Errno.ESRCH)
            {
                throw Errno.Error(errno);
            }
        }
    }

    private protected override unsafe int Start()
    {
        // Descriptors to close in this process once the child has its copies.
        var childEnds = new List<int>();
        var ownEnds = new List<int>();
        try
        {
            var stdinFd = ChildFd(_stdin, 0, childEnds, ownEnds, out var stdinOwn);
            var stdoutFd = ChildFd(_stdout, 1, childEnds, ownEnds, out var stdoutOwn);
            var stderrOwn = -1;
            var stderrFd = _stderr == Subprocess.STDOUT
                ? (stdoutFd >= 0 ? stdoutFd : 1)
                : ChildFd(_stderr, 2, childEnds, ownEnds, out stderrOwn);
            _pid = Spawn(stdinFd, stdoutFd, stderrFd);
            ProcStdin = stdinOwn >= 0 ? PipeStream(stdinOwn, PipeDirection.Out) : null;
            ProcStdout = stdoutOwn >= 0 ? PipeStream(stdoutOwn, PipeDirection.In) : null;
            ProcStderr = stderrOwn >= 0 ? PipeStream(stderrOwn, PipeDirection.In) : null;
            ownEnds.Clear();
        }
        finally
        {
            foreach (var fd in childEnds)
            {
                Libc.close(fd);
            }
            foreach (var fd in ownEnds)
            {
                Libc.close(fd);
            }
        }
        if (_watchExit)
        {
            WatchExit();
        }
        return _pid;
    }

    private static AnonymousPipeClientStream PipeStream(int fd, PipeDirection direction) =>
        new(direction, new SafePipeHandle(fd, ownsHandle: true));

    /// <summary>
    /// The descriptor the child gets as <paramref name="target"/>: a new pipe's end for PIPE (the other end is ours),
    /// /dev/null for DEVNULL, the given fd, or -1 to inherit ours (None).
    /// </summary>
    private static unsafe int ChildFd(int? spec, int target, List<int> childEnds, List<int> ownEnds, out int own)
    {
        own = -1;
        switch (spec)
        {
            case null:
                return -1;
            case Subprocess.PIPE:
                var fds = stackalloc int[2];
                if (Libc.pipe2(fds, Libc.O_CLOEXEC) != 0)
                {
                    throw Errno.Error(Marshal.GetLastPInvokeError());
                }
                var (child, mine) = target == 0 ? (fds[0], fds[1]) : (fds[1], fds[0]);
                childEnds.Add(child);
                ownEnds.Add(mine);
                own = mine;
                return child;
            case Subprocess.DEVNULL:
                var devnull = Libc.open("/dev/null", Libc.O_RDWR | Libc.O_CLOEXEC);
                if (devnull < 0)
                {
                    throw Errno.Error(Marshal.GetLastPInvokeError());
                }
                childEnds.Add(devnull);
                return devnull;
            case Subprocess.STDOUT:
                throw new ValueError("STDOUT can only be used for stderr");
            case < 0:
                throw new ValueError($"invalid stdio value {spec}");
            default:
                return spec.Value;
        }
    }

    private unsafe int Spawn(int stdinFd, int stdoutFd, int stderrFd)
    {
        var actions = stackalloc byte[Libc.SpawnStructSize];
        var attr = stackalloc byte[Libc.SpawnStructSize];
        var sigdefault = stackalloc byte[Libc.SigsetSize];
        var sigmask = stackalloc byte[Libc.SigsetSize];
        Libc.posix_spawn_file_actions_init(actions);
        Libc.posix_spawnattr_init(attr);
        var strings = new List<IntPtr>();
        try
        {
            foreach (var (fd, target) in new[] { (stdinFd, 0), (stdoutFd, 1), (stderrFd, 2) })
            {
                if (fd >= 0)
                {
                    Libc.posix_spawn_file_actions_adddup2(actions, fd, target);
                }
            }
            if (_cwd is not null)
            {
                Libc.posix_spawn_file_actions_addchdir_np(actions, _cwd);
            }
            // Python's restore_signals=True: .NET ignores SIGPIPE, and an ignored signal stays ignored across exec.
            Libc.sigemptyset(sigdefault);
            Libc.sigaddset(sigdefault, Libc.SIGPIPE);
            Libc.sigaddset(sigdefault, Libc.SIGXFSZ);
            Libc.sigemptyset(sigmask);
            Libc.posix_spawnattr_setsigdefault(attr, sigdefault);
            Libc.posix_spawnattr_setsigmask(attr, sigmask);
            Libc.posix_spawnattr_setflags(attr, (short)(Libc.POSIX_SPAWN_SETSIGDEF | Libc.POSIX_SPAWN_SETSIGMASK
                | (_startNewSession ? Libc.POSIX_SPAWN_SETSID : 0)));

            var argv = stackalloc byte*[_argv.Length + 1];
            for (var i = 0; i < _argv.Length; i++)
            {
                argv[i] = (byte*)Utf8(_argv[i], strings);
            }
            argv[_argv.Length] = null;
            var environment = Environment(_env);
            var envp = stackalloc byte*[environment.Count + 1];
            for (var i = 0; i < environment.Count; i++)
            {
                envp[i] = (byte*)Utf8(environment[i], strings);
            }
            envp[environment.Count] = null;
            int pid;
            var rc = Libc.posix_spawnp(&pid, argv[0], actions, attr, argv, envp);
            if (rc != 0)
            {
                var error = Errno.Error(rc);
                throw rc == Errno.ENOENT ? new FileNotFoundError(rc, $"{error.Strerror}: '{_argv[0]}'") : error;
            }
            return pid;
        }
        finally
        {
            Libc.posix_spawn_file_actions_destroy(actions);
            Libc.posix_spawnattr_destroy(attr);
            foreach (var s in strings)
            {
                Marshal.FreeHGlobal(s);
            }
        }
    }

    private static IntPtr Utf8(string s, List<IntPtr> allocated)
    {
        var bytes = Encoding.UTF8.GetBytes(s);
        var p = Marshal.AllocHGlobal(bytes.Length + 1);
        Marshal.Copy(bytes, 0, p, bytes.Length);
        Marshal.WriteByte(p, bytes.Length, 0);
        allocated.Add(p);
        return p;
    }

    private static List<string> Environment(IDictionary<string, string>? env)
    {
        var result = new List<string>();
        if (env is not null)
        {
            foreach (var (key, value) in env)
            {
                result.Add($"{key}={value}");
            }
            return result;
        }
        foreach (DictionaryEntry entry in System.Environment.GetEnvironmentVariables())
        {
            result.Add($"{entry.Key}={entry.Value}");
        }
        return result;
    }

    /// <summary>Python's PidfdChildWatcher.add_child_handler: a reader on the child's pidfd.</summary>
    private void WatchExit()
    {
        _pidfd = Libc.PidfdOpen(_pid);
        if (_pidfd < 0)
        {
            throw Errno.Error(Marshal.GetLastPInvokeError());
        }
        _selectorLoop.AddReaderCore(_pidfd, ChildExited);
    }

    /// <summary>The pidfd is readable: reap the child and report its return code (negative signal number if killed).</summary>
    private void ChildExited()
    {
        _selectorLoop.RemoveReaderCore(_pidfd);
        Libc.close(_pidfd);
        _pidfd = -1;
        int returncode;
        try
        {
            returncode = WaitStatus.ToExitcode(WaitStatus.Waitpid(_pid, 0).Status);
        }
        catch (ChildProcessError)
        {
            // Someone else reaped it: Python's watcher reports 255 then.
            returncode = 255;
        }
        ChildReaped(returncode);
    }

    /// <summary>The child was reaped (by the transport or a child watcher): Python's <c>_process_exited(returncode)</c>.</summary>
    internal void ChildReaped(int returncode)
    {
        _reaped = true;
        ProcessExited(returncode);
    }
}
