"""Run asyncio on the AsyncioSharp .NET event loop.

``EventLoop`` is an ``asyncio`` event loop whose run loop, timers and epoll selector are the .NET loop's;
``EventLoopPolicy`` makes ``asyncio.run()``, ``asyncio.Runner`` and ``asyncio.new_event_loop()`` use it;
``install()`` sets that policy (the ``asynciosharp`` command does it before running a program).
"""

import asyncio

from ._interop import to_dotnet_future, wrap_dotnet_future
from ._loop import EventLoop, EventLoopPolicy
from . import _ssl

_ssl.install()

__all__ = ('EventLoop', 'EventLoopPolicy', 'install', 'to_dotnet_future', 'wrap_dotnet_future')


def install():
    """Make asyncio's default event loop an ``asynciosharp.EventLoop``.

    Also the policy asyncio falls back to after ``set_event_loop_policy(None)``.
    """
    asyncio.DefaultEventLoopPolicy = EventLoopPolicy
    asyncio.set_event_loop_policy(EventLoopPolicy())
