namespace Plexus.Cli.Infrastructure;

/// <summary>Process exit codes of every Plexus command (DESIGN §5).</summary>
public static class ExitCodes
{
    /// <summary>Success.</summary>
    public const int Ok = 0;

    /// <summary>The operation failed (e.g. a probe was refused, the store is unreachable).</summary>
    public const int Failed = 1;

    /// <summary>Bad input, with a message naming the file, document, field path and reason.</summary>
    public const int BadInput = 2;
}
