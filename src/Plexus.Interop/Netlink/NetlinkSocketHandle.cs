using Microsoft.Win32.SafeHandles;

namespace Plexus.Interop.Netlink;

/// <summary>Owns the fd of a netlink socket and closes it on release.</summary>
internal sealed class NetlinkSocketHandle : SafeHandleMinusOneIsInvalid
{
    public NetlinkSocketHandle(int fd)
        : base(ownsHandle: true) => SetHandle(fd);

    protected override bool ReleaseHandle() => NetlinkNative.Close((int)handle) == 0;
}
