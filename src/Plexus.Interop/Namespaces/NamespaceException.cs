namespace Plexus.Interop.Namespaces;

/// <summary>A namespace or mount syscall that failed, with the errno name, the operation and the path involved.</summary>
public sealed class NamespaceException : Exception
{
    /// <summary>A failure of <paramref name="operation"/> on <paramref name="path"/> with positive <paramref name="errno"/>.</summary>
    public NamespaceException(string operation, string path, int errno)
        : base($"{operation} {path}: {Posix.Errno.Name(errno)}")
    {
        Operation = operation;
        Path = path;
        Errno = Math.Abs(errno);
    }

    /// <summary>What was attempted, e.g. <c>create netns</c>.</summary>
    public string Operation { get; }

    /// <summary>The namespace path involved.</summary>
    public string Path { get; }

    /// <summary>The positive errno value.</summary>
    public int Errno { get; }

    /// <summary>The errno's symbolic name, e.g. <c>EEXIST</c>.</summary>
    public string ErrnoName => Posix.Errno.Name(Errno);
}
