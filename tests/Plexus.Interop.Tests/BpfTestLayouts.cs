using System.Runtime.InteropServices;

namespace Plexus.Interop.Tests;

/// <summary>C# mirrors of the structs in bpf/plexus_test.c; BpfLayoutTests checks them against the object's BTF.</summary>
internal static class BpfTestLayouts
{
    /// <summary>struct plx_test_config (the <c>cfg</c> const volatile global).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct TestConfig
    {
        public uint Magic;
        public ushort DropPort;
        public byte Count;
        public byte Pad;
    }

    /// <summary>The whole .rodata section: cfg then mark_bias.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct TestRodata
    {
        public TestConfig Cfg;
        public uint MarkBias;
    }

    /// <summary>struct proto_key.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct ProtoKey
    {
        public ushort EthProto;
        public byte IpProto;
        public byte Pad;
    }

    /// <summary>struct flow_key.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct FlowKey
    {
        public uint Saddr;
        public uint Daddr;
        public ushort Sport;
        public ushort Dport;
        public byte Proto;
        public byte Pad;
        public byte Pad1;
        public byte Pad2;
    }

    /// <summary>struct flow_stats.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct FlowStats
    {
        public ulong Packets;
        public ulong Bytes;
    }

    /// <summary>struct lpm_v4_key.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct LpmV4Key
    {
        public uint Prefixlen;
        public uint Addr;
    }

    /// <summary>struct packet_event (ring buffer record).</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct PacketEvent
    {
        public uint Magic;
        public uint Len;
        public uint Ifindex;
        public ushort EthProto;
        public byte IpProto;
        public byte Verdict;
        public ushort Dport;
        public ushort Pad;
    }

    /// <summary>struct pcpu_value: 12 bytes, so per-CPU buffers pad each value to 16.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct PcpuValue
    {
        public uint A;
        public uint B;
        public uint C;
    }
}
