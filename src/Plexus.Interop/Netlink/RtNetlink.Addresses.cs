using System.Net;
using System.Net.Sockets;

namespace Plexus.Interop.Netlink;

public sealed partial class RtNetlink
{
    /// <summary>
    /// Adds <paramref name="address"/>/<paramref name="prefixLength"/> to the device (EEXIST if present). With
    /// <paramref name="skipDuplicateDetection"/> an IPv6 address is usable at once instead of after DAD.
    /// </summary>
    public void AddAddress(LinkRef link, IPAddress address, int prefixLength, bool skipDuplicateDetection = false)
    {
        var operation = $"add address {address}/{prefixLength} to {link}";
        ModifyAddress(link, address, prefixLength, Rtnl.NewAddr, NetlinkMessageFlags.Create | NetlinkMessageFlags.Exclusive,
            skipDuplicateDetection ? Rtnl.IfaFNoDad : (byte)0, operation);
    }

    /// <summary>Removes <paramref name="address"/>/<paramref name="prefixLength"/> from the device (EADDRNOTAVAIL if absent).</summary>
    public void DeleteAddress(LinkRef link, IPAddress address, int prefixLength)
    {
        var operation = $"delete address {address}/{prefixLength} from {link}";
        ModifyAddress(link, address, prefixLength, Rtnl.DelAddr, NetlinkMessageFlags.None, 0, operation);
    }

    /// <summary>The addresses of one device, or of all when <paramref name="link"/> is null, optionally of one family.</summary>
    public IReadOnlyList<AddressInfo> ListAddresses(LinkRef? link = null, AddressFamily? family = null)
    {
        var nativeFamily = ToNative(family);
        var index = link is { } selected ? ResolveIndex(selected, $"list addresses of {selected}") : 0;
        Span<byte> buffer = stackalloc byte[RequestSize];
        var writer = Begin(buffer, Rtnl.GetAddr, NetlinkMessageFlags.None);
        writer.WriteStruct(new InterfaceAddressMessage { Family = nativeFamily });
        var addresses = _socket.Dump(writer.Written, "list addresses", ParseAddress);
        return index == 0 ? addresses : addresses.FindAll(a => a.LinkIndex == index);
    }

    private void ModifyAddress(LinkRef link, IPAddress address, int prefixLength, ushort type, NetlinkMessageFlags flags, byte addressFlags, string operation)
    {
        var family = FamilyOf(address);
        ArgumentOutOfRangeException.ThrowIfNegative(prefixLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(prefixLength, MaxPrefix(family));
        var index = ResolveIndex(link, operation);
        Span<byte> buffer = stackalloc byte[RequestSize];
        var writer = Begin(buffer, type, flags);
        writer.WriteStruct(new InterfaceAddressMessage
        {
            Family = family,
            PrefixLength = (byte)prefixLength,
            Flags = addressFlags,
            Index = index,
        });
        writer.WriteAddress(Rtnl.IfaLocal, address);
        writer.WriteAddress(Rtnl.IfaAddress, address);
        _socket.Execute(writer.Written, operation);
    }

    private static AddressInfo? ParseAddress(NetlinkMessage message)
    {
        if (message.Type != Rtnl.NewAddr)
        {
            return null;
        }

        var header = message.ReadStruct<InterfaceAddressMessage>();
        IPAddress? local = null;
        IPAddress? address = null;
        uint flags = header.Flags;
        foreach (var attribute in message.GetAttributes<InterfaceAddressMessage>())
        {
            switch (attribute.Type)
            {
                case Rtnl.IfaLocal:
                    local = attribute.GetAddress();
                    break;
                case Rtnl.IfaAddress:
                    address = attribute.GetAddress();
                    break;
                case Rtnl.IfaFlags:
                    flags = attribute.GetUInt32();
                    break;
            }
        }

        // On point-to-point links IFA_ADDRESS is the peer; IFA_LOCAL is always ours when present.
        return (local ?? address) is { } own
            ? new AddressInfo
            {
                LinkIndex = header.Index,
                Address = own,
                PrefixLength = header.PrefixLength,
                Scope = (RouteScope)header.Scope,
                Flags = flags,
            }
            : null;
    }
}
