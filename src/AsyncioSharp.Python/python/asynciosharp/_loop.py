"""The Python event loop class over the .NET loop (AsyncioSharp.Python.LoopFacade)."""

import heapq
import io
import selectors
import os
import signal
import socket
import stat
import sys
import threading

from asyncio import base_events
from asyncio import events
from asyncio import format_helpers
from asyncio import exceptions
from asyncio import selector_events
from asyncio import unix_events

import clr  # noqa: F401  (Python.NET: makes .NET namespaces importable)
from AsyncioSharp.Python import LoopFacade

from . import _interop
from . import _ssl
from . import _transports

__all__ = ('EventLoop', 'EventLoopPolicy')

# ASYNCIOSHARP_TRANSPORTS=cpython makes CPython's socket transports (on the .NET selector) the default for TCP;
# ASYNCIOSHARP_TLS=cpython makes CPython's sslproto (over CPython's socket transports) the default for ssl= instead of
# the .NET TLS (SSLProtocol over SslStream).
_DOTNET_TRANSPORTS = os.environ.get('ASYNCIOSHARP_TRANSPORTS') != 'cpython'
_DOTNET_TLS = os.environ.get('ASYNCIOSHARP_TLS') != 'cpython'


def _report(handle, exc):
    """What Handle._run does with a callback's exception (the drain runs the callback itself, one frame less)."""
    cb = format_helpers._format_callback_source(handle._callback, handle._args)
    context = {'message': f'Exception in callback {cb}', 'exception': exc, 'handle': handle}
    if handle._source_traceback:
        context['source_traceback'] = handle._source_traceback
    handle._loop.call_exception_handler(context)


def _numbers(*values, kind=(int, float)):
    """Whether each value is None or a plain number: other values take CPython's path, which raises its own errors."""
    return all(v is None or (isinstance(v, kind) and not isinstance(v, bool)) for v in values)


class _NetSelector:
    """The selector interface (what transports and reprs read) mirrored into the .NET loop's epoll selector.

    CPython's _add_reader/_remove_reader/_add_writer/_remove_writer run unchanged on it; each change of an fd's
    reader or writer handle is passed on to .NET, which runs the handle when the fd is ready.
    """

    def __init__(self, facade):
        self._facade = facade
        self._keys = {}

    def get_key(self, fileobj):
        return self._keys[selectors._fileobj_to_fd(fileobj)]

    def get_map(self):
        return dict(self._keys)

    def register(self, fileobj, events, data=None):
        fd = selectors._fileobj_to_fd(fileobj)
        if fd in self._keys:
            raise KeyError(f"{fileobj!r} (FD {fd}) is already registered")
        return self._set(fileobj, fd, events, data, (None, None))

    def modify(self, fileobj, events, data=None):
        fd = selectors._fileobj_to_fd(fileobj)
        old = self._keys[fd]
        return self._set(fileobj, fd, events, data, old.data)

    def unregister(self, fileobj):
        fd = selectors._fileobj_to_fd(fileobj)
        key = self._keys.pop(fd)
        reader, writer = key.data
        if reader is not None:
            self._facade.remove_reader(fd)
        if writer is not None:
            self._facade.remove_writer(fd)
        return key

    def _set(self, fileobj, fd, events, data, old):
        reader, writer = data
        old_reader, old_writer = old
        if reader is not old_reader:
            if reader is None:
                self._facade.remove_reader(fd)
            else:
                self._facade.add_reader(fd, reader)
        if writer is not old_writer:
            if writer is None:
                self._facade.remove_writer(fd)
            else:
                self._facade.add_writer(fd, writer)
        key = selectors.SelectorKey(fileobj, fd, events, data)
        self._keys[fd] = key
        return key

    def close(self):
        self._keys.clear()


def _python_call_soon(self, callback, *args, context=None):
    """BaseEventLoop.call_soon and _call_soon in one frame: what EventLoop.call_soon does when not in C."""
    if self._closed:
        raise RuntimeError('Event loop is closed')
    if self._debug:
        self._check_thread()
        self._check_callback(callback, 'call_soon')
    handle = events.Handle(callback, args, self, context)
    if handle._source_traceback:
        del handle._source_traceback[-1]
    self._ready.append(handle)
    if not self._drain_scheduled:
        self._schedule_drain()
    return handle


_python_call_soon.__qualname__ = 'BaseEventLoop.call_soon'  # Python's argument errors name CPython's method


class EventLoop(unix_events.SelectorEventLoop):
    """An asyncio event loop run by the AsyncioSharp .NET loop.

    TCP create_connection and create_server go through the .NET socket transports; ``dotnet_transports=False``
    (or ASYNCIOSHARP_TRANSPORTS=cpython) keeps CPython's transports instead. ssl= goes through the .NET TLS too, a
    Python ssl.SSLContext being mirrored (see _ssl.py); ``dotnet_tls=False`` (or ASYNCIOSHARP_TLS=cpython) keeps
    CPython's transports and sslproto for ssl=. start_tls on a .NET transport uses the .NET TLS.

    Python's ready queue (``call_soon``) stays a Python deque, drained by one .NET callback per loop iteration;
    timers (``call_at``/``call_later``), fd callbacks (``add_reader``/``add_writer``) and the blocking wait are the
    .NET loop's, which releases the GIL while it waits. CPython's futures, tasks, transports and streams run on top.
    """

    def __init__(self, facade=None, *, dotnet_transports=None, dotnet_tls=None):
        if facade is None:
            facade = LoopFacade()
        self._facade = facade
        self._dotnet_transports = _DOTNET_TRANSPORTS if dotnet_transports is None else dotnet_transports
        self._dotnet_tls = _DOTNET_TLS if dotnet_tls is None else dotnet_tls
        self._drain_scheduled = False
        self._schedule, self._schedule_threadsafe = facade.schedule_functions()
        self._pending_exc = None
        # Whether a .NET transport runs on an fd, as a builtin function (asked on every add_reader and sock_* call).
        self._fd_in_use = facade.fd_in_use_function()
        facade.bind(self, self._drain, self._run_handle, self._run_timers)
        super().__init__(_NetSelector(facade))

    @property
    def dotnet_loop(self):
        """The .NET AsyncioSharp.SelectorEventLoop running this loop."""
        return self._facade.loop

    # Ready queue: a Python deque drained from .NET once per iteration.

    # call_soon is NativeReadyQueue's (set below the class): it builds the Handle in C and appends it to _ready;
    # debug mode, a closed loop and unusual arguments come to _python_call_soon.

    def _schedule_drain(self):
        self._drain_scheduled = True
        self._schedule()

    def _add_callback(self, handle):
        # Used for signal handlers (_handle_signal), on the loop thread.
        if not handle._cancelled:
            self._ready.append(handle)
            if not self._drain_scheduled:
                self._schedule_drain()

    def call_soon_threadsafe(self, callback, *args, context=None):
        self._check_closed()
        if self._debug:
            self._check_callback(callback, 'call_soon_threadsafe')
        handle = events.Handle(callback, args, self, context)
        if handle._source_traceback:
            del handle._source_traceback[-1]
        self._ready.append(handle)
        self._schedule_threadsafe()
        return handle

    def _drain(self):
        # Runs the callbacks that were ready when this iteration began; later ones wait for the next iteration.
        # Returns True when some remain: .NET then schedules the next drain. NativeReadyQueue.Drain does the same
        # without this frame, and comes here for a loop run from C# or in debug mode.
        if self._thread_id is None:
            return self._run_hosted(self._drain)
        ready = self._ready
        try:
            if self._debug:
                for _ in range(len(ready)):
                    handle = ready.popleft()
                    if not handle._cancelled:
                        self._run_debug(handle)
            else:
                _run_ready(ready, len(ready))
        except BaseException as exc:
            self._escape(exc)
        if ready:
            return True
        self._drain_scheduled = False
        return False

    def _run_handle(self, handle):
        if self._thread_id is None:
            return self._run_hosted(self._run_handle, handle)
        if handle._cancelled:
            return
        try:
            if self._debug:
                self._run_debug(handle)
            else:
                handle._run()
        except BaseException as exc:
            self._escape(exc)

    def _run_debug(self, handle):
        # Debug mode, as CPython's _run_once: the running handle is known and slow callbacks are logged.
        self._current_handle = handle
        try:
            t0 = self.time()
            handle._run()
            dt = self.time() - t0
            if dt >= self.slow_callback_duration:
                base_events.logger.warning('Executing %s took %.3f seconds', base_events._format_handle(handle), dt)
        finally:
            self._current_handle = None

    def _run_hosted(self, function, *args):
        # C# runs the .NET loop (PythonHost.CreateEventLoop): Python sees this loop as running during the call.
        self._thread_id = threading.get_ident()
        events._set_running_loop(self)
        try:
            return function(*args)
        finally:
            self._thread_id = None
            events._set_running_loop(None)

    def _escape(self, exc):
        # SystemExit / KeyboardInterrupt (re-raised by Handle._run) leave run_forever(), as in CPython.
        if self._pending_exc is None:
            self._pending_exc = exc
        self._facade.stop()

    # Timers: Python's heap (as CPython's), woken by one .NET timer set for the earliest one. A .NET timer per
    # Python timer costs three crossings (schedule, cancel, fire); this costs one per new earliest deadline.

    def call_at(self, when, callback, *args, context=None):
        if when is None:
            raise TypeError("when cannot be None")
        self._check_closed()
        if self._debug:
            self._check_thread()
            self._check_callback(callback, 'call_at')
        timer = events.TimerHandle(when, callback, args, self, context)
        if timer._source_traceback:
            del timer._source_traceback[-1]
        heapq.heappush(self._scheduled, timer)
        timer._scheduled = True
        if self._scheduled[0] is timer:
            self._facade.set_timer(when)
        return timer

    def _run_timers(self):
        # Called by the .NET timer: runs the due timers (after this iteration's I/O callbacks, as CPython's
        # _run_once does) and returns the next deadline for .NET, or None.
        if self._thread_id is None:
            return self._run_hosted(self._run_timers)
        scheduled = self._scheduled
        if (len(scheduled) > base_events._MIN_SCHEDULED_TIMER_HANDLES and
                self._timer_cancelled_count / len(scheduled) > base_events._MIN_CANCELLED_TIMER_HANDLES_FRACTION):
            kept = []
            for handle in scheduled:
                if handle._cancelled:
                    handle._scheduled = False
                else:
                    kept.append(handle)
            heapq.heapify(kept)
            self._scheduled = scheduled = kept
            self._timer_cancelled_count = 0
        end_time = self.time() + self._clock_resolution
        due = []
        while scheduled:
            handle = scheduled[0]
            if handle._cancelled:
                self._timer_cancelled_count -= 1
            elif handle._when >= end_time:
                break
            else:
                due.append(handle)
            heapq.heappop(scheduled)
            handle._scheduled = False
        for i, handle in enumerate(due):
            if handle._cancelled:
                continue
            try:
                if self._debug:
                    self._run_debug(handle)
                else:
                    handle._run()
            except BaseException as exc:
                # The rest stay ready for the next run, as they would in CPython's ready queue.
                for rest in due[i + 1:]:
                    self._add_callback(rest)
                self._escape(exc)
                break
        return self._scheduled[0]._when if self._scheduled else None

    # Connections: TCP, unix and datagram sockets go through the .NET socket transports (and unless dotnet_tls=False,
    # TLS through the .NET SSLProtocol), which drive the Python protocol. A caller's socket (sock=) stays the caller's
    # object: the .NET transport runs on its descriptor without owning it, and it is closed when CPython's transport
    # would close it. Arguments CPython rejects, or of a kind the .NET path does not take (a non-str host, a mock
    # socket, an SSLSocket...), go to CPython's implementation on this loop's .NET selector, which raises CPython's
    # exception or runs CPython's transports.

    def _dotnet_path(self):
        """Whether connections may take the .NET path: not when disabled, nor when the program (or a test) patched
        the socket module asyncio uses, or a program, test or subclass replaced a loop method CPython's path calls,
        so that the replacement takes effect."""
        if not self._dotnet_transports:
            return False
        if any(module.socket is not socket for module in (base_events, selector_events, unix_events)):
            return False
        cls = type(self)
        return not any(name in self.__dict__ or getattr(cls, name) is not getattr(EventLoop, name)
                       for name in _PATCHABLE)

    def _dotnet_ssl(self, ssl, server=False):
        if ssl is None or (ssl is False and not server):
            return True
        return self._dotnet_tls and (_ssl.is_context(ssl) or (ssl is True and not server))

    def _ssl_arg(self, ssl):
        if ssl is True:
            # As CPython: ssl=True means ssl.create_default_context() (tests and programs patch it).
            ssl = _ssl.ssl.create_default_context()
        return _ssl.mirror(ssl) if _ssl.is_context(ssl) else ssl

    def _dotnet_args(self, host, port, ssl, sock, local_addr=None, server=False):
        if not self._dotnet_path() or not self._dotnet_ssl(ssl, server):
            return False
        if sock is not None:
            return host is None and port is None and _dotnet_socket(sock, socket.SOCK_STREAM, _INET_UNIX)
        if not (host is None or isinstance(host, str) or (server and _str_list(host))):
            return False
        if port is not None and (type(port) is not int):
            return False
        if local_addr is not None and not _host_port(local_addr):
            return False
        return True

    async def create_connection(self, protocol_factory, host=None, port=None, *, ssl=None, family=0, proto=0,
                                flags=0, sock=None, local_addr=None, server_hostname=None,
                                ssl_handshake_timeout=None, ssl_shutdown_timeout=None,
                                happy_eyeballs_delay=None, interleave=None):
        if (not self._dotnet_args(host, port, ssl, sock, local_addr)
                or (server_hostname is not None and not isinstance(server_hostname, str))
                or not _numbers(ssl_handshake_timeout, ssl_shutdown_timeout, happy_eyeballs_delay)
                or not _numbers(interleave, kind=int)):
            return await super().create_connection(
                protocol_factory, host, port, ssl=ssl, family=family, proto=proto, flags=flags, sock=sock,
                local_addr=local_addr, server_hostname=server_hostname,
                ssl_handshake_timeout=ssl_handshake_timeout, ssl_shutdown_timeout=ssl_shutdown_timeout,
                happy_eyeballs_delay=happy_eyeballs_delay, interleave=interleave)
        if sock is not None:
            sock.setblocking(False)
        net = self._facade.create_connection(
            protocol_factory, _transports.make_transport, host, port, self._ssl_arg(ssl), int(family), int(proto),
            int(flags), sock, local_addr, server_hostname, ssl_handshake_timeout, ssl_shutdown_timeout,
            happy_eyeballs_delay, interleave)
        return await self._connected(net)

    async def _connected(self, net):
        made = await _interop.wrap_dotnet_future(net, loop=self)
        made.hand_over()
        return made.transport, made.protocol

    async def create_server(self, protocol_factory, host=None, port=None, *, family=socket.AF_UNSPEC,
                            flags=socket.AI_PASSIVE, sock=None, backlog=100, ssl=None, reuse_address=None,
                            reuse_port=None, ssl_handshake_timeout=None, ssl_shutdown_timeout=None,
                            start_serving=True):
        if (not self._dotnet_args(host, port, ssl, sock, server=True)
                or not _numbers(ssl_handshake_timeout, ssl_shutdown_timeout) or not _numbers(backlog, kind=int)):
            return await super().create_server(
                protocol_factory, host, port, family=family, flags=flags, sock=sock, backlog=backlog, ssl=ssl,
                reuse_address=reuse_address, reuse_port=reuse_port, ssl_handshake_timeout=ssl_handshake_timeout,
                ssl_shutdown_timeout=ssl_shutdown_timeout, start_serving=start_serving)
        if sock is not None:
            sock.setblocking(False)
        net = self._facade.create_server(
            protocol_factory, _transports.make_transport, host, port, int(family), int(flags), sock, backlog,
            self._ssl_arg(ssl), reuse_address, reuse_port, ssl_handshake_timeout, ssl_shutdown_timeout,
            start_serving)
        return await self._serving(net, sock)

    async def _serving(self, net, sock):
        server = await _interop.wrap_dotnet_future(net, loop=self)
        return _transports.Server(self, server, () if sock is None else (sock,))

    async def connect_accepted_socket(self, protocol_factory, sock, *, ssl=None, ssl_handshake_timeout=None,
                                      ssl_shutdown_timeout=None):
        if not (self._dotnet_path() and self._dotnet_ssl(ssl)
                and _dotnet_socket(sock, socket.SOCK_STREAM, _INET_UNIX)
                and _numbers(ssl_handshake_timeout, ssl_shutdown_timeout)):
            return await super().connect_accepted_socket(
                protocol_factory, sock, ssl=ssl, ssl_handshake_timeout=ssl_handshake_timeout,
                ssl_shutdown_timeout=ssl_shutdown_timeout)
        sock.setblocking(False)
        net = self._facade.connect_accepted_socket(
            protocol_factory, _transports.make_transport, sock, self._ssl_arg(ssl), ssl_handshake_timeout,
            ssl_shutdown_timeout)
        return await self._connected(net)

    async def create_unix_connection(self, protocol_factory, path=None, *, ssl=None, sock=None,
                                     server_hostname=None, ssl_handshake_timeout=None, ssl_shutdown_timeout=None):
        if not (self._dotnet_path() and self._dotnet_ssl(ssl)
                and (server_hostname is None or isinstance(server_hostname, str))
                and _unix_target(path, sock) and _numbers(ssl_handshake_timeout, ssl_shutdown_timeout)):
            return await super().create_unix_connection(
                protocol_factory, path, ssl=ssl, sock=sock, server_hostname=server_hostname,
                ssl_handshake_timeout=ssl_handshake_timeout, ssl_shutdown_timeout=ssl_shutdown_timeout)
        if sock is not None:
            sock.setblocking(False)
        net = self._facade.create_unix_connection(
            protocol_factory, _transports.make_transport, None if path is None else os.fspath(path), sock,
            self._ssl_arg(ssl), server_hostname, ssl_handshake_timeout, ssl_shutdown_timeout)
        return await self._connected(net)

    async def create_unix_server(self, protocol_factory, path=None, *, sock=None, backlog=100, ssl=None,
                                 ssl_handshake_timeout=None, ssl_shutdown_timeout=None, start_serving=True):
        if not (self._dotnet_path() and self._dotnet_ssl(ssl, server=True) and _unix_target(path, sock)
                and _numbers(ssl_handshake_timeout, ssl_shutdown_timeout) and _numbers(backlog, kind=int)):
            return await super().create_unix_server(
                protocol_factory, path, sock=sock, backlog=backlog, ssl=ssl,
                ssl_handshake_timeout=ssl_handshake_timeout, ssl_shutdown_timeout=ssl_shutdown_timeout,
                start_serving=start_serving)
        if sock is not None:
            sock.setblocking(False)
        net = self._facade.create_unix_server(
            protocol_factory, _transports.make_transport, None if path is None else os.fspath(path), sock, backlog,
            self._ssl_arg(ssl), ssl_handshake_timeout, ssl_shutdown_timeout, start_serving)
        return await self._serving(net, sock)

    async def create_datagram_endpoint(self, protocol_factory, local_addr=None, remote_addr=None, *, family=0,
                                       proto=0, flags=0, reuse_port=None, allow_broadcast=None, sock=None):
        if not (self._dotnet_path()
                and _datagram_args(local_addr, remote_addr, family, proto, flags, reuse_port, allow_broadcast, sock)
                and _numbers(family, proto, flags, kind=int)):
            return await super().create_datagram_endpoint(
                protocol_factory, local_addr, remote_addr, family=family, proto=proto, flags=flags,
                reuse_port=reuse_port, allow_broadcast=allow_broadcast, sock=sock)
        if sock is not None:
            sock.setblocking(False)
        net = self._facade.create_datagram_endpoint(
            protocol_factory, _transports.make_transport, local_addr, remote_addr, int(family), int(proto),
            int(flags), reuse_port, allow_broadcast, sock)
        made = await _interop.wrap_dotnet_future(net, loop=self)
        return made.transport, made.protocol

    async def connect_read_pipe(self, protocol_factory, pipe):
        if not (self._dotnet_path() and _pipe_fd(pipe)):
            return await super().connect_read_pipe(protocol_factory, pipe)
        return await self._connected(self._facade.connect_read_pipe(protocol_factory, _transports.make_transport, pipe))

    async def connect_write_pipe(self, protocol_factory, pipe):
        if not (self._dotnet_path() and _pipe_fd(pipe)):
            return await super().connect_write_pipe(protocol_factory, pipe)
        return await self._connected(self._facade.connect_write_pipe(protocol_factory, _transports.make_transport, pipe))

    async def _sendfile_native(self, transp, file, offset, count):
        if not isinstance(transp, _transports.Transport):
            return await super()._sendfile_native(transp, file, offset, count)
        # CPython's sock_sendfile checks and _sock_sendfile_native's "not a regular file" cases, then the .NET
        # transport's zero-copy sendfile on the file's descriptor.
        self._check_sendfile_params(transp.get_extra_info('socket'), file, offset, count)
        try:
            fileno = file.fileno()
        except (AttributeError, io.UnsupportedOperation) as err:
            raise exceptions.SendfileNotAvailableError("not a regular file") from err
        try:
            os.fstat(fileno)
        except OSError:
            raise exceptions.SendfileNotAvailableError("not a regular file")
        return await _interop.wrap_dotnet_future(
            self._facade.sendfile_native(transp._net, file, fileno, offset, count), loop=self)

    def _ensure_fd_no_transport(self, fd):
        super()._ensure_fd_no_transport(fd)
        fileno = fd if isinstance(fd, int) else int(fd.fileno())
        if self._fd_in_use(fileno):
            raise RuntimeError(f'File descriptor {fd!r} is used by transport {self._facade.transport_of(fileno)!r}')

    async def start_tls(self, transport, protocol, sslcontext, *, server_side=False, server_hostname=None,
                        ssl_handshake_timeout=None, ssl_shutdown_timeout=None):
        # A .NET transport is upgraded by the .NET TLS whatever dotnet_tls says: CPython's SSLProtocol needs its own.
        if not isinstance(transport, _transports.Transport) or not _ssl.is_context(sslcontext):
            return await super().start_tls(
                transport, protocol, sslcontext, server_side=server_side, server_hostname=server_hostname,
                ssl_handshake_timeout=ssl_handshake_timeout, ssl_shutdown_timeout=ssl_shutdown_timeout)
        net = self._facade.start_tls(transport._net, transport._bridge, protocol, _ssl.mirror(sslcontext),
                                     bool(server_side), server_hostname, ssl_handshake_timeout, ssl_shutdown_timeout)
        bridge = await _interop.wrap_dotnet_future(net, loop=self)
        return bridge.transport

    # Running and stopping: the .NET loop's run_forever.

    def run_forever(self):
        self._check_closed()
        self._check_running()
        self._set_coroutine_origin_tracking(self._debug)
        old_agen_hooks = sys.get_asyncgen_hooks()
        old_wakeup_fd = self._set_wakeup_fd()
        try:
            self._thread_id = threading.get_ident()
            sys.set_asyncgen_hooks(firstiter=self._asyncgen_firstiter_hook,
                                   finalizer=self._asyncgen_finalizer_hook)
            events._set_running_loop(self)
            self._facade.run_forever()
            exc, self._pending_exc = self._pending_exc, None
            if exc is not None:
                try:
                    raise exc
                finally:
                    exc = None
        finally:
            self._stopping = False
            self._thread_id = None
            events._set_running_loop(None)
            self._set_coroutine_origin_tracking(False)
            sys.set_asyncgen_hooks(*old_agen_hooks)
            if old_wakeup_fd is not None:
                signal.set_wakeup_fd(old_wakeup_fd)

    def _set_wakeup_fd(self):
        # A signal (Ctrl-C) must wake the .NET loop's epoll wait so Python runs the signal handler: unless someone
        # set a wakeup fd already, signals write to the self-pipe, whose reader runs Python code.
        if threading.current_thread() is not threading.main_thread():
            return None
        try:
            old = signal.set_wakeup_fd(self._csock.fileno(), warn_on_full_buffer=False)
        except ValueError:
            return None
        if old != -1:
            signal.set_wakeup_fd(old)
            return None
        return -1

    def stop(self):
        self._facade.stop()

    def close(self):
        if self.is_running():
            raise RuntimeError("Cannot close a running event loop")
        if self.is_closed():
            return
        super().close()
        self._facade.close()


EventLoop.call_soon, _run_ready = LoopFacade.ready_queue_functions(EventLoop, events.Handle, _python_call_soon, _report)

_INET_UNIX = (socket.AF_INET, socket.AF_INET6, socket.AF_UNIX)


def _cpython_qualnames(names):
    """Python's own argument errors (an unexpected keyword...) name the method as CPython's loop does."""
    for name in names:
        owner = next(cls for cls in unix_events._UnixSelectorEventLoop.__mro__ if name in cls.__dict__)
        getattr(EventLoop, name).__qualname__ = f'{owner.__name__}.{name}'


# Loop methods CPython's connection code calls: replaced on the instance or by a subclass, they keep connections on
# CPython's path (see _dotnet_path).
_PATCHABLE = frozenset(('getaddrinfo', 'getnameinfo', 'sock_connect', 'sock_accept', '_ensure_resolved',
                        '_start_serving', '_stop_serving', '_make_socket_transport', '_make_datagram_transport',
                        '_make_ssl_transport', '_accept_connection', 'sock_recv', 'sock_sendall'))


def _dotnet_socket(sock, kind, families):
    """Whether sock is a real, open socket.socket (not an SSLSocket or a mock) of that type and family, which the
    .NET transports can run on."""
    return (isinstance(sock, socket.socket) and not isinstance(sock, _ssl.ssl.SSLSocket) and sock.type == kind
            and sock.family in families and sock.fileno() >= 0)


def _str_list(hosts):
    return isinstance(hosts, (list, tuple)) and bool(hosts) and all(isinstance(h, str) and h for h in hosts)


def _host_port(addr):
    return isinstance(addr, tuple) and len(addr) == 2 and isinstance(addr[0], str) and type(addr[1]) is int


def _unix_target(path, sock):
    """create_unix_connection/create_unix_server arguments the .NET path takes: a str path or a unix stream socket."""
    if sock is not None:
        return path is None and _dotnet_socket(sock, socket.SOCK_STREAM, (socket.AF_UNIX,))
    if path is None:
        return False
    try:
        path = os.fspath(path)
    except TypeError:
        return False
    return isinstance(path, str) and bool(path)


def _pipe_fd(pipe):
    """Whether pipe has the descriptor of a pipe, socket or character device (else CPython's transport raises)."""
    try:
        fileno = pipe.fileno()
        return type(fileno) is int and stat.S_IFMT(os.fstat(fileno).st_mode) in (stat.S_IFIFO, stat.S_IFSOCK,
                                                                                stat.S_IFCHR)
    except (AttributeError, OSError, ValueError, io.UnsupportedOperation):
        return False


def _datagram_args(local_addr, remote_addr, family, proto, flags, reuse_port, allow_broadcast, sock):
    """create_datagram_endpoint arguments the .NET path takes (the rest CPython checks and rejects, or runs)."""
    if sock is not None:
        return (_dotnet_socket(sock, socket.SOCK_DGRAM, _INET_UNIX)
                and not (local_addr or remote_addr or family or proto or flags or reuse_port or allow_broadcast))
    if family == socket.AF_UNIX:
        return all(a is None or (isinstance(a, str) and a) for a in (local_addr, remote_addr))
    if family not in (0, socket.AF_INET, socket.AF_INET6):
        return False
    if not (local_addr or remote_addr):
        return family != 0
    return all(a is None or _host_port(a) for a in (local_addr, remote_addr))


_cpython_qualnames(('create_connection', 'create_server', 'connect_accepted_socket', 'create_unix_connection',
                    'create_unix_server', 'create_datagram_endpoint', 'connect_read_pipe', 'connect_write_pipe'))


class EventLoopPolicy(unix_events.DefaultEventLoopPolicy):
    """The default asyncio policy, with ``asynciosharp.EventLoop`` as the loop."""

    _loop_factory = EventLoop
