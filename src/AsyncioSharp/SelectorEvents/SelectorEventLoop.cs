using System;
using System.Collections.Generic;
using System.Net.Sockets;
using System.Runtime.CompilerServices;

namespace AsyncioSharp;

/// <summary>
/// Python's <c>asyncio.SelectorEventLoop</c> (<c>selector_events.BaseSelectorEventLoop</c>): waits for I/O with an
/// epoll selector; add_reader/add_writer run their callbacks through the ready queue when an fd is ready.
/// </summary>
public partial class SelectorEventLoop : BaseEventLoop
{
    private readonly EpollSelector _selector = new();
    // The reader and writer of each fd, indexed by the fd (small, dense numbers): the lookup on every event is one
    // array access, where a dictionary would hash and probe.
    private (Handle? Reader, Handle? Writer)[] _fdHandles = new (Handle?, Handle?)[64];
    private int _fdHandleCount;
    private readonly Action<int, int> _processEvent;

    /// <summary>Python's <c>SelectorEventLoop(selector=None)</c>.</summary>
    public SelectorEventLoop()
    {
        _processEvent = ProcessEvent;
    }

    private protected override void Select(double? timeout) => _selector.Select(timeout, _processEvent);

    private protected override void WriteToSelf() => _selector.Wake();

    /// <summary>Python's <c>_process_events</c> for one fd.</summary>
    // Runs for every I/O event: compiled optimized once, at first call, rather than at tier 0 and again later.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ProcessEvent(int fd, int events)
    {
        var handles = FdHandles(fd);
        if ((events & EpollSelector.EventRead) != 0 && handles.Reader is { } reader)
        {
            if (reader.Cancelled())
            {
                RemoveReader(fd);
            }
            else
            {
                AddCallback(reader);
            }
        }
        if ((events & EpollSelector.EventWrite) != 0 && handles.Writer is { } writer)
        {
            if (writer.Cancelled())
            {
                RemoveWriter(fd);
            }
            else
            {
                AddCallback(writer);
            }
        }
    }

    /// <inheritdoc />
    public override void Close()
    {
        if (IsRunning())
        {
            throw new RuntimeError("Cannot close a running event loop");
        }
        if (IsClosed())
        {
            return;
        }
        base.Close();
        foreach (var (reader, writer) in _fdHandles)
        {
            reader?.Cancel();
            writer?.Cancel();
        }
        Array.Clear(_fdHandles);
        _fdHandleCount = 0;
        _selector.Dispose();
        RemoveSignalHandlers();
    }

    /// <inheritdoc />
    public override void AddReader(int fd, Action callback)
    {
        EnsureFdNoTransport(fd);
        AddHandler(fd, callback, EpollSelector.EventRead);
    }

    /// <summary>Python's <c>add_reader(sock, ...)</c>: a socket stands for its file descriptor.</summary>
    public void AddReader(Socket sock, Action callback) => AddReader(FileNo(sock), callback);

    /// <inheritdoc />
    public override bool RemoveReader(int fd)
    {
        EnsureFdNoTransport(fd);
        return RemoveHandler(fd, EpollSelector.EventRead);
    }

    /// <summary>Python's <c>remove_reader(sock)</c>.</summary>
    public bool RemoveReader(Socket sock) => RemoveReader(FileNo(sock));

    /// <inheritdoc />
    public override void AddWriter(int fd, Action callback)
    {
        EnsureFdNoTransport(fd);
        AddHandler(fd, callback, EpollSelector.EventWrite);
    }

    /// <summary>Python's <c>add_writer(sock, ...)</c>.</summary>
    public void AddWriter(Socket sock, Action callback) => AddWriter(FileNo(sock), callback);

    /// <inheritdoc />
    public override bool RemoveWriter(int fd)
    {
        EnsureFdNoTransport(fd);
        return RemoveHandler(fd, EpollSelector.EventWrite);
    }

    /// <summary>Python's <c>remove_writer(sock)</c>.</summary>
    public bool RemoveWriter(Socket sock) => RemoveWriter(FileNo(sock));

    /// <summary>Python's <c>sock.fileno()</c>: -1 once closed, which the selector then rejects like CPython's.</summary>
    private static int FileNo(Socket sock) => sock.SafeHandle.IsClosed ? -1 : (int)sock.Handle;

    /// <summary>Python's <c>_add_reader</c>/<c>_add_writer</c>: registers (or replaces) the fd's handler for one event.</summary>
    private protected Handle AddHandler(int fd, Action callback, int evt)
    {
        CheckClosed();
        var handle = new Handle(callback, this, System.Threading.ExecutionContext.Capture());
        _selector.SetMask(fd, _selector.GetMask(fd) | evt);
        if (fd >= _fdHandles.Length)
        {
            Array.Resize(ref _fdHandles, Math.Max(fd + 1, _fdHandles.Length * 2));
        }
        ref var handles = ref _fdHandles[fd];
        if (handles.Reader is null && handles.Writer is null)
        {
            _fdHandleCount++;
        }
        var old = evt == EpollSelector.EventRead ? handles.Reader : handles.Writer;
        handles = evt == EpollSelector.EventRead ? (handle, handles.Writer) : (handles.Reader, handle);
        old?.Cancel();
        return handle;
    }

    /// <summary>The fd's registered reader and writer (nulls if none).</summary>
    private protected (Handle? Reader, Handle? Writer) FdHandles(int fd) =>
        (uint)fd < (uint)_fdHandles.Length ? _fdHandles[fd] : default;

    /// <summary>Python's <c>_remove_reader</c>/<c>_remove_writer</c>.</summary>
    private protected bool RemoveHandler(int fd, int evt)
    {
        if (IsClosed())
        {
            return false;
        }
        if (fd < 0)
        {
            throw new ValueError($"Invalid file descriptor: {fd}");
        }
        if ((uint)fd >= (uint)_fdHandles.Length)
        {
            return false;
        }
        ref var handles = ref _fdHandles[fd];
        if (handles.Reader is null && handles.Writer is null)
        {
            return false;
        }
        _selector.SetMask(fd, _selector.GetMask(fd) & ~evt);
        var old = evt == EpollSelector.EventRead ? handles.Reader : handles.Writer;
        handles = evt == EpollSelector.EventRead ? (null, handles.Writer) : (handles.Reader, null);
        if (handles.Reader is null && handles.Writer is null)
        {
            _fdHandleCount--;
        }
        if (old is null)
        {
            return false;
        }
        old.Cancel();
        return true;
    }
}
