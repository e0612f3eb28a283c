"""One loop, two languages: Python awaits .NET futures and .NET awaits Python awaitables."""

from asyncio import events
from asyncio import tasks

import clr

clr.AddReference('AsyncioSharp')

from System import Action  # noqa: E402
from AsyncioSharp import Future  # noqa: E402
from AsyncioSharp.Python import LoopFacade  # noqa: E402

__all__ = ('wrap_dotnet_future', 'to_dotnet_future')


def wrap_dotnet_future(net_future, *, loop=None):
    """A Python future that follows the .NET ``AsyncioSharp.Future`` (a C# task or future): result, exception
    (as the Python exception of the same kind, see PythonProtocol.ToPython) and cancellation cross; cancelling the Python future cancels
    the .NET one."""
    if loop is None:
        loop = events.get_event_loop()
    fut = loop.create_future()

    def net_done(net):
        if fut.done():
            return
        if net.Cancelled():
            fut.cancel()
            return
        exc = net.Exception()
        if exc is not None:
            fut.set_exception(LoopFacade.python_exception(exc))
        else:
            fut.set_result(net.Result())

    def py_done(f):
        if f.cancelled() and not net_future.Done():
            net_future.Cancel()

    fut.add_done_callback(py_done)
    net_future.AddDoneCallback(Action[Future](net_done))
    return fut


def to_dotnet_future(awaitable, *, loop=None):
    """A .NET ``AsyncioSharp.Future`` that follows a Python awaitable (run as a task on an asynciosharp loop), for
    a C# coroutine to await: the result is the Python object, an exception arrives as an ``AsyncioSharp.Python.PythonError``,
    cancellation crosses both ways."""
    fut = tasks.ensure_future(awaitable, loop=loop)
    net = fut.get_loop().dotnet_loop.CreateFuture()

    def py_done(f):
        if net.Done():
            return
        if f.cancelled():
            net.Cancel()
        elif f.exception() is not None:
            LoopFacade.set_python_exception(net, f.exception())
        else:
            net.SetResult(f.result())

    def net_done(n):
        if n.Cancelled() and not fut.done():
            fut.cancel()

    fut.add_done_callback(py_done)
    net.AddDoneCallback(Action[Future](net_done))
    return net
