using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace Plexus.Interop.Netlink;

public sealed partial class RtNetlink
{
    /// <summary>
    /// Adds or replaces the neighbour entry <paramref name="address"/> → <paramref name="mac"/> on the device
    /// (like <c>ip neigh replace … nud permanent</c>, or <c>nud reachable</c> when not <paramref name="permanent"/>).
    /// </summary>
    public void AddNeighbour(LinkRef link, IPAddress address, PhysicalAddress mac, bool permanent = true)
    {
        var operation = $"set neighbour {address} lladdr {mac} on {link}";
        var family = FamilyOf(address);
        var index = ResolveIndex(link, operation);
        Span<byte> buffer = stackalloc byte[RequestSize];
        var writer = Begin(buffer, Rtnl.NewNeigh, NetlinkMessageFlags.Create | NetlinkMessageFlags.Replace);
        writer.WriteStruct(new NeighbourMessage
        {
            Family = family,
            Index = index,
            State = (ushort)(permanent ? NeighbourState.Permanent : NeighbourState.Reachable),
        });
        writer.WriteAddress(Rtnl.NdaDst, address);
        writer.WriteMac(Rtnl.NdaLlAddr, mac);
        _socket.Execute(writer.Written, operation);
    }

    /// <summary>Deletes the neighbour entry for <paramref name="address"/> on the device (ENOENT if absent).</summary>
    public void DeleteNeighbour(LinkRef link, IPAddress address)
    {
        var operation = $"delete neighbour {address} on {link}";
        var family = FamilyOf(address);
        var index = ResolveIndex(link, operation);
        Span<byte> buffer = stackalloc byte[RequestSize];
        var writer = Begin(buffer, Rtnl.DelNeigh, NetlinkMessageFlags.None);
        writer.WriteStruct(new NeighbourMessage { Family = family, Index = index });
        writer.WriteAddress(Rtnl.NdaDst, address);
        _socket.Execute(writer.Written, operation);
    }

    /// <summary>The IPv4/IPv6 neighbour entries of one device, or of all when <paramref name="link"/> is null.</summary>
    public IReadOnlyList<NeighbourInfo> ListNeighbours(LinkRef? link = null, AddressFamily? family = null)
    {
        var nativeFamily = ToNative(family);
        var index = link is { } selected ? ResolveIndex(selected, $"list neighbours of {selected}") : 0;
        Span<byte> buffer = stackalloc byte[RequestSize];
        var writer = Begin(buffer, Rtnl.GetNeigh, NetlinkMessageFlags.None);
        writer.WriteStruct(new NeighbourMessage { Family = nativeFamily });
        var neighbours = _socket.Dump(writer.Written, "list neighbours", ParseNeighbour);
        return index == 0 ? neighbours : neighbours.FindAll(n => n.LinkIndex == index);
    }

    private static NeighbourInfo? ParseNeighbour(NetlinkMessage message)
    {
        if (message.Type != Rtnl.NewNeigh)
        {
            return null;
        }

        // An AF_UNSPEC dump also walks the bridge FDB (AF_BRIDGE), which has no IP address.
        var header = message.ReadStruct<NeighbourMessage>();
        if (header.Family is not (Rtnl.AfInet or Rtnl.AfInet6))
        {
            return null;
        }

        IPAddress? address = null;
        PhysicalAddress? mac = null;
        foreach (var attribute in message.GetAttributes<NeighbourMessage>())
        {
            switch (attribute.Type)
            {
                case Rtnl.NdaDst:
                    address = attribute.GetAddress();
                    break;
                case Rtnl.NdaLlAddr:
                    mac = attribute.GetMac();
                    break;
            }
        }

        return address is null
            ? null
            : new NeighbourInfo { LinkIndex = header.Index, Address = address, Mac = mac, State = (NeighbourState)header.State };
    }
}
