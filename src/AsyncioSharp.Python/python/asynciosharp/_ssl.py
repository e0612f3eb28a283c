"""A Python ssl.SSLContext carried over to the .NET TLS (AsyncioSharp.Ssl.SSLContext).

Python's SSLContext cannot report the files it loaded, so install() wraps the methods that load them and records
their arguments on the context; mirror() replays them on a .NET context with check_hostname, verify_mode and the
version bounds, and caches it until a setting changes.
"""

import ssl
import weakref

import clr  # noqa: F401

clr.AddReference('AsyncioSharp')

from AsyncioSharp.Ssl import SSLContext as NetContext  # noqa: E402
from AsyncioSharp.Ssl import TLSVersion, VerifyMode, _SSLMethod  # noqa: E402

__all__ = ('install', 'is_context', 'mirror', 'python_context')

# .NET mirror -> the Python context it was made from, for get_extra_info('sslcontext').
_ORIGINS = weakref.WeakValueDictionary()

_RECORDED = ('load_cert_chain', 'load_verify_locations', 'load_default_certs', 'set_default_verify_paths',
             'set_alpn_protocols')


def install():
    """Makes ssl.SSLContext record the calls mirror() replays (idempotent)."""
    for name in _RECORDED:
        original = getattr(ssl.SSLContext, name)
        if getattr(original, '_asynciosharp', False):
            continue
        setattr(ssl.SSLContext, name, _recording(name, original))


def _recording(name, original):
    def method(self, *args, **kwargs):
        result = original(self, *args, **kwargs)
        calls = self.__dict__.setdefault('_asynciosharp_calls', [])
        if name == 'set_alpn_protocols':
            args, kwargs = (list(args[0] if args else kwargs['alpn_protocols']),), {}
        calls.append((name, args, kwargs))
        return result
    method._asynciosharp = True
    method.__name__ = name
    method.__qualname__ = f'SSLContext.{name}'
    method.__doc__ = original.__doc__
    return method


def is_context(value):
    """Whether value is a Python ssl.SSLContext or a .NET one. (isinstance against a .NET class would make Python.NET
    hold a reference to a Python value until a .NET collection.)"""
    return isinstance(value, ssl.SSLContext) or type(value) is NetContext


def mirror(context):
    """The .NET context for a Python ssl.SSLContext (a .NET one is returned as is)."""
    if type(context) is NetContext:
        return context
    calls = context.__dict__.get('_asynciosharp_calls', ())
    key = (context.check_hostname, int(context.verify_mode), int(context.minimum_version),
           int(context.maximum_version), len(calls))
    cached = context.__dict__.get('_asynciosharp_mirror')
    if cached is not None and cached[0] == key:
        return cached[1]
    if context.protocol == ssl.PROTOCOL_TLS_SERVER:
        method = _SSLMethod.PROTOCOL_TLS_SERVER
    elif context.protocol == ssl.PROTOCOL_TLS_CLIENT:
        method = _SSLMethod.PROTOCOL_TLS_CLIENT
    else:
        method = _SSLMethod.PROTOCOL_TLS
    net = NetContext(method)
    for name, args, kwargs in calls:
        _replay(net, name, args, kwargs)
    net.CheckHostname = False
    net.VerifyMode = getattr(VerifyMode, context.verify_mode.name)
    net.CheckHostname = context.check_hostname
    net.MinimumVersion = getattr(TLSVersion, context.minimum_version.name)
    net.MaximumVersion = getattr(TLSVersion, context.maximum_version.name)
    context.__dict__['_asynciosharp_mirror'] = (key, net)
    _ORIGINS[net.GetHashCode()] = context
    return net


def python_context(net):
    """The Python ssl.SSLContext a .NET context mirrors (the .NET one when it mirrors none)."""
    if net is None:
        return None
    return _ORIGINS.get(net.GetHashCode(), net)


def _replay(net, name, args, kwargs):
    if name == 'load_cert_chain':
        bound = _bind(('certfile', 'keyfile', 'password'), args, kwargs)
        net.LoadCertChain(_path(bound[0]), _path(bound[1]), _password(bound[2]))
    elif name == 'load_verify_locations':
        cafile, capath, cadata = _bind(('cafile', 'capath', 'cadata'), args, kwargs)
        if isinstance(cadata, (bytes, bytearray)):
            from System import Array, Byte
            cadata = Array[Byte](bytes(cadata))
        net.LoadVerifyLocations(_path(cafile), _path(capath), cadata)
    elif name in ('load_default_certs', 'set_default_verify_paths'):
        net.SetDefaultVerifyPaths()
    elif name == 'set_alpn_protocols':
        from System import String
        from System.Collections.Generic import List
        protocols = List[String]()
        for protocol in args[0]:
            protocols.Add(protocol)
        net.SetAlpnProtocols(protocols)


def _bind(names, args, kwargs):
    values = list(args) + [None] * (len(names) - len(args))
    return [kwargs.get(n, v) for n, v in zip(names, values)]


def _path(value):
    if value is None:
        return None
    import os
    return os.fsdecode(value)


def _password(value):
    if callable(value):
        value = value()
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode()
    return value
