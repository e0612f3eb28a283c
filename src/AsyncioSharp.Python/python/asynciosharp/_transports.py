"""Python faces of the .NET socket transports and servers (AsyncioSharp.SelectorSocketTransport, Server)."""

import socket

from asyncio import events
from asyncio import transports
from asyncio import trsock

from AsyncioSharp.Python import LoopFacade

from System import Array, Byte
from System.Collections import IDictionary, IEnumerable
from System.Runtime.CompilerServices import ITuple

from . import _ssl
from ._interop import wrap_dotnet_future

__all__ = ('Transport', 'Server')


# The hot methods, as builtin functions calling straight into the .NET transport (AsyncioSharp.Python.NativeTransport).
_NATIVE = ('write', 'is_closing', 'get_write_buffer_size', 'pause_reading', 'resume_reading', 'is_reading')


class Transport(transports.Transport):
    """The snake_case transport handed to a Python protocol whose connection the .NET loop drives.

    The methods named in _NATIVE are slots holding builtin functions bound to the .NET transport: a call costs what a
    C method call costs, without Python.NET's binder.
    """

    __slots__ = ('_net', '_protocol', '_bridge', '_extra_cache') + _NATIVE

    def __init__(self, net, protocol, natives, bridge):
        super().__init__()
        self._net = net
        self._protocol = protocol
        self._bridge = bridge
        self._extra_cache = {}
        for name, function in zip(_NATIVE, natives):
            setattr(self, name, function)

    def get_extra_info(self, name, default=None):
        if name in self._extra_cache:
            return self._extra_cache[name]
        if name in ('peername', 'sockname'):
            value = LoopFacade.address(self._net, name)
        elif name == 'socket':
            sock = self._net.GetExtraInfo('socket')
            value = None if sock is None else trsock.TransportSocket(_SocketView(sock))
        elif name == 'ssl_object':
            net = self._net.GetExtraInfo(name)
            value = None if net is None else SSLObjectView(net)
        elif name == 'sslcontext':
            # Not cached: the .NET side may hold this transport until a .NET collection, the context must not wait.
            return _ssl.python_context(self._net.GetExtraInfo(name)) or default
        else:
            value = _from_net(self._net.GetExtraInfo(name, default))
            return value
        self._extra_cache[name] = value
        return default if value is None else value

    def close(self):
        self._net.Close()

    def abort(self):
        self._net.Abort()

    def writelines(self, list_of_data):
        self.write(b''.join(list_of_data))

    def write_eof(self):
        self._net.WriteEof()

    def can_write_eof(self):
        return self._net.CanWriteEof()

    def set_write_buffer_limits(self, high=None, low=None):
        self._net.SetWriteBufferLimits(high, low)

    def get_write_buffer_limits(self):
        limits = self._net.GetWriteBufferLimits()
        return (limits.Item1, limits.Item2)

    def get_protocol(self):
        return self._protocol

    def set_protocol(self, protocol):
        self._bridge.replace_protocol(protocol)
        self._protocol = protocol

    def __repr__(self):
        return f'<asynciosharp.Transport {self._net}>'


class SSLTransport(Transport):
    """A Transport over the .NET SSLProtocol's application transport (named as CPython's sslproto one is)."""

    __slots__ = ()


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


def make_transport(net, protocol, natives, bridge):
    """The Python face of a .NET transport (PythonProtocol calls this with the transport it was handed)."""
    cls = SSLTransport if net.GetType().Name == '_SSLProtocolTransport' else Transport
    return cls(net, protocol, natives, bridge)


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
    """asyncio's Server over a .NET AsyncioSharp.Server."""

    def __init__(self, loop, net):
        self._loop = loop
        self._net = net

    def __repr__(self):
        return f'<{self.__class__.__name__} sockets={self.sockets!r}>'

    def get_loop(self):
        return self._loop

    def is_serving(self):
        return self._net.IsServing()

    @property
    def _sockets(self):
        # CPython's Server._sockets: None once closed (tests and libraries look at it).
        sockets = list(self._net.Sockets)
        return sockets if sockets else None

    @property
    def _waiters(self):
        # CPython's Server._waiters: None once closed with no connection left (tests and libraries look at it).
        return None if self._net.WaitersWoken else []

    @property
    def sockets(self):
        return tuple(trsock.TransportSocket(_SocketView(s)) for s in self._net.Sockets)

    def close(self):
        self._net.Close()

    async def start_serving(self):
        await wrap_dotnet_future(self._loop.dotnet_loop.CreateTask(self._net.StartServing()), loop=self._loop)

    async def serve_forever(self):
        await wrap_dotnet_future(self._loop.dotnet_loop.CreateTask(self._net.ServeForever()), loop=self._loop)

    async def wait_closed(self):
        await wrap_dotnet_future(self._loop.dotnet_loop.CreateTask(self._net.WaitClosed()), loop=self._loop)


class _SocketView:
    """A .NET Socket seen as a Python socket, for TransportSocket: each call runs on a socket.socket over the same
    descriptor, detached afterwards, so the .NET socket stays the only owner (a duplicate would keep a closed
    listener alive)."""

    def __init__(self, net):
        self._net = net

    def fileno(self):
        return self._net.Handle.ToInt32()

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
