using System;
using System.Threading;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using AsyncioSharp.Interop;

namespace AsyncioSharp;

/// <summary>
/// Python's <c>selectors.EpollSelector</c>: level-triggered readiness for registered file descriptors,
/// plus an eventfd that other threads write to wake a blocked <see cref="Select"/>.
/// </summary>
internal sealed unsafe class EpollSelector : IDisposable
{
    internal const int EventRead = 1;
    internal const int EventWrite = 2;

    private readonly int _epfd;
    private readonly int _wakeFd;
    private readonly Dictionary<int, int> _masks = new();
    private Libc.EpollEvent[] _events = new Libc.EpollEvent[64];
    private int _wakePending;
    private bool _disposed;

    public EpollSelector()
    {
        _epfd = Libc.epoll_create1(Libc.EPOLL_CLOEXEC);
        if (_epfd < 0)
        {
            throw Libc.LastError();
        }
        _wakeFd = Libc.eventfd(0, Libc.EFD_CLOEXEC | Libc.EFD_NONBLOCK);
        if (_wakeFd < 0)
        {
            throw Libc.LastError();
        }
        Control(Libc.EPOLL_CTL_ADD, _wakeFd, EventRead);
    }

    /// <summary>The events each registered fd waits for (Python's <c>get_map()</c>, reduced to masks).</summary>
    public int GetMask(int fd) => _masks.TryGetValue(fd, out var mask) ? mask : 0;

    /// <summary>Python's <c>register</c>/<c>modify</c>/<c>unregister</c> in one: sets the fd's mask (0 unregisters).</summary>
    public void SetMask(int fd, int mask)
    {
        if (fd < 0)
        {
            throw new ValueError($"Invalid file descriptor: {fd}");
        }
        var had = _masks.TryGetValue(fd, out var old);
        if (mask == 0)
        {
            if (had)
            {
                _masks.Remove(fd);
                // The fd may already be closed, which removed it from the epoll set: that is fine.
                Control(Libc.EPOLL_CTL_DEL, fd, 0, ignoreMissing: true);
            }
            return;
        }
        if (had && old == mask)
        {
            return;
        }
        Control(had ? Libc.EPOLL_CTL_MOD : Libc.EPOLL_CTL_ADD, fd, mask);
        _masks[fd] = mask;
    }

    private void Control(int op, int fd, int mask, bool ignoreMissing = false)
    {
        var ev = new Libc.EpollEvent
        {
            Events = ((mask & EventRead) != 0 ? Libc.EPOLLIN : 0) | ((mask & EventWrite) != 0 ? Libc.EPOLLOUT : 0),
            Data = (ulong)fd,
        };
        if (Libc.epoll_ctl(_epfd, op, fd, &ev) < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            if (ignoreMissing && errno is Libc.ENOENT or Libc.EBADF)
            {
                return;
            }
            if (op == Libc.EPOLL_CTL_MOD && errno == Libc.ENOENT)
            {
                // The fd was closed and reopened under the same number: register it afresh.
                Control(Libc.EPOLL_CTL_ADD, fd, mask);
                return;
            }
            throw Errno.Error(errno);
        }
    }

    /// <summary>
    /// Waits up to <paramref name="timeout"/> seconds (null: forever) and calls <paramref name="ready"/> with each
    /// ready fd and the events (EventRead | EventWrite) it is ready for.
    /// </summary>
    // Runs for every I/O event: compiled optimized once, at first call, rather than at tier 0 and again later.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Select(double? timeout, Action<int, int> ready)
    {
        // Python rounds the timeout up to whole milliseconds, so a timer is never woken early.
        var ms = timeout is null ? -1 : (int)Math.Min(Math.Ceiling(timeout.Value * 1000), int.MaxValue);
        int n;
        fixed (Libc.EpollEvent* events = _events)
        {
            n = Libc.epoll_wait(_epfd, events, _events.Length, ms);
        }
        Volatile.Write(ref _wakePending, 0);
        if (n < 0)
        {
            var errno = Marshal.GetLastSystemError();
            if (errno == Libc.EINTR)
            {
                return;
            }
            throw Errno.Error(errno);
        }
        for (var i = 0; i < n; i++)
        {
            var fd = (int)_events[i].Data;
            var ev = _events[i].Events;
            if (fd == _wakeFd)
            {
                ulong value;
                Libc.read(_wakeFd, &value, sizeof(ulong));
                continue;
            }
            // As Python's EpollSelector: any event other than "readable" counts as writable, and the reverse.
            var events = ((ev & ~Libc.EPOLLIN) != 0 ? EventWrite : 0) | ((ev & ~Libc.EPOLLOUT) != 0 ? EventRead : 0);
            ready(fd, events);
        }
        if (n == _events.Length)
        {
            _events = new Libc.EpollEvent[_events.Length * 2];
        }
    }

    /// <summary>Wakes a blocked <see cref="Select"/>; callable from any thread, cheap when a wake-up is already pending.</summary>
    public void Wake()
    {
        if (Interlocked.Exchange(ref _wakePending, 1) == 0 && !_disposed)
        {
            ulong one = 1;
            Libc.write(_wakeFd, &one, sizeof(ulong));
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        Libc.close(_wakeFd);
        Libc.close(_epfd);
        GC.SuppressFinalize(this);
    }

    /// <summary>Python's <c>BaseEventLoop.__del__</c> closes a loop nobody closed: a collected selector releases its fds.</summary>
    ~EpollSelector() => Dispose();
}
