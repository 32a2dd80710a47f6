namespace Plexus.Cli.Infrastructure;

/// <summary>A failure reported to the user as a message and an exit code (1 operation failed, 2 bad input); never a stack trace.</summary>
public sealed class CliException(int exitCode, string message) : Exception(message)
{
    /// <summary>Exit code: 1 = operation failed, 2 = bad input.</summary>
    public int ExitCode { get; } = exitCode;

    /// <summary>Bad input: a file, flag or argument the user gave is wrong.</summary>
    public static CliException BadInput(string message) => new(ExitCodes.BadInput, message);

    /// <summary>The operation failed (store unreachable, object not found…).</summary>
    public static CliException Failed(string message) => new(ExitCodes.Failed, message);
}
