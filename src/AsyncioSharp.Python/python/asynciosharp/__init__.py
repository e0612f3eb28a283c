"""Run asyncio on the AsyncioSharp .NET event loop.

``EventLoop`` is an ``asyncio`` event loop whose run loop, timers and epoll selector are the .NET loop's;
``EventLoopPolicy`` makes ``asyncio.run()``, ``asyncio.Runner`` and ``asyncio.new_event_loop()`` use it;
``install()`` sets that policy (the ``asynciosharp`` command does it before running a program).
Imported by a python3 process (``python3 -m asynciosharp``), the package starts .NET in that process first.
"""

import asyncio

from . import _clr

_clr.ensure()

from ._interop import to_dotnet_future, wrap_dotnet_future  # noqa: E402
from ._loop import EventLoop, EventLoopPolicy  # noqa: E402
from . import _ssl  # noqa: E402

_ssl.install()

__all__ = ('EventLoop', 'EventLoopPolicy', 'install', 'to_dotnet_future', 'wrap_dotnet_future')


def install():
    """Make asyncio's default event loop an ``asynciosharp.EventLoop``.

    Also the policy asyncio falls back to after ``set_event_loop_policy(None)``.
    """
    asyncio.DefaultEventLoopPolicy = EventLoopPolicy
    asyncio.set_event_loop_policy(EventLoopPolicy())
