using System.Collections.Generic;

namespace AsyncioSharp;

/// <summary>
/// Python's <c>tasks._GatheringFuture</c>: the future <c>gather()</c> returns. Cancelling it cancels the children;
/// it is cancelled itself only once they finish.
/// </summary>
internal sealed class GatheringFuture<T> : Future<T[]>
{
    private readonly List<Future> _children;

    public GatheringFuture(List<Future> children, AbstractEventLoop loop) : base(loop)
    {
        _children = children;
    }

    internal bool CancelRequested { get; private set; }

    public override bool Cancel(string? msg = null)
    {
        if (Done())
        {
            return false;
        }
        var ret = false;
        foreach (var child in _children)
        {
            if (child.Cancel(msg))
            {
                ret = true;
            }
        }
        if (ret)
        {
            // A child was cancelled: the cancellation propagates whatever return_exceptions says (issue 32684).
            CancelRequested = true;
        }
        return ret;
    }
}
