namespace Plexus.Datapath.Node;

/// <summary>The objects and their entry programs (bpf/*.c).</summary>
public static class ProgramNames
{
    /// <summary>Object with from-endpoint.</summary>
    public const string LxcObject = "bpf_lxc.o";

    /// <summary>Object with from-overlay and to-overlay.</summary>
    public const string OverlayObject = "bpf_overlay.o";

    /// <summary>Object with from-network.</summary>
    public const string HostObject = "bpf_host.o";

    /// <summary>tc ingress of every host-side endpoint veth.</summary>
    public const string FromEndpoint = "plx_from_endpoint";

    /// <summary>tc ingress of the VXLAN device.</summary>
    public const string FromOverlay = "plx_from_overlay";

    /// <summary>tc egress of the VXLAN device.</summary>
    public const string ToOverlay = "plx_to_overlay";

    /// <summary>tc ingress of the underlay device.</summary>
    public const string FromNetwork = "plx_from_network";
}
