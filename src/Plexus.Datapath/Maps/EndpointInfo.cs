using System.Runtime.InteropServices;

namespace Plexus.Datapath.Maps;

// Mirrors a struct of bpf/lib/maps.h: field order, sizes and offsets must match (MapLayoutTests checks them).
/// <summary><c>struct endpoint_info</c>: where a local endpoint is and who it is.</summary>
[StructLayout(LayoutKind.Sequential)]
public struct EndpointInfo
{
    /// <summary>Host-side veth ifindex.</summary>
    public uint IfIndex;

    /// <summary>Security identity.</summary>
    public uint Identity;

    /// <summary>Endpoint id (node-local).</summary>
    public ushort EndpointId;

    /// <summary><see cref="DatapathConstants.EndpointReady"/> and friends.</summary>
    public ushort Flags;

    /// <summary>The pod's eth0 MAC.</summary>
    public Mac Mac;

    /// <summary>The host-side veth MAC (the pod's gateway).</summary>
    public Mac NodeMac;
}
