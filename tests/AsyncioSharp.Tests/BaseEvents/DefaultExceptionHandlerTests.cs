using AsyncioSharp;
using Xunit;

namespace AsyncioSharp.Tests.BaseEvents;

/// <summary>The default exception handler's output, as Python's <c>default_exception_handler</c> logs it.</summary>
[Collection(nameof(AloneCollection))]
public class DefaultExceptionHandlerTests
{
    private static int Zero() => 0;

    private static string RunFailingCallback(bool debug) => TestLoops.With(loop =>
    {
        var log = new StringWriter();
        var saved = Log.Writer;
        Log.Writer = log;
        try
        {
            loop.SetDebug(debug);
            loop.CallSoon(() => _ = 1 / Zero());
            loop.CallSoon(loop.Stop);
            loop.RunForever();
        }
        finally
        {
            Log.Writer = saved;
            loop.SetDebug(false);
        }
        return log.ToString();
    });

    [Fact]
    public void a_failing_callback_logs_message_sorted_context_and_the_exception()
    {
        var lines = RunFailingCallback(debug: false).Split('\n');
        Assert.Matches(@"^ERROR:asyncio:Exception in callback DefaultExceptionHandlerTests\.RunFailingCallback\.<locals>\.<lambda>\(\)$", lines[0]);
        Assert.Matches(@"^handle: <Handle DefaultExceptionHandlerTests\.RunFailingCallback\.<locals>\.<lambda>\(\)>$", lines[1]);
        Assert.StartsWith("System.DivideByZeroException", lines[2]);
    }

    [Fact]
    public void debug_mode_adds_where_the_handle_was_created()
    {
        var text = RunFailingCallback(debug: true);
        Assert.Contains("created at ", text);
        Assert.Matches(@"\nsource_traceback: Object created at \(most recent call last\):\n(  File "".*"", line \d+, in .+\n)*  File "".*DefaultExceptionHandlerTests\.cs"", line \d+, in RunFailingCallback.*\n", text);
    }
}
