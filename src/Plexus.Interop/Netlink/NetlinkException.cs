using Plexus.Interop.Posix;

namespace Plexus.Interop.Netlink;

/// <summary>A netlink request the kernel refused (or a socket call that failed), with the errno name and the operation.</summary>
public sealed class NetlinkException : Exception
{
    /// <summary>A failure of <paramref name="operation"/> with positive <paramref name="errno"/> and the kernel's extended-ack text.</summary>
    public NetlinkException(string operation, int errno, string? kernelMessage = null)
        : base(Format(operation, errno, kernelMessage))
    {
        Operation = operation;
        Errno = Math.Abs(errno);
        KernelMessage = kernelMessage;
    }

    /// <summary>What was attempted, e.g. <c>create veth veth0</c>.</summary>
    public string Operation { get; }

    /// <summary>The positive errno value.</summary>
    public int Errno { get; }

    /// <summary>The errno's symbolic name, e.g. <c>EEXIST</c>.</summary>
    public string ErrnoName => Posix.Errno.Name(Errno);

    /// <summary>The extended-ack message the kernel attached, if any (e.g. <c>Unknown device type</c>).</summary>
    public string? KernelMessage { get; }

    private static string Format(string operation, int errno, string? kernelMessage) =>
        kernelMessage is null
            ? $"{operation}: {Posix.Errno.Name(errno)}"
            : $"{operation}: {Posix.Errno.Name(errno)} ({kernelMessage})";
}
