using AsyncioSharp;

namespace AsyncioSharp.Tests;

/// <summary>Runs test code against a fresh loop that is closed afterwards, whatever happens.</summary>
internal static class TestLoops
{
    public static T With<T>(Func<SelectorEventLoop, T> body)
    {
        var loop = new SelectorEventLoop();
        try
        {
            return body(loop);
        }
        finally
        {
            loop.Close();
        }
    }

    public static void With(Action<SelectorEventLoop> body) => With(loop =>
    {
        body(loop);
        return 0;
    });
}
