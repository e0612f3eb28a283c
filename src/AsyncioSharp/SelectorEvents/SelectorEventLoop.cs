using System;
using System.Collections.Generic;
using System.Net.Sockets;

namespace AsyncioSharp;

/// <summary>
/// Python's <c>asyncio.SelectorEventLoop</c> (<c>selector_events.BaseSelectorEventLoop</c>): waits for I/O with an
/// epoll selector; add_reader/add_writer run their callbacks through the ready queue when an fd is ready.
/// </summary>
public partial class SelectorEventLoop : BaseEventLoop
{
    private readonly EpollSelector _selector = new();
    private readonly Dictionary<int, (Handle? Reader, Handle? Writer)> _fdHandles = new();
    private readonly Action<int, int> _processEvent;

    /// <summary>Python's <c>SelectorEventLoop(selector=None)</c>.</summary>
    public SelectorEventLoop()
    {
        _processEvent = ProcessEvent;
    }

    private protected override void Select(double? timeout) => _selector.Select(timeout, _processEvent);

    private protected override void WriteToSelf() => _selector.Wake();

    /// <summary>Python's <c>_process_events</c> for one fd.</summary>
    private void ProcessEvent(int fd, int events)
    {
        if (!_fdHandles.TryGetValue(fd, out var handles))
        {
            return;
        }
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
        foreach (var (reader, writer) in _fdHandles.Values)
        {
            reader?.Cancel();
            writer?.Cancel();
        }
        _fdHandles.Clear();
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
        _fdHandles.TryGetValue(fd, out var handles);
        var old = evt == EpollSelector.EventRead ? handles.Reader : handles.Writer;
        _fdHandles[fd] = evt == EpollSelector.EventRead ? (handle, handles.Writer) : (handles.Reader, handle);
        old?.Cancel();
        return handle;
    }

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
        if (!_fdHandles.TryGetValue(fd, out var handles))
        {
            return false;
        }
        _selector.SetMask(fd, _selector.GetMask(fd) & ~evt);
        var old = evt == EpollSelector.EventRead ? handles.Reader : handles.Writer;
        var rest = evt == EpollSelector.EventRead ? (null, handles.Writer) : (handles.Reader, (Handle?)null);
        if (rest.Item1 is null && rest.Item2 is null)
        {
            _fdHandles.Remove(fd);
        }
        else
        {
            _fdHandles[fd] = rest;
        }
        if (old is null)
        {
            return false;
        }
        old.Cancel();
        return true;
    }
}
