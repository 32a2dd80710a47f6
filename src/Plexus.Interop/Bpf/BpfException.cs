namespace Plexus.Interop.Bpf;

/// <summary>A libbpf or bpf(2) operation failed; carries the operation, the errno and its name, and what libbpf logged.</summary>
public sealed class BpfException : Exception
{
    /// <summary>Creates the exception for <paramref name="operation"/> failing with <paramref name="errno"/> (sign ignored).</summary>
    public BpfException(string operation, int errno, string? libbpfLog = null)
        : base(FormatMessage(operation, errno, libbpfLog))
    {
        Operation = operation;
        Errno = Math.Abs(errno);
        LibbpfLog = libbpfLog;
    }

    /// <summary>The failed call and its subject, e.g. <c>bpf_map_update_elem(flows)</c>.</summary>
    public string Operation { get; }

    /// <summary>The positive errno value, e.g. 17.</summary>
    public int Errno { get; }

    /// <summary>The errno's symbolic name, e.g. <c>EEXIST</c>.</summary>
    public string ErrnoName => Posix.Errno.Name(Errno);

    /// <summary>What libbpf printed while the operation ran (the verifier log for a rejected program), if anything.</summary>
    public string? LibbpfLog { get; }

    private static string FormatMessage(string operation, int errno, string? log)
    {
        var message = $"{operation} failed: {Posix.Errno.Name(errno)}";
        return log is null ? message : $"{message}{Environment.NewLine}{log}";
    }
}
