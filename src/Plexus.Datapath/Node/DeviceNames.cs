namespace Plexus.Datapath.Node;

/// <summary>Names of the devices Plexus creates on a node.</summary>
public static class DeviceNames
{
    /// <summary>The VXLAN device in external (collect-metadata) mode.</summary>
    public const string Overlay = "plx_vxlan";

    /// <summary>The host-side veth of endpoint <paramref name="endpointId"/> (at most 15 characters).</summary>
    public static string HostVeth(int endpointId) => $"lxc{endpointId:x5}";

    /// <summary>Whether <paramref name="name"/> is a host-side endpoint veth.</summary>
    public static bool IsHostVeth(string name) => name.StartsWith("lxc", StringComparison.Ordinal) && name.Length == 8;
}
