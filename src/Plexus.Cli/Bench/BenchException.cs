namespace Plexus.Cli.Bench;

/// <summary>A benchmark could not be built or a tool failed; the message says which and why.</summary>
public sealed class BenchException(string message) : Exception(message);
