"""The Python event loop class over the .NET loop (AsyncioSharp.Python.LoopFacade)."""

import heapq
import selectors
import os
import signal
import socket
import sys
import threading

from asyncio import base_events
from asyncio import events
from asyncio import unix_events

import clr  # noqa: F401  (Python.NET: makes .NET namespaces importable)
from AsyncioSharp.Python import LoopFacade

from . import _interop
from . import _ssl
from . import _transports

__all__ = ('EventLoop', 'EventLoopPolicy')

# ASYNCIOSHARP_TRANSPORTS=cpython makes CPython's socket transports (on the .NET selector) the default for TCP;
# ASYNCIOSHARP_TLS=dotnet makes the .NET TLS (SSLProtocol over SslStream) the default for ssl=.
_DOTNET_TRANSPORTS = os.environ.get('ASYNCIOSHARP_TRANSPORTS') != 'cpython'
_DOTNET_TLS = os.environ.get('ASYNCIOSHARP_TLS') == 'dotnet'


# The methods CPython's connection code calls that a subclass or a program may replace (see _hooks_intact).
_HOOKS = ('getaddrinfo', 'sock_connect', '_add_reader', '_add_writer', '_start_serving', '_make_socket_transport',
          '_make_ssl_transport', '_accept_connection')


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


class EventLoop(unix_events.SelectorEventLoop):
    """An asyncio event loop run by the AsyncioSharp .NET loop.

    TCP create_connection and create_server go through the .NET socket transports; ``dotnet_transports=False``
    (or ASYNCIOSHARP_TRANSPORTS=cpython) keeps CPython's transports instead. ``dotnet_tls=True`` (or
    ASYNCIOSHARP_TLS=dotnet) also routes ssl= through the .NET TLS, a Python ssl.SSLContext being mirrored (see
    _ssl.py); by default ssl= uses CPython's transports and sslproto. start_tls on a .NET transport uses the .NET TLS.

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
        self._pending_exc = None
        facade.bind(self._drain, self._run_handle, self._run_timers)
        super().__init__(_NetSelector(facade))

    @property
    def dotnet_loop(self):
        """The .NET AsyncioSharp.SelectorEventLoop running this loop."""
        return self._facade.loop

    # Ready queue: a Python deque drained from .NET once per iteration.

    def call_soon(self, callback, *args, context=None):
        # BaseEventLoop.call_soon and _call_soon in one frame: the hottest call Python makes.
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
            self._drain_scheduled = True
            self._facade.schedule_drain()
        return handle

    def _call_soon(self, callback, args, context):
        handle = events.Handle(callback, args, self, context)
        if handle._source_traceback:
            del handle._source_traceback[-1]
        self._ready.append(handle)
        if not self._drain_scheduled:
            self._drain_scheduled = True
            self._facade.schedule_drain()
        return handle

    def _add_callback(self, handle):
        # Used for signal handlers (_handle_signal), on the loop thread.
        if not handle._cancelled:
            self._ready.append(handle)
            if not self._drain_scheduled:
                self._drain_scheduled = True
                self._facade.schedule_drain()

    def call_soon_threadsafe(self, callback, *args, context=None):
        self._check_closed()
        if self._debug:
            self._check_callback(callback, 'call_soon_threadsafe')
        handle = events.Handle(callback, args, self, context)
        if handle._source_traceback:
            del handle._source_traceback[-1]
        self._ready.append(handle)
        self._facade.schedule_drain_threadsafe()
        return handle

    def _drain(self):
        # Runs the callbacks that were ready when this iteration began; later ones wait for the next iteration.
        # Returns True when some remain: .NET then schedules the next drain.
        if self._thread_id is None:
            return self._run_hosted(self._drain)
        ready = self._ready
        try:
            for _ in range(len(ready)):
                handle = ready.popleft()
                if not handle._cancelled:
                    if self._debug:
                        self._run_debug(handle)
                    else:
                        handle._run()
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

    # Connections: TCP goes through the .NET socket transports (and with dotnet_tls, TLS through the .NET
    # SSLProtocol), which drive the Python protocol; arguments of a kind the .NET path does not take (a host list,
    # sock=, ...) use CPython's transports on this loop's .NET selector.

    def _dotnet_args(self, host, port, ssl, sock, local_addr=None):
        if not self._dotnet_transports or not self._hooks_intact():
            return False
        if host is not None and not isinstance(host, str):
            return False
        if port is not None and (type(port) is not int):
            return False
        if ssl is not None and ssl is not False and not (self._dotnet_tls and (ssl is True or _ssl.is_context(ssl))):
            return False
        if sock is not None:
            # CPython's transport keeps using the caller's socket object (whose fileno() and getsockname() the
            # caller may still call): the .NET transport would have to take its descriptor over.
            return False
        if local_addr is not None and not (isinstance(local_addr, tuple) and len(local_addr) == 2
                                           and isinstance(local_addr[0], str) and type(local_addr[1]) is int):
            return False
        return True

    def _hooks_intact(self):
        # CPython's create_connection/create_server go through these methods and asyncio's own `socket` module: a
        # subclass or program (or test) replacing one expects it to be used, which only CPython's path does.
        if base_events.socket is not socket:
            return False
        cls = type(self)
        return not any(name in self.__dict__ or getattr(cls, name) is not getattr(EventLoop, name) for name in _HOOKS)

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
        if ssl is True:
            # As CPython: ssl=True means ssl.create_default_context() (tests and programs patch it).
            ssl = _ssl.ssl.create_default_context()
        if _ssl.is_context(ssl):
            ssl = _ssl.mirror(ssl)
        net = self._facade.create_connection(
            protocol_factory, _transports.make_transport, host, port, ssl, int(family), int(proto), int(flags),
            local_addr, server_hostname, ssl_handshake_timeout, ssl_shutdown_timeout, happy_eyeballs_delay,
            interleave)
        made = await _interop.wrap_dotnet_future(net, loop=self)
        made.hand_over()
        return made.transport, made.protocol

    async def create_server(self, protocol_factory, host=None, port=None, *, family=socket.AF_UNSPEC,
                            flags=socket.AI_PASSIVE, sock=None, backlog=100, ssl=None, reuse_address=None,
                            reuse_port=None, ssl_handshake_timeout=None, ssl_shutdown_timeout=None,
                            start_serving=True):
        if (not self._dotnet_args(host, port, ssl, sock) or type(ssl) is bool
                or not _numbers(ssl_handshake_timeout, ssl_shutdown_timeout) or not _numbers(backlog, kind=int)):
            return await super().create_server(
                protocol_factory, host, port, family=family, flags=flags, sock=sock, backlog=backlog, ssl=ssl,
                reuse_address=reuse_address, reuse_port=reuse_port, ssl_handshake_timeout=ssl_handshake_timeout,
                ssl_shutdown_timeout=ssl_shutdown_timeout, start_serving=start_serving)
        if ssl is not None:
            ssl = _ssl.mirror(ssl)
        net = self._facade.create_server(
            protocol_factory, _transports.make_transport, host, port, int(family), int(flags), backlog, ssl,
            reuse_address, reuse_port, ssl_handshake_timeout, ssl_shutdown_timeout, start_serving)
        server = await _interop.wrap_dotnet_future(net, loop=self)
        return _transports.Server(self, server)

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


class EventLoopPolicy(unix_events.DefaultEventLoopPolicy):
    """The default asyncio policy, with ``asynciosharp.EventLoop`` as the loop."""

    _loop_factory = EventLoop
