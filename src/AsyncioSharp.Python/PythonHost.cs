namespace AsyncioSharp.Python;

/// <summary>Embeds CPython 3.11 and runs Python asyncio programs on the .NET loop.</summary>
public static class PythonHost
{
}
