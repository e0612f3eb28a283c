"""Python faces of the .NET socket transports and servers (AsyncioSharp.SelectorSocketTransport, Server)."""

import datetime
import socket

from asyncio import constants
from asyncio import events
from asyncio import transports
from asyncio import trsock

from AsyncioSharp.Python import LoopFacade

from System import Array, Byte
from System.Collections import IDictionary, IEnumerable
from System.Runtime.CompilerServices import ITuple

from . import _ssl
from ._interop import wrap_dotnet_future

__all__ = ('Transport', 'DatagramTransport', 'ReadPipeTransport', 'WritePipeTransport', 'Server')


# The hot methods, as builtin functions calling straight into the .NET transport (AsyncioSharp.Python.NativeTransport).
_NATIVE = ('write', 'is_closing', 'get_write_buffer_size', 'pause_reading', 'resume_reading', 'is_reading')

# A face is made with its .NET transport and bridge as capsules, converted to Python.NET objects on first use.
_CAPSULE = type(datetime.datetime_CAPI)
_dotnet_object = LoopFacade.dotnet_object_function()


def _converted(slot):
    """A face's .NET object, held in ``slot`` as a capsule until first read, then as its Python.NET object."""
    def get(face):
        value = getattr(face, slot)
        if type(value) is _CAPSULE:
            value = _dotnet_object(value)
            setattr(face, slot, value)
        return value
    return property(get)


class _Face:
    """What every Python face of a .NET transport shares: the .NET transport (_net) and the bridge that drives the
    Python protocol (_bridge)."""

    __slots__ = ()

    _net = _converted('_net_ref')
    _bridge = _converted('_bridge_ref')

    def close(self):
        self._net.Close()

    def get_protocol(self):
        return self._protocol

    def set_protocol(self, protocol):
        self._bridge.replace_protocol(protocol)
        self._protocol = protocol

    def __repr__(self):
        return f'<asynciosharp.{type(self).__name__} {self._net}>'


class _WriteFace(_Face):
    """The write side's share: abort and the write buffer limits, all the .NET transport's."""

    __slots__ = ()

    def abort(self):
        self._net.Abort()

    def set_write_buffer_limits(self, high=None, low=None):
        self._net.SetWriteBufferLimits(high, low)

    def get_write_buffer_limits(self):
        limits = self._net.GetWriteBufferLimits()
        return (limits.Item1, limits.Item2)


class Transport(_WriteFace, transports._FlowControlMixin):
    """The snake_case transport handed to a Python protocol whose connection the .NET loop drives.

    The methods named in _NATIVE are slots holding builtin functions bound to the .NET transport: a call costs what a
    C method call costs, without Python.NET's binder. The flow control is the .NET transport's; deriving from
    _FlowControlMixin (with its _loop and _protocol_paused) lets CPython's sendfile fallback run on it, as on
    CPython's socket transports.
    """

    # A __dict__ as well: programs and tests set attributes on transports (CPython's have no __slots__).
    __slots__ = ('_net_ref', '_protocol', '_bridge_ref', '_caller_sock', '_extra_cache', '__dict__') + _NATIVE

    _sendfile_compatible = constants._SendfileMode.TRY_NATIVE

    def __init__(self, net, protocol, natives, bridge, sock=None):
        transports.Transport.__init__(self)
        self._loop = events._get_running_loop()
        self._net_ref = net
        self._protocol = protocol
        self._bridge_ref = bridge
        # The caller's Python socket (sock=): the .NET transport runs on its descriptor, the bridge closes it.
        self._caller_sock = sock
        self._extra_cache = {}
        for name, function in zip(_NATIVE, natives):
            setattr(self, name, function)

    def get_extra_info(self, name, default=None):
        if name in self._extra_cache:
            return self._extra_cache[name]
        value = _socket_extra(self, name)
        if value is _NOT_SOCKET_EXTRA:
            if name == 'sslcontext':
                # Not cached: the .NET side may hold this transport until a .NET collection, the context must not wait.
                return _ssl.python_context(self._net.GetExtraInfo(name)) or default
            if name != 'ssl_object':
                return _from_net(self._net.GetExtraInfo(name, default))
            net = self._net.GetExtraInfo(name)
            value = None if net is None else SSLObjectView(net)
        self._extra_cache[name] = value
        return default if value is None else value

    def writelines(self, list_of_data):
        self.write(b''.join(list_of_data))

    def write_eof(self):
        self._net.WriteEof()

    def can_write_eof(self):
        return self._net.CanWriteEof()

    _sock = property(lambda self: _python_socket(self))

    @property
    def _protocol_paused(self):
        return LoopFacade.protocol_paused(self._net)



class SSLTransport(Transport):
    """A Transport over the .NET SSLProtocol's application transport (named as CPython's sslproto one is)."""

    __slots__ = ()

    _sendfile_compatible = constants._SendfileMode.FALLBACK


class SSLObjectView:
    """The .NET SSLObject (AsyncioSharp.Ssl.SSLObject) with ssl.SSLObject's snake_case methods."""

    def __init__(self, net):
        self._net = net

    @property
    def context(self):
        return _ssl.python_context(self._net.Context)

    @property
    def server_side(self):
        return self._net.ServerSide

    @property
    def server_hostname(self):
        return self._net.ServerHostname

    def getpeercert(self, binary_form=False):
        return _from_net(self._net.Getpeercert(binary_form))

    def cipher(self):
        return _from_net(self._net.Cipher())

    def version(self):
        return self._net.Version()

    def compression(self):
        return self._net.Compression()

    def selected_alpn_protocol(self):
        return self._net.SelectedAlpnProtocol()

    def pending(self):
        return self._net.Pending()


_NOT_SOCKET_EXTRA = object()


def _socket_extra(transport, name):
    """'peername', 'sockname' and 'socket' as CPython's socket transports give them (address tuples or paths, a
    TransportSocket over the caller's socket for sock=, else over a view of the .NET socket)."""
    if name in ('peername', 'sockname'):
        return LoopFacade.address(transport._net, name)
    if name == 'socket':
        sock = _python_socket(transport)
        return None if sock is None else trsock.TransportSocket(sock)
    return _NOT_SOCKET_EXTRA


def _python_socket(transport):
    """CPython's transport._sock: the caller's socket, else a socket view of the .NET one."""
    if transport._caller_sock is not None:
        return transport._caller_sock
    sock = transport._net.GetExtraInfo('socket')
    return None if sock is None else _SocketView(sock)


def make_transport(kind, net, protocol, natives, bridge, sock=None):
    """The Python face of a .NET transport (PythonProtocol and PythonDatagramProtocol call this with the .NET class
    name of the transport they were handed, that transport and themselves as capsules, and the caller's socket, if
    any)."""
    if kind == 'SelectorDatagramTransport':
        return DatagramTransport(net, protocol, natives, bridge, sock)
    if kind == 'UnixReadPipeTransport':
        return ReadPipeTransport(net, protocol, bridge, sock)
    if kind == 'UnixWritePipeTransport':
        return WritePipeTransport(net, protocol, natives, bridge, sock)
    cls = SSLTransport if kind == '_SSLProtocolTransport' else Transport
    return cls(net, protocol, natives, bridge, sock)


class DatagramTransport(_WriteFace, transports.Transport):
    """The snake_case datagram transport handed to a Python DatagramProtocol whose endpoint the .NET loop drives."""

    __slots__ = ('_net_ref', '_protocol', '_bridge_ref', '_caller_sock', '_extra_cache', '_address', '_sendto', '__dict__')

    def __init__(self, net, protocol, sendto, bridge, sock=None):
        super().__init__()
        # The bridge's sendto as a builtin function (AsyncioSharp.Python.NativeTransport.Sendto).
        self._sendto = sendto
        self._net_ref = net
        self._protocol = protocol
        self._bridge_ref = bridge
        self._caller_sock = sock
        self._extra_cache = {}
        # CPython's _address: the connected peer, which sendto's addr must match.
        self._address = self.get_extra_info('peername')

    def get_extra_info(self, name, default=None):
        if name in self._extra_cache:
            return self._extra_cache[name]
        value = _socket_extra(self, name)
        if value is _NOT_SOCKET_EXTRA:
            return _from_net(self._net.GetExtraInfo(name, default))
        self._extra_cache[name] = value
        return default if value is None else value

    def sendto(self, data, addr=None):
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise TypeError(f'data argument must be a bytes-like object, not {type(data).__name__!r}')
        if not data:
            return
        if self._address:
            if addr not in (None, self._address):
                raise ValueError(f'Invalid address: must be None or {self._address}')
            addr = None
        elif isinstance(addr, tuple) and addr and isinstance(addr[0], str):
            addr = _numeric_address(self, addr)
        self._sendto(data, addr)

    def is_closing(self):
        return self._net.IsClosing()

    def get_write_buffer_size(self):
        return self._net.GetWriteBufferSize()

    _sock = property(lambda self: _python_socket(self))


class _PipeTransport(_Face):
    """What the two pipe faces share: the .NET pipe transport, and the caller's pipe object (extra 'pipe'), which
    the bridge closes after connection_lost."""

    __slots__ = ()

    def _init(self, net, protocol, bridge, pipe):
        self._net_ref = net
        self._protocol = protocol
        self._bridge_ref = bridge
        self._pipe = pipe

    def get_extra_info(self, name, default=None):
        if name == 'pipe':
            return self._pipe
        return _from_net(self._net.GetExtraInfo(name, default))

    def is_closing(self):
        return self._net.IsClosing()


class ReadPipeTransport(_PipeTransport, transports.ReadTransport):
    """The read end of a pipe (CPython's _UnixReadPipeTransport) on the .NET UnixReadPipeTransport."""

    __slots__ = ('_net_ref', '_protocol', '_bridge_ref', '_pipe', '__dict__')

    def __init__(self, net, protocol, bridge, pipe):
        transports.ReadTransport.__init__(self, {'pipe': pipe})
        self._init(net, protocol, bridge, pipe)

    def is_reading(self):
        return self._net.IsReading()

    def pause_reading(self):
        self._net.PauseReading()

    def resume_reading(self):
        self._net.ResumeReading()


class WritePipeTransport(_PipeTransport, _WriteFace, transports.WriteTransport):
    """The write end of a pipe (CPython's _UnixWritePipeTransport) on the .NET UnixWritePipeTransport."""

    __slots__ = ('_net_ref', '_protocol', '_bridge_ref', '_pipe', '_write', '__dict__')

    def __init__(self, net, protocol, natives, bridge, pipe):
        transports.WriteTransport.__init__(self, {'pipe': pipe})
        self._init(net, protocol, bridge, pipe)
        # The .NET transport's write as a builtin function (AsyncioSharp.Python.NativeTransport.WriteFunction).
        self._write, = natives

    def write(self, data):
        # As CPython's pipe transport: an assertion, not a TypeError.
        assert isinstance(data, (bytes, bytearray, memoryview)), repr(data)
        if data:
            self._write(data)

    def writelines(self, list_of_data):
        self.write(b''.join(list_of_data))

    def write_eof(self):
        self._net.WriteEof()

    def can_write_eof(self):
        return True

    def get_write_buffer_size(self):
        return self._net.GetWriteBufferSize()


def _numeric_address(transport, addr):
    """A sendto address with a host name resolved, as the socket module's sendto does."""
    try:
        socket.inet_pton(socket.AF_INET6 if ':' in addr[0] else socket.AF_INET, addr[0])
        return addr
    except OSError:
        family = transport.get_extra_info('socket').family
        return socket.getaddrinfo(addr[0], addr[1], family, socket.SOCK_DGRAM)[0][4]


def _from_net(value):
    """A .NET extra-info value as CPython gives it: dictionaries, lists and tuples become dict and tuples."""
    if value is None or isinstance(value, (str, int, float, bytes)):
        return value
    if isinstance(value, Array[Byte]):
        return bytes(value)
    if isinstance(value, IDictionary):
        return {_from_net(k): _from_net(value[k]) for k in value.Keys}
    if isinstance(value, ITuple):
        value = ITuple(value)
        return tuple(_from_net(value[i]) for i in range(value.Length))
    if isinstance(value, IEnumerable):
        return tuple(_from_net(v) for v in value)
    return value


class Server(events.AbstractServer):
    """asyncio's Server over a .NET AsyncioSharp.Server; ``socks`` are the caller's listening sockets (sock=), which
    the .NET server runs on and close() closes, as CPython's does."""

    def __init__(self, loop, net, socks=()):
        self._loop = loop
        self._net = net
        self._socks = list(socks)

    def __repr__(self):
        return f'<{self.__class__.__name__} sockets={self.sockets!r}>'

    def get_loop(self):
        return self._loop

    def is_serving(self):
        return self._net.IsServing()

    @property
    def _waiters(self):
        # CPython's Server._waiters: None once closed with no connection left (tests look at it).
        return None if LoopFacade.server_waiters_done(self._net) else []

    @property
    def _sockets(self):
        # CPython's Server._sockets: None once closed (tests and libraries look at it).
        sockets = list(self._net.Sockets)
        return sockets if sockets else None

    @property
    def sockets(self):
        if self._socks:
            return tuple(trsock.TransportSocket(s) for s in self._socks) if self._net.Sockets.Count else ()
        return tuple(trsock.TransportSocket(_SocketView(s)) for s in self._net.Sockets)

    def close(self):
        self._net.Close()
        # The caller's listening sockets (sock=) are closed with the server, as CPython's _stop_serving does.
        socks, self._socks = self._socks, []
        for sock in socks:
            sock.close()

    async def start_serving(self):
        await wrap_dotnet_future(self._loop.dotnet_loop.CreateTask(self._net.StartServing()), loop=self._loop)

    async def serve_forever(self):
        try:
            await wrap_dotnet_future(self._loop.dotnet_loop.CreateTask(self._net.ServeForever()), loop=self._loop)
        finally:
            # As CPython's: serve_forever() ends (cancelled) with the server closed; the .NET side closes it when its
            # task sees the cancellation, which may come after this.
            self.close()

    async def wait_closed(self):
        await wrap_dotnet_future(self._loop.dotnet_loop.CreateTask(self._net.WaitClosed()), loop=self._loop)


class _SocketView:
    """A .NET TransportSocket seen as a Python socket, for trsock.TransportSocket: each call runs on a socket.socket
    over the same descriptor, detached afterwards, so the .NET socket stays the only owner (a duplicate would keep a
    closed listener alive)."""

    def __init__(self, net):
        self._net = net

    def fileno(self):
        return self._net.Fileno()

    def _borrow(self):
        return socket.socket(fileno=self.fileno())

    @property
    def family(self):
        return self._attr('family')

    @property
    def type(self):
        return self._attr('type')

    @property
    def proto(self):
        return self._attr('proto')

    def _attr(self, name):
        sock = self._borrow()
        try:
            return getattr(sock, name)
        finally:
            sock.detach()

    def __getattr__(self, name):
        def call(*args):
            sock = self._borrow()
            try:
                return getattr(sock, name)(*args)
            finally:
                sock.detach()
        return call
