using System.Net.NetworkInformation;
using System.Runtime.InteropServices;
using Plexus.Interop.Namespaces;

namespace Plexus.Interop.Netlink;

public sealed partial class RtNetlink
{
    /// <summary>
    /// Creates a veth pair <paramref name="name"/> ↔ <paramref name="peerName"/>; the peer is created directly in
    /// <paramref name="peerNamespace"/> when given. Throws EEXIST if either name is taken.
    /// </summary>
    public void CreateVeth(
        string name,
        string peerName,
        SafeHandle? peerNamespace = null,
        PhysicalAddress? mac = null,
        PhysicalAddress? peerMac = null,
        int? mtu = null)
    {
        var operation = peerNamespace is null
            ? $"create veth {name} peer {peerName}"
            : $"create veth {name} peer {peerName} in netns {Describe(peerNamespace)}";
        var addedRef = false;
        try
        {
            peerNamespace?.DangerousAddRef(ref addedRef);
            Span<byte> buffer = stackalloc byte[RequestSize];
            var writer = BeginCreate(buffer, name, mac, mtu);
            var linkInfo = writer.BeginNested(Rtnl.IflaLinkInfo);
            writer.WriteString(Rtnl.IflaInfoKind, "veth");
            var data = writer.BeginNested(Rtnl.IflaInfoData);

            // VETH_INFO_PEER holds a whole ifinfomsg followed by the peer's own IFLA_* attributes.
            var peer = writer.BeginNested(Rtnl.VethInfoPeer);
            writer.WriteStruct(default(InterfaceInfoMessage));
            WriteNewLinkBasics(ref writer, peerName, peerMac, mtu);
            if (peerNamespace is not null)
            {
                writer.WriteUInt32(Rtnl.IflaNetNsFd, (uint)peerNamespace.DangerousGetHandle());
            }

            writer.EndNested(peer);
            writer.EndNested(data);
            writer.EndNested(linkInfo);
            _socket.Execute(writer.Written, operation);
        }
        finally
        {
            if (addedRef)
            {
                peerNamespace!.DangerousRelease();
            }
        }
    }

    /// <summary>
    /// Creates a VXLAN device. In <paramref name="external"/> (collect-metadata) mode the VNI and remote come per
    /// packet from tunnel metadata set by eBPF, as Cilium does; otherwise <paramref name="vni"/> is required.
    /// </summary>
    public void CreateVxlan(string name, ushort dstPort = 8472, bool external = true, bool learning = false, int? mtu = null, uint? vni = null)
    {
        if (!external && vni is null)
        {
            throw new ArgumentException("a VXLAN device outside external mode needs a VNI", nameof(vni));
        }

        Span<byte> buffer = stackalloc byte[RequestSize];
        var writer = BeginCreate(buffer, name, mac: null, mtu);
        var linkInfo = writer.BeginNested(Rtnl.IflaLinkInfo);
        writer.WriteString(Rtnl.IflaInfoKind, "vxlan");
        var data = writer.BeginNested(Rtnl.IflaInfoData);
        if (external)
        {
            writer.WriteByte(Rtnl.IflaVxlanCollectMetadata, 1);
        }

        if (vni is { } id)
        {
            writer.WriteUInt32(Rtnl.IflaVxlanId, id);
        }

        writer.WriteUInt16BigEndian(Rtnl.IflaVxlanPort, dstPort);
        writer.WriteByte(Rtnl.IflaVxlanLearning, learning ? (byte)1 : (byte)0);
        writer.EndNested(data);
        writer.EndNested(linkInfo);
        _socket.Execute(writer.Written, $"create vxlan {name} dstport {dstPort}");
    }

    /// <summary>Creates a Linux bridge. Throws EEXIST if the name is taken.</summary>
    public void CreateBridge(string name, int? mtu = null)
    {
        Span<byte> buffer = stackalloc byte[RequestSize];
        var writer = BeginCreate(buffer, name, mac: null, mtu);
        var linkInfo = writer.BeginNested(Rtnl.IflaLinkInfo);
        writer.WriteString(Rtnl.IflaInfoKind, "bridge");
        writer.EndNested(linkInfo);
        _socket.Execute(writer.Written, $"create bridge {name}");
    }

    /// <summary>Sets the device administratively up.</summary>
    public void SetUp(LinkRef link) => ChangeFlags(link, Rtnl.IffUp, Rtnl.IffUp, $"set {link} up");

    /// <summary>Sets the device administratively down.</summary>
    public void SetDown(LinkRef link) => ChangeFlags(link, 0, Rtnl.IffUp, $"set {link} down");

    /// <summary>Turns ARP / neighbour discovery on or off (IFF_NOARP).</summary>
    public void SetArp(LinkRef link, bool enabled) =>
        ChangeFlags(link, enabled ? 0 : Rtnl.IffNoArp, Rtnl.IffNoArp, $"set {link} arp {(enabled ? "on" : "off")}");

    /// <summary>Enslaves <paramref name="link"/> to <paramref name="master"/> (a bridge, bond or VRF).</summary>
    public void SetMaster(LinkRef link, LinkRef master)
    {
        var operation = $"set {link} master {master}";
        var masterIndex = ResolveIndex(master, operation);
        Span<byte> buffer = stackalloc byte[RequestSize];
        var writer = BeginSet(buffer, link);
        writer.WriteUInt32(Rtnl.IflaMaster, (uint)masterIndex);
        _socket.Execute(writer.Written, operation);
    }

    /// <summary>Releases <paramref name="link"/> from its master.</summary>
    public void ClearMaster(LinkRef link)
    {
        Span<byte> buffer = stackalloc byte[RequestSize];
        var writer = BeginSet(buffer, link);
        writer.WriteUInt32(Rtnl.IflaMaster, 0);
        _socket.Execute(writer.Written, $"set {link} nomaster");
    }

    /// <summary>Sets the MTU.</summary>
    public void SetMtu(LinkRef link, int mtu)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(mtu);
        Span<byte> buffer = stackalloc byte[RequestSize];
        var writer = BeginSet(buffer, link);
        writer.WriteUInt32(Rtnl.IflaMtu, (uint)mtu);
        _socket.Execute(writer.Written, $"set {link} mtu {mtu}");
    }

    /// <summary>Sets the link-layer address.</summary>
    public void SetMac(LinkRef link, PhysicalAddress mac)
    {
        Span<byte> buffer = stackalloc byte[RequestSize];
        var writer = BeginSet(buffer, link);
        writer.WriteMac(Rtnl.IflaAddress, mac);
        _socket.Execute(writer.Written, $"set {link} address {mac}");
    }

    /// <summary>Moves the device into the network namespace <paramref name="netns"/>; its addresses and routes are lost.</summary>
    public void MoveToNetns(LinkRef link, SafeHandle netns)
    {
        var addedRef = false;
        try
        {
            netns.DangerousAddRef(ref addedRef);
            Span<byte> buffer = stackalloc byte[RequestSize];
            var writer = BeginSet(buffer, link);
            writer.WriteUInt32(Rtnl.IflaNetNsFd, (uint)netns.DangerousGetHandle());
            _socket.Execute(writer.Written, $"move {link} to netns {Describe(netns)}");
        }
        finally
        {
            if (addedRef)
            {
                netns.DangerousRelease();
            }
        }
    }

    /// <summary>Renames the device (the kernel refuses with EBUSY while it is up).</summary>
    public void Rename(LinkRef link, string newName)
    {
        var operation = $"rename {link} to {newName}";
        LinkRef.ByName(newName);
        var index = ResolveIndex(link, operation);
        Span<byte> buffer = stackalloc byte[RequestSize];
        var writer = Begin(buffer, Rtnl.SetLink, NetlinkMessageFlags.None);
        writer.WriteStruct(new InterfaceInfoMessage { Index = index });
        writer.WriteString(Rtnl.IflaIfName, newName);
        _socket.Execute(writer.Written, operation);
    }

    /// <summary>Deletes the device (both ends of a veth); throws ENODEV when it does not exist.</summary>
    public void Delete(LinkRef link)
    {
        Span<byte> buffer = stackalloc byte[RequestSize];
        var writer = Begin(buffer, Rtnl.DelLink, NetlinkMessageFlags.None);
        WriteIdentity(ref writer, link);
        _socket.Execute(writer.Written, $"delete link {link}");
    }

    /// <summary>The device, or null when it does not exist.</summary>
    public LinkInfo? GetLink(LinkRef link) => QueryLink(link, $"get link {link}");

    /// <summary>Every device in the namespace.</summary>
    public IReadOnlyList<LinkInfo> ListLinks()
    {
        Span<byte> buffer = stackalloc byte[RequestSize];
        var writer = Begin(buffer, Rtnl.GetLink, NetlinkMessageFlags.None);
        writer.WriteStruct(default(InterfaceInfoMessage));
        writer.WriteUInt32(Rtnl.IflaExtMask, Rtnl.RtextFilterSkipStats);
        return _socket.Dump(writer.Written, "list links", ParseLink);
    }

    private static string Describe(SafeHandle netns) =>
        netns is NetNsHandle { Path.Length: > 0 } handle ? handle.Path : $"fd {netns.DangerousGetHandle()}";

    private LinkInfo? QueryLink(LinkRef link, string operation)
    {
        Span<byte> buffer = stackalloc byte[RequestSize];
        var writer = Begin(buffer, Rtnl.GetLink, NetlinkMessageFlags.None);
        WriteIdentity(ref writer, link);
        writer.WriteUInt32(Rtnl.IflaExtMask, Rtnl.RtextFilterSkipStats);
        try
        {
            return _socket.Query(writer.Written, operation, ParseLink);
        }
        catch (NetlinkException e) when (e.Errno == Enodev)
        {
            return null;
        }
    }

    private void ChangeFlags(LinkRef link, uint flags, uint change, string operation)
    {
        Span<byte> buffer = stackalloc byte[RequestSize];
        var writer = Begin(buffer, Rtnl.SetLink, NetlinkMessageFlags.None);
        writer.WriteStruct(new InterfaceInfoMessage { Index = link.Index, Flags = flags, Change = change });
        if (link.Name is { } name)
        {
            writer.WriteString(Rtnl.IflaIfName, name);
        }

        _socket.Execute(writer.Written, operation);
    }

    private static NetlinkAttributeWriter BeginCreate(Span<byte> buffer, string name, PhysicalAddress? mac, int? mtu)
    {
        var writer = Begin(buffer, Rtnl.NewLink, NetlinkMessageFlags.Create | NetlinkMessageFlags.Exclusive);
        writer.WriteStruct(default(InterfaceInfoMessage));
        WriteNewLinkBasics(ref writer, name, mac, mtu);
        return writer;
    }

    private static NetlinkAttributeWriter BeginSet(Span<byte> buffer, LinkRef link)
    {
        var writer = Begin(buffer, Rtnl.SetLink, NetlinkMessageFlags.None);
        WriteIdentity(ref writer, link);
        return writer;
    }

    // The kernel looks a device up by ifi_index, or by IFLA_IFNAME when the index is 0.
    private static void WriteIdentity(ref NetlinkAttributeWriter writer, LinkRef link)
    {
        if (link.Index == 0 && link.Name is null)
        {
            throw new ArgumentException("default(LinkRef) names no link", nameof(link));
        }

        writer.WriteStruct(new InterfaceInfoMessage { Index = link.Index });
        if (link.Name is { } name)
        {
            writer.WriteString(Rtnl.IflaIfName, name);
        }
    }

    private static void WriteNewLinkBasics(ref NetlinkAttributeWriter writer, string name, PhysicalAddress? mac, int? mtu)
    {
        writer.WriteString(Rtnl.IflaIfName, LinkRef.ByName(name).Name!);
        if (mac is not null)
        {
            writer.WriteMac(Rtnl.IflaAddress, mac);
        }

        if (mtu is { } value)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value, nameof(mtu));
            writer.WriteUInt32(Rtnl.IflaMtu, (uint)value);
        }
    }

    private static LinkInfo? ParseLink(NetlinkMessage message)
    {
        if (message.Type != Rtnl.NewLink)
        {
            return null;
        }

        var header = message.ReadStruct<InterfaceInfoMessage>();
        string? name = null;
        string? kind = null;
        PhysicalAddress? mac = null;
        int? master = null;
        int? lower = null;
        var mtu = 0;
        foreach (var attribute in message.GetAttributes<InterfaceInfoMessage>())
        {
            switch (attribute.Type)
            {
                case Rtnl.IflaIfName:
                    name = attribute.GetString();
                    break;
                case Rtnl.IflaAddress:
                    mac = attribute.GetMac();
                    break;
                case Rtnl.IflaMtu:
                    mtu = (int)attribute.GetUInt32();
                    break;
                case Rtnl.IflaMaster:
                    master = (int)attribute.GetUInt32();
                    break;
                case Rtnl.IflaLink:
                    lower = (int)attribute.GetUInt32();
                    break;
                case Rtnl.IflaLinkInfo:
                    foreach (var info in attribute.GetNested())
                    {
                        if (info.Type == Rtnl.IflaInfoKind)
                        {
                            kind = info.GetString();
                        }
                    }

                    break;
            }
        }

        return new LinkInfo
        {
            Index = header.Index,
            Name = name ?? string.Empty,
            Mac = mac,
            Mtu = mtu,
            Kind = kind,
            Flags = (LinkFlags)header.Flags,
            MasterIndex = master is > 0 ? master : null,
            LinkIndex = lower is > 0 && lower != header.Index ? lower : null,
        };
    }
}
