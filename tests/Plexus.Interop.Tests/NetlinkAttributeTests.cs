using System.Net;
using System.Net.NetworkInformation;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Plexus.Interop.Namespaces;
using Plexus.Interop.Netlink;

namespace Plexus.Interop.Tests;

/// <summary>Pure tests of the wire encoding: nlattr alignment, nesting and the C struct layouts.</summary>
public sealed class NetlinkAttributeTests
{
    [Fact]
    public void Attributes_are_padded_to_four_bytes_and_record_their_unpadded_length()
    {
        Span<byte> buffer = stackalloc byte[64];
        buffer.Fill(0xff);
        var writer = new NetlinkAttributeWriter(buffer);

        writer.WriteString(3, "ab");
        writer.WriteByte(7, 1);
        writer.WriteUInt16BigEndian(15, 8472);

        Assert.Equal(24, writer.Length);
        Assert.Equal(
            new byte[] { 7, 0, 3, 0, (byte)'a', (byte)'b', 0, 0, 5, 0, 7, 0, 1, 0, 0, 0, 6, 0, 15, 0, 0x21, 0x18, 0, 0 },
            writer.Written.ToArray());
    }

    [Fact]
    public void Nested_attributes_cover_their_children_and_read_back()
    {
        Span<byte> buffer = stackalloc byte[128];
        var writer = new NetlinkAttributeWriter(buffer);
        var outer = writer.BeginNested(18);
        writer.WriteString(1, "veth");
        var inner = writer.BeginNested(2, setNestedFlag: true);
        writer.WriteUInt32(4, 1500);
        writer.WriteAddress(5, IPAddress.Parse("fd00::1"));
        writer.WriteMac(6, PhysicalAddress.Parse("02-00-00-00-00-01"));
        writer.EndNested(inner);
        writer.EndNested(outer);
        writer.WriteFlag(9);

        var reader = new NetlinkAttributeReader(writer.Written);
        Assert.True(reader.TryRead(out var linkInfo));
        Assert.Equal(18, linkInfo.Type);
        Assert.Equal(writer.Length - 8, linkInfo.Payload.Length);
        var nested = linkInfo.GetNested();
        Assert.True(nested.TryRead(out var kind));
        Assert.Equal("veth", kind.GetString());
        Assert.True(nested.TryRead(out var data));
        Assert.True(data.IsNested);
        Assert.Equal(2, data.Type);
        var values = new List<string>();
        foreach (var attribute in data.GetNested())
        {
            values.Add(attribute.Type switch
            {
                4 => attribute.GetUInt32().ToString(System.Globalization.CultureInfo.InvariantCulture),
                5 => attribute.GetAddress().ToString(),
                6 => attribute.GetMac().ToString(),
                _ => "?",
            });
        }

        Assert.Equal(["1500", "fd00::1", "020000000001"], values);
        Assert.False(nested.TryRead(out _));
        Assert.True(reader.TryRead(out var flag));
        Assert.Equal((9, 0), (flag.Type, flag.Payload.Length));
        Assert.False(reader.TryRead(out _));
    }

    [Fact]
    public void A_truncated_attribute_is_rejected()
    {
        var bytes = new byte[] { 12, 0, 1, 0, 1, 2, 3, 4 };

        Assert.Throws<InvalidDataException>(() => new NetlinkAttributeReader(bytes).TryRead(out _));
    }

    [Fact]
    public void Writing_past_the_buffer_throws_instead_of_truncating()
    {
        var buffer = new byte[8];

        Assert.Throws<InvalidOperationException>(() => new NetlinkAttributeWriter(buffer).WriteString(3, "too long"));
    }

    [Fact]
    public void Structs_match_the_kernel_layouts()
    {
        Assert.Equal(16, Unsafe.SizeOf<NetlinkMessageHeader>());
        Assert.Equal(16, Unsafe.SizeOf<InterfaceInfoMessage>());
        Assert.Equal(8, Unsafe.SizeOf<InterfaceAddressMessage>());
        Assert.Equal(12, Unsafe.SizeOf<RouteMessage>());
        Assert.Equal(12, Unsafe.SizeOf<NeighbourMessage>());
        Assert.Equal(4, (int)Marshal.OffsetOf<NetlinkMessageHeader>(nameof(NetlinkMessageHeader.Type)));
        Assert.Equal(8, (int)Marshal.OffsetOf<NetlinkMessageHeader>(nameof(NetlinkMessageHeader.Sequence)));
        Assert.Equal(4, (int)Marshal.OffsetOf<InterfaceInfoMessage>(nameof(InterfaceInfoMessage.Index)));
        Assert.Equal(12, (int)Marshal.OffsetOf<InterfaceInfoMessage>(nameof(InterfaceInfoMessage.Change)));
        Assert.Equal(4, (int)Marshal.OffsetOf<InterfaceAddressMessage>(nameof(InterfaceAddressMessage.Index)));
        Assert.Equal(7, (int)Marshal.OffsetOf<RouteMessage>(nameof(RouteMessage.Type)));
        Assert.Equal(8, (int)Marshal.OffsetOf<RouteMessage>(nameof(RouteMessage.Flags)));
        Assert.Equal(8, (int)Marshal.OffsetOf<NeighbourMessage>(nameof(NeighbourMessage.State)));
        Assert.Equal(11, (int)Marshal.OffsetOf<NeighbourMessage>(nameof(NeighbourMessage.Type)));
    }

    [Fact]
    public void Message_reader_skips_the_aligned_family_header()
    {
        Span<byte> buffer = stackalloc byte[64];
        var writer = new NetlinkAttributeWriter(buffer);
        writer.WriteStruct(new InterfaceAddressMessage { Family = 2, PrefixLength = 24, Index = 7 });
        writer.WriteAddress(2, IPAddress.Parse("10.0.0.1"));
        var header = new NetlinkMessageHeader { Length = (uint)(NetlinkMessageHeader.Size + writer.Length), Type = 20 };

        var message = new NetlinkMessage(header, writer.Written);

        Assert.Equal(7, message.ReadStruct<InterfaceAddressMessage>().Index);
        var attributes = message.GetAttributes<InterfaceAddressMessage>();
        Assert.True(attributes.MoveNext());
        Assert.Equal(IPAddress.Parse("10.0.0.1"), attributes.Current.GetAddress());
    }

    [Fact]
    public void Link_references_convert_from_names_and_indexes_and_reject_bad_names()
    {
        LinkRef byName = "eth0";
        LinkRef byIndex = 3;

        Assert.Equal(("eth0", 0), (byName.Name, byName.Index));
        Assert.Equal((null, 3), (byIndex.Name, byIndex.Index));
        Assert.Equal("if#3", byIndex.ToString());
        Assert.Throws<ArgumentException>(() => LinkRef.ByName("sixteen-chars-xx"));
        Assert.Throws<ArgumentException>(() => LinkRef.ByName("a/b"));
        Assert.Throws<ArgumentOutOfRangeException>(() => LinkRef.ByIndex(0));
    }

    [Fact]
    public void Errors_carry_the_errno_name_and_the_operation()
    {
        var error = new NetlinkException("create veth a peer b", -17, "File exists");

        Assert.Equal((17, "EEXIST"), (error.Errno, error.ErrnoName));
        Assert.Equal("create veth a peer b: EEXIST (File exists)", error.Message);
    }

    [Fact]
    public void Sysctl_keys_map_to_proc_sys_paths()
    {
        Assert.Equal("/proc/sys/net/ipv4/ip_forward", Sysctl.PathOf("net.ipv4.ip_forward"));
        Assert.Equal("/proc/sys/net/ipv4/conf/eth0.100/rp_filter", Sysctl.PathOf("net/ipv4/conf/eth0.100/rp_filter"));
        Assert.Equal("/proc/sys/net/core/somaxconn", Sysctl.PathOf("/proc/sys/net/core/somaxconn"));
        Assert.Throws<ArgumentException>(() => Sysctl.PathOf("/etc/passwd"));
        Assert.Throws<ArgumentException>(() => Sysctl.PathOf("/proc/sys/../self/environ"));
    }
}
