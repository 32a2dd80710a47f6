using System.Runtime.InteropServices;

namespace Plexus.Interop.Bpf;

/// <summary>Mirror of the UAPI <c>struct __sk_buff</c> (192 bytes): the tc program context, used as ctx_in/ctx_out of <see cref="BpfProgram.TestRun{TContext}"/>.</summary>
/// <remarks>For test runs the kernel accepts only mark, priority, ifindex, cb, tstamp, wire_len, gso_segs, gso_size and hwtstamp as input; the rest must stay zero.</remarks>
[StructLayout(LayoutKind.Sequential)]
public struct SkBuff
{
    /// <summary>Packet length (output).</summary>
    public uint Len;

    /// <summary>PACKET_* type (output).</summary>
    public uint PktType;

    /// <summary>skb->mark (input and output).</summary>
    public uint Mark;

    /// <summary>TX queue mapping.</summary>
    public uint QueueMapping;

    /// <summary>EtherType in network byte order (output).</summary>
    public uint Protocol;

    /// <summary>Whether a VLAN tag is present.</summary>
    public uint VlanPresent;

    /// <summary>VLAN TCI.</summary>
    public uint VlanTci;

    /// <summary>VLAN protocol.</summary>
    public uint VlanProto;

    /// <summary>skb->priority (input and output).</summary>
    public uint Priority;

    /// <summary>Ingress interface index.</summary>
    public uint IngressIfIndex;

    /// <summary>Interface index (input: a device in the caller's network namespace, &gt; 1 to be used).</summary>
    public uint IfIndex;

    /// <summary>tc index.</summary>
    public uint TcIndex;

    /// <summary>The 20-byte control block shared between tail calls (input and output).</summary>
    public SkBuffControlBlock Cb;

    /// <summary>Flow hash.</summary>
    public uint Hash;

    /// <summary>tc class id.</summary>
    public uint TcClassId;

    /// <summary>Offset of packet data (verifier-rewritten pointer; zero in test input).</summary>
    public uint Data;

    /// <summary>Offset of packet end (verifier-rewritten pointer; zero in test input).</summary>
    public uint DataEnd;

    /// <summary>NAPI id.</summary>
    public uint NapiId;

    /// <summary>Socket family (sk_skb programs).</summary>
    public uint Family;

    /// <summary>Remote IPv4 address, network order (sk_skb programs).</summary>
    public uint RemoteIp4;

    /// <summary>Local IPv4 address, network order (sk_skb programs).</summary>
    public uint LocalIp4;

    /// <summary>Remote IPv6 address words, network order (sk_skb programs).</summary>
    public SkBuffIp6Address RemoteIp6;

    /// <summary>Local IPv6 address words, network order (sk_skb programs).</summary>
    public SkBuffIp6Address LocalIp6;

    /// <summary>Remote port, network order (sk_skb programs).</summary>
    public uint RemotePort;

    /// <summary>Local port, host order (sk_skb programs).</summary>
    public uint LocalPort;

    /// <summary>Offset of metadata before the packet.</summary>
    public uint DataMeta;

    /// <summary>Flow dissector keys pointer (64-bit slot).</summary>
    public ulong FlowKeys;

    /// <summary>Timestamp in nanoseconds (input and output).</summary>
    public ulong Tstamp;

    /// <summary>Length on the wire (input and output).</summary>
    public uint WireLen;

    /// <summary>GSO segment count (input and output).</summary>
    public uint GsoSegs;

    /// <summary>Socket pointer (64-bit slot).</summary>
    public ulong Sk;

    /// <summary>GSO segment size (input and output).</summary>
    public uint GsoSize;

    /// <summary>BPF_SKB_TSTAMP_* type of <see cref="Tstamp"/>.</summary>
    public byte TstampType;

    /// <summary>Hardware timestamp (input and output).</summary>
    public ulong HwTstamp;
}
