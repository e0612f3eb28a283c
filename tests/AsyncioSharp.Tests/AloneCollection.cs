using Xunit;

namespace AsyncioSharp.Tests;

/// <summary>
/// Test classes that must run alone: they count the process's open fds or measure timing, which tests running in
/// parallel would disturb. xunit runs this collection after the parallel ones, by itself.
/// </summary>
[CollectionDefinition(nameof(AloneCollection), DisableParallelization = true)]
public sealed class AloneCollection
{
}
