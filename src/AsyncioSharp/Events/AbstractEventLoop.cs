using System;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using AsyncioSharp.ConcurrentFutures;
using AsyncioSharp.Ssl;

namespace AsyncioSharp;

/// <summary>Python's exception handler signature: <c>handler(loop, context)</c>.</summary>
public delegate void ExceptionHandler(AbstractEventLoop loop, IReadOnlyDictionary<string, object?> context);

/// <summary>Python's task factory signature: <c>factory(loop, coro, context=None)</c>.</summary>
public delegate AsyncioTask TaskFactory(AbstractEventLoop loop, Coroutine coro, ExecutionContext? context);

/// <summary>One row of <c>getaddrinfo</c>: Python's <c>(family, type, proto, canonname, sockaddr)</c> tuple.</summary>
public readonly record struct AddrInfo(AddressFamily Family, SocketType Type, ProtocolType Proto, string Canonname, EndPoint Sockaddr);

/// <summary>
/// Python's <c>asyncio.AbstractEventLoop</c>: every method of the event loop interface, in Python's order, named by
/// docs/naming.md. As in Python, a method a loop does not implement raises <see cref="NotImplementedException"/>.
/// Coroutine methods return a <see cref="Coroutine"/> to await.
/// </summary>
public abstract class AbstractEventLoop
{
    // Running and stopping the event loop.

    /// <summary>Python's <c>run_forever()</c>: runs until <see cref="Stop"/> is called.</summary>
    public virtual void RunForever() => throw new NotImplementedException();

    /// <summary>Python's <c>run_until_complete(future)</c>: runs until the future (or coroutine, wrapped in a task) is done; returns its result.</summary>
    public virtual object? RunUntilComplete(IAwaitable future) => throw new NotImplementedException();

    /// <summary>Python's <c>stop()</c>.</summary>
    public virtual void Stop() => throw new NotImplementedException();

    /// <summary>Python's <c>is_running()</c>.</summary>
    public virtual bool IsRunning() => throw new NotImplementedException();

    /// <summary>Python's <c>is_closed()</c>.</summary>
    public virtual bool IsClosed() => throw new NotImplementedException();

    /// <summary>Python's <c>close()</c>.</summary>
    public virtual void Close() => throw new NotImplementedException();

    /// <summary>Python's <c>shutdown_asyncgens()</c>.</summary>
    public virtual Coroutine ShutdownAsyncgens() => throw new NotImplementedException();

    /// <summary>Python's <c>shutdown_default_executor()</c>.</summary>
    public virtual Coroutine ShutdownDefaultExecutor() => throw new NotImplementedException();

    // Methods scheduling callbacks. All these return Handles.

    /// <summary>Python's <c>call_soon(callback, *args, context=None)</c>: arguments are bound with a lambda in C#.</summary>
    public virtual Handle CallSoon(Action callback, ExecutionContext? context = null) => throw new NotImplementedException();

    /// <summary>Python's <c>call_later(delay, callback, *args, context=None)</c>.</summary>
    public virtual TimerHandle CallLater(double delay, Action callback, ExecutionContext? context = null) => throw new NotImplementedException();

    /// <summary>Python's <c>call_at(when, callback, *args, context=None)</c>.</summary>
    public virtual TimerHandle CallAt(double when, Action callback, ExecutionContext? context = null) => throw new NotImplementedException();

    /// <summary>Python's <c>time()</c>: the loop's monotonic clock, in seconds.</summary>
    public virtual double Time() => throw new NotImplementedException();

    /// <summary>Python's <c>create_future()</c>.</summary>
    public virtual Future CreateFuture() => throw new NotImplementedException();

    // Method scheduling a coroutine object: create a task.

    /// <summary>Python's <c>create_task(coro, *, name=None, context=None)</c>.</summary>
    public virtual AsyncioTask CreateTask(Coroutine coro, string? name = null, ExecutionContext? context = null) => throw new NotImplementedException();

    // Methods for interacting with threads.

    /// <summary>Python's <c>call_soon_threadsafe(callback, *args, context=None)</c>: callable from any thread; wakes the loop.</summary>
    public virtual Handle CallSoonThreadsafe(Action callback, ExecutionContext? context = null) => throw new NotImplementedException();

    /// <summary>Python's <c>run_in_executor(executor, func, *args)</c>: runs func on the executor (the default one if null).</summary>
    public virtual Future RunInExecutor(Executor? executor, Func<object?> func) => throw new NotImplementedException();

    /// <summary>Python's <c>set_default_executor(executor)</c>.</summary>
    public virtual void SetDefaultExecutor(Executor executor) => throw new NotImplementedException();

    // Network I/O methods returning Futures.

    /// <summary>Python's <c>getaddrinfo(host, port, *, family=0, type=0, proto=0, flags=0)</c>; port is an int, a service name or null.</summary>
    public virtual Coroutine<List<AddrInfo>> Getaddrinfo(string? host, object? port, AddressFamily family = AddressFamily.Unspecified,
        SocketType type = 0, ProtocolType proto = 0, int flags = 0) => throw new NotImplementedException();

    /// <summary>Python's <c>getnameinfo(sockaddr, flags=0)</c>: (host, service).</summary>
    public virtual Coroutine<(string Host, string Port)> Getnameinfo(EndPoint sockaddr, int flags = 0) => throw new NotImplementedException();

    /// <summary>
    /// Python's <c>create_connection(protocol_factory, host=None, port=None, *, ssl=None, family=0, proto=0, flags=0,
    /// sock=None, local_addr=None, server_hostname=None, ssl_handshake_timeout=None, ssl_shutdown_timeout=None,
    /// happy_eyeballs_delay=None, interleave=None)</c>. <paramref name="ssl"/> is an SSLContext, a bool or null, as in Python.
    /// </summary>
    public virtual Coroutine<(BaseTransport Transport, BaseProtocol Protocol)> CreateConnection(
        Func<BaseProtocol> protocolFactory, string? host = null, int? port = null, object? ssl = null,
        AddressFamily family = AddressFamily.Unspecified, ProtocolType proto = 0, int flags = 0, Socket? sock = null,
        (string Host, int Port)? localAddr = null, string? serverHostname = null, double? sslHandshakeTimeout = null,
        double? sslShutdownTimeout = null, double? happyEyeballsDelay = null, int? interleave = null)
        => throw new NotImplementedException();

    /// <summary>
    /// Python's <c>create_server(protocol_factory, host=None, port=None, *, family=AF_UNSPEC, flags=AI_PASSIVE, sock=None,
    /// backlog=100, ssl=None, reuse_address=None, reuse_port=None, ssl_handshake_timeout=None, ssl_shutdown_timeout=None,
    /// start_serving=True)</c>. <paramref name="host"/> is a string, a sequence of strings, or null.
    /// </summary>
    public virtual Coroutine<AbstractServer> CreateServer(
        Func<BaseProtocol> protocolFactory, object? host = null, int? port = null,
        AddressFamily family = AddressFamily.Unspecified, int flags = 1, Socket? sock = null, int backlog = 100,
        object? ssl = null, bool? reuseAddress = null, bool? reusePort = null, double? sslHandshakeTimeout = null,
        double? sslShutdownTimeout = null, bool startServing = true)
        => throw new NotImplementedException();

    /// <summary>
    /// Python's <c>sendfile(transport, file, offset=0, count=None, *, fallback=True)</c>: the number of bytes sent.
    /// Zero-copy for a <see cref="FileStream"/>; any readable stream goes through the fallback, as in Python.
    /// </summary>
    public virtual Coroutine<long> Sendfile(BaseTransport transport, Stream file, long offset = 0, long? count = null, bool fallback = true)
        => throw new NotImplementedException();

    /// <summary>
    /// Python's <c>start_tls(transport, protocol, sslcontext, *, server_side=False, server_hostname=None,
    /// ssl_handshake_timeout=None, ssl_shutdown_timeout=None)</c>: the new TLS transport.
    /// </summary>
    public virtual Coroutine<BaseTransport> StartTls(BaseTransport transport, BaseProtocol protocol, SSLContext sslcontext,
        bool serverSide = false, string? serverHostname = null, double? sslHandshakeTimeout = null, double? sslShutdownTimeout = null)
        => throw new NotImplementedException();

    /// <summary>
    /// Python's <c>create_unix_connection(protocol_factory, path=None, *, ssl=None, sock=None, server_hostname=None,
    /// ssl_handshake_timeout=None, ssl_shutdown_timeout=None)</c>.
    /// </summary>
    public virtual Coroutine<(BaseTransport Transport, BaseProtocol Protocol)> CreateUnixConnection(
        Func<BaseProtocol> protocolFactory, string? path = null, object? ssl = null, Socket? sock = null,
        string? serverHostname = null, double? sslHandshakeTimeout = null, double? sslShutdownTimeout = null)
        => throw new NotImplementedException();

    /// <summary>
    /// Python's <c>create_unix_server(protocol_factory, path=None, *, sock=None, backlog=100, ssl=None,
    /// ssl_handshake_timeout=None, ssl_shutdown_timeout=None, start_serving=True)</c>.
    /// </summary>
    public virtual Coroutine<AbstractServer> CreateUnixServer(
        Func<BaseProtocol> protocolFactory, string? path = null, Socket? sock = null, int backlog = 100,
        object? ssl = null, double? sslHandshakeTimeout = null, double? sslShutdownTimeout = null, bool startServing = true)
        => throw new NotImplementedException();

    /// <summary>
    /// Python's <c>connect_accepted_socket(protocol_factory, sock, *, ssl=None, ssl_handshake_timeout=None,
    /// ssl_shutdown_timeout=None)</c>.
    /// </summary>
    public virtual Coroutine<(BaseTransport Transport, BaseProtocol Protocol)> ConnectAcceptedSocket(
        Func<BaseProtocol> protocolFactory, Socket sock, object? ssl = null, double? sslHandshakeTimeout = null,
        double? sslShutdownTimeout = null)
        => throw new NotImplementedException();

    /// <summary>
    /// Python's <c>create_datagram_endpoint(protocol_factory, local_addr=None, remote_addr=None, *, family=0, proto=0,
    /// flags=0, reuse_address=None, reuse_port=None, allow_broadcast=None, sock=None)</c>. The addresses are a
    /// <c>(string Host, int Port)</c> tuple, or a path string for AF_UNIX, as Python takes a tuple or a str.
    /// </summary>
    public virtual Coroutine<(DatagramTransport Transport, BaseProtocol Protocol)> CreateDatagramEndpoint(
        Func<BaseProtocol> protocolFactory, object? localAddr = null, object? remoteAddr = null,
        AddressFamily family = AddressFamily.Unspecified, ProtocolType proto = 0, int flags = 0, bool? reuseAddress = null,
        bool? reusePort = null, bool? allowBroadcast = null, Socket? sock = null)
        => throw new NotImplementedException();

    // Pipes and subprocesses.

    /// <summary>Python's <c>connect_read_pipe(protocol_factory, pipe)</c>.</summary>
    public virtual Coroutine<(BaseTransport Transport, BaseProtocol Protocol)> ConnectReadPipe(Func<BaseProtocol> protocolFactory, Stream pipe)
        => throw new NotImplementedException();

    /// <summary>Python's <c>connect_write_pipe(protocol_factory, pipe)</c>.</summary>
    public virtual Coroutine<(BaseTransport Transport, BaseProtocol Protocol)> ConnectWritePipe(Func<BaseProtocol> protocolFactory, Stream pipe)
        => throw new NotImplementedException();

    /// <summary>
    /// Python's <c>subprocess_shell(protocol_factory, cmd, *, stdin=PIPE, stdout=PIPE, stderr=PIPE, **kwargs)</c>:
    /// <c>/bin/sh -c cmd</c>. Each of stdin/stdout/stderr is <see cref="Subprocess.PIPE"/>, <see cref="Subprocess.DEVNULL"/>,
    /// <see cref="Subprocess.STDOUT"/> (stderr only), a file descriptor, or null to inherit (Python's None);
    /// <paramref name="cwd"/>, <paramref name="env"/> and <paramref name="startNewSession"/> are Popen's keyword arguments of the same names.
    /// </summary>
    public virtual Coroutine<(SubprocessTransport Transport, BaseProtocol Protocol)> SubprocessShell(
        Func<BaseProtocol> protocolFactory, string cmd, int? stdin = Subprocess.PIPE, int? stdout = Subprocess.PIPE,
        int? stderr = Subprocess.PIPE, string? cwd = null, IDictionary<string, string>? env = null,
        bool startNewSession = false)
        => throw new NotImplementedException();

    /// <summary>
    /// Python's <c>subprocess_exec(protocol_factory, program, *args, stdin=PIPE, stdout=PIPE, stderr=PIPE, **kwargs)</c>:
    /// <paramref name="args"/> are Python's <c>*args</c>; the other parameters are as in <see cref="SubprocessShell"/>.
    /// </summary>
    public virtual Coroutine<(SubprocessTransport Transport, BaseProtocol Protocol)> SubprocessExec(
        Func<BaseProtocol> protocolFactory, string program, IEnumerable<string>? args = null, int? stdin = Subprocess.PIPE,
        int? stdout = Subprocess.PIPE, int? stderr = Subprocess.PIPE, string? cwd = null, IDictionary<string, string>? env = null,
        bool startNewSession = false)
        => throw new NotImplementedException();

    // Ready-based callback registration methods.

    /// <summary>Python's <c>add_reader(fd, callback, *args)</c>: calls back whenever fd is readable.</summary>
    public virtual void AddReader(int fd, Action callback) => throw new NotImplementedException();

    /// <summary>Python's <c>remove_reader(fd)</c>: true if fd was registered for reading.</summary>
    public virtual bool RemoveReader(int fd) => throw new NotImplementedException();

    /// <summary>Python's <c>add_writer(fd, callback, *args)</c>: calls back whenever fd is writable.</summary>
    public virtual void AddWriter(int fd, Action callback) => throw new NotImplementedException();

    /// <summary>Python's <c>remove_writer(fd)</c>: true if fd was registered for writing.</summary>
    public virtual bool RemoveWriter(int fd) => throw new NotImplementedException();

    // Completion based I/O methods returning Futures.

    /// <summary>Python's <c>sock_recv(sock, nbytes)</c>.</summary>
    public virtual Coroutine<byte[]> SockRecv(Socket sock, int nbytes) => throw new NotImplementedException();

    /// <summary>Python's <c>sock_recv_into(sock, buf)</c>: the number of bytes received.</summary>
    public virtual Coroutine<int> SockRecvInto(Socket sock, Memory<byte> buf) => throw new NotImplementedException();

    /// <summary>Python's <c>sock_recvfrom(sock, bufsize)</c>: (data, address).</summary>
    public virtual Coroutine<(byte[] Data, EndPoint Address)> SockRecvfrom(Socket sock, int bufsize) => throw new NotImplementedException();

    /// <summary>Python's <c>sock_recvfrom_into(sock, buf, nbytes=0)</c>: (nbytes, address).</summary>
    public virtual Coroutine<(int Nbytes, EndPoint Address)> SockRecvfromInto(Socket sock, Memory<byte> buf, int nbytes = 0)
        => throw new NotImplementedException();

    /// <summary>Python's <c>sock_sendall(sock, data)</c>.</summary>
    public virtual Coroutine SockSendall(Socket sock, ReadOnlyMemory<byte> data) => throw new NotImplementedException();

    /// <summary>Python's <c>sock_sendto(sock, data, address)</c>: the number of bytes sent.</summary>
    public virtual Coroutine<int> SockSendto(Socket sock, ReadOnlyMemory<byte> data, EndPoint address) => throw new NotImplementedException();

    /// <summary>Python's <c>sock_connect(sock, address)</c>.</summary>
    public virtual Coroutine SockConnect(Socket sock, EndPoint address) => throw new NotImplementedException();

    /// <summary>Python's <c>sock_accept(sock)</c>: (conn, address).</summary>
    public virtual Coroutine<(Socket Conn, EndPoint Address)> SockAccept(Socket sock) => throw new NotImplementedException();

    /// <summary>
    /// Python's <c>sock_sendfile(sock, file, offset=0, count=None, *, fallback=None)</c>: the number of bytes sent.
    /// Zero-copy for a <see cref="FileStream"/>; any readable stream goes through the fallback, as in Python.
    /// </summary>
    public virtual Coroutine<long> SockSendfile(Socket sock, Stream file, long offset = 0, long? count = null, bool fallback = true)
        => throw new NotImplementedException();

    // Signal handling.

    /// <summary>Python's <c>add_signal_handler(sig, callback, *args)</c>.</summary>
    public virtual void AddSignalHandler(int sig, Action callback) => throw new NotImplementedException();

    /// <summary>Python's <c>remove_signal_handler(sig)</c>: true if a handler was removed.</summary>
    public virtual bool RemoveSignalHandler(int sig) => throw new NotImplementedException();

    // Task factory.

    /// <summary>Python's <c>set_task_factory(factory)</c>; null restores the default.</summary>
    public virtual void SetTaskFactory(TaskFactory? factory) => throw new NotImplementedException();

    /// <summary>Python's <c>get_task_factory()</c>.</summary>
    public virtual TaskFactory? GetTaskFactory() => throw new NotImplementedException();

    // Error handlers.

    /// <summary>Python's <c>get_exception_handler()</c>.</summary>
    public virtual ExceptionHandler? GetExceptionHandler() => throw new NotImplementedException();

    /// <summary>Python's <c>set_exception_handler(handler)</c>; null restores the default.</summary>
    public virtual void SetExceptionHandler(ExceptionHandler? handler) => throw new NotImplementedException();

    /// <summary>Python's <c>default_exception_handler(context)</c>.</summary>
    public virtual void DefaultExceptionHandler(IReadOnlyDictionary<string, object?> context) => throw new NotImplementedException();

    /// <summary>Python's <c>call_exception_handler(context)</c>.</summary>
    public virtual void CallExceptionHandler(IReadOnlyDictionary<string, object?> context) => throw new NotImplementedException();

    // Debug flag management.

    /// <summary>Python's <c>get_debug()</c>.</summary>
    public virtual bool GetDebug() => throw new NotImplementedException();

    /// <summary>Python's <c>set_debug(enabled)</c>.</summary>
    public virtual void SetDebug(bool enabled) => throw new NotImplementedException();
}
