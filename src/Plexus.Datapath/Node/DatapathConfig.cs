using System.Net;

namespace Plexus.Datapath.Node;

/// <summary>What the datapath of one node needs to know; immutable.</summary>
public sealed record DatapathConfig
{
    /// <summary>Node name (also names the pin directory).</summary>
    public required string Node { get; init; }

    /// <summary>The node's underlay IPv4 address (the masquerade address and tunnel endpoint).</summary>
    public required IPAddress NodeAddress { get; init; }

    /// <summary>The underlay device (e.g. <c>eth0</c>).</summary>
    public required string UnderlayDevice { get; init; }

    /// <summary>The cluster's pod CIDR, routed into the overlay for the node's own traffic to remote pods.</summary>
    public required IPNetwork ClusterPodCidr { get; init; }

    /// <summary>Cluster id (0–255).</summary>
    public int ClusterId { get; init; }

    /// <summary>
    /// Slots of each service's Maglev table (a prime, 251…131071; default <see cref="Plexus.Model.LoadBalancing.MaglevTable.DefaultSize"/>).
    /// Should exceed 100 × the largest backend count; each service's table costs 4 × M bytes of kernel memory.
    /// </summary>
    public int MaglevTableSize { get; init; } = Plexus.Model.LoadBalancing.MaglevTable.DefaultSize;

    /// <summary>Root of the bpffs directories Plexus pins into.</summary>
    public string PinRoot { get; init; } = "/sys/fs/bpf/plexus";

    /// <summary>Entries of the policy map shared by the node's endpoints (REFERENCE: users overflow Cilium's 16,384 per endpoint past ~16k identities).</summary>
    public int PolicyMapEntries { get; init; } = DefaultPolicyMapEntries;

    /// <summary>The policy map's size when none is configured: room for 10k identities × 1,000 rules on a node (the policy bench needs 77,492).</summary>
    public const int DefaultPolicyMapEntries = 262_144;

    /// <summary>The smallest policy map allowed.</summary>
    public const int MinPolicyMapEntries = 1024;

    /// <summary>The largest policy map allowed.</summary>
    public const int MaxPolicyMapEntries = 4 << 20;

    /// <summary>Where the compiled objects are.</summary>
    public string ObjectDirectory { get; init; } = InstallPaths.BpfDirectory();

    /// <summary>The pin directory of this node's maps.</summary>
    public string PinDirectory => Path.Combine(PinRoot, Node);
}
