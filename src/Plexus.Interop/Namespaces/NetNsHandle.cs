using Microsoft.Win32.SafeHandles;

namespace Plexus.Interop.Namespaces;

/// <summary>An open fd referring to a network namespace; keeps the namespace alive until disposed.</summary>
public sealed class NetNsHandle : SafeHandleMinusOneIsInvalid
{
    /// <summary>An invalid handle (for marshalling).</summary>
    public NetNsHandle()
        : base(ownsHandle: true)
    {
    }

    internal NetNsHandle(int fd, string path)
        : base(ownsHandle: true)
    {
        SetHandle(fd);
        Path = path;
    }

    /// <summary>The path the namespace was opened from (e.g. <c>/run/netns/blue</c>).</summary>
    public string Path { get; } = string.Empty;

    /// <inheritdoc/>
    protected override bool ReleaseHandle() => NamespaceNative.Close((int)handle) == 0;
}
