using Plexus.Model;
using Plexus.Store;

namespace Plexus.Agent.Configuration;

/// <summary>The agent's immutable configuration, from the YAML file with command-line flags applied on top.</summary>
public sealed record AgentConfig
{
    /// <summary>This node's name, unique in its cluster.</summary>
    public required string Node { get; init; }

    /// <summary>The cluster this node belongs to.</summary>
    public required string Cluster { get; init; }

    /// <summary>Cluster id, 1–255 (0 = not meshed).</summary>
    public int ClusterId { get; init; }

    /// <summary>How to reach the store (URL and TLS files).</summary>
    public required StoreOptions Store { get; init; }

    /// <summary>Path of the REST API unix socket (created with mode 0600).</summary>
    public required string ApiSocket { get; init; }

    /// <summary>Directory for state that must survive restarts (lease id, later pins).</summary>
    public required string StateDir { get; init; }

    /// <summary>TTL of the node lease; keep-alives go out every third of it.</summary>
    public TimeSpan LeaseTtl { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>The node's underlay addresses; detected from the interfaces when empty.</summary>
    public IReadOnlyList<string> Addresses { get; init; } = [];

    /// <summary>The cluster's pod CIDR; the node claims a /24 block of it. Null: no datapath, the agent only registers its node.</summary>
    public Cidr? PodCidr { get; init; }

    /// <summary>The underlay device carrying node-to-node and external traffic.</summary>
    public string UnderlayDevice { get; init; } = "eth0";

    /// <summary>bpffs directory of this node's pinned maps.</summary>
    public required string BpfPinDirectory { get; init; }

    /// <summary>How often unused identities are looked for.</summary>
    public TimeSpan IdentityGcInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>How long an identity must stay unused before it is deleted.</summary>
    public TimeSpan IdentityGcGrace { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>The service CIDR(s) cluster IPs come from (default 10.96.0.0/12).</summary>
    public IReadOnlyList<Cidr> ServiceCidrs { get; init; } = [Cidr.Parse("10.96.0.0/12")];

    /// <summary>The pools LoadBalancer Services get their addresses from; empty: LoadBalancer Services stay pending.</summary>
    public IReadOnlyList<Cidr> LoadBalancerPools { get; init; } = [];

    /// <summary>Maglev lookup table size per service (a prime 251–131071; REFERENCE: should exceed 100 × backends).</summary>
    public int MaglevTableSize { get; init; } = DefaultMaglevTableSize;

    /// <summary>How long the service controller waits for a burst of changes to end before it applies them.</summary>
    public TimeSpan ServiceDebounce { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>How long the policy controller waits for a burst of changes to end before it applies them.</summary>
    public TimeSpan PolicyDebounce { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Policy audit mode for every local endpoint: policy drops are reported as AUDIT and forwarded.</summary>
    public bool PolicyAuditMode { get; init; }

    /// <summary>Entries of the policy map the node's endpoints share.</summary>
    public int PolicyMapEntries { get; init; } = Plexus.Datapath.Node.DatapathConfig.DefaultPolicyMapEntries;

    /// <summary>How many flows the node keeps for <c>plexus observe</c> (oldest overwritten).</summary>
    public int FlowRingCapacity { get; init; } = DefaultFlowRingCapacity;

    /// <summary>TCP port of the Prometheus endpoint (<c>/metrics</c>) in the node's network namespace; 0 disables it.</summary>
    public int MetricsPort { get; init; } = DefaultMetricsPort;

    /// <summary>The metrics port when none is configured (Cilium's agent uses 9962).</summary>
    public const int DefaultMetricsPort = 9962;

    /// <summary>JSON-lines file every flow is written to (Hubble's GetFlowsResponse per line); null: no export.</summary>
    public string? FlowExportFile { get; init; }

    /// <summary>Size at which the flow export file is rotated.</summary>
    public long FlowExportMaxSize { get; init; } = Plexus.Agent.Flows.FlowExporter.DefaultMaxSize;

    /// <summary>Rotated flow export files kept besides the live one.</summary>
    public int FlowExportMaxFiles { get; init; } = Plexus.Agent.Flows.FlowExporter.DefaultMaxFiles;

    /// <summary>The flow ring's capacity when none is configured.</summary>
    public const int DefaultFlowRingCapacity = Plexus.Flows.FlowRing.DefaultCapacity;

    /// <summary>The largest flow ring allowed (about 1 GiB of flows at most).</summary>
    public const int MaxFlowRingCapacity = 1 << 20;

    /// <summary>The Maglev table size when none is configured (Cilium's default).</summary>
    public const int DefaultMaglevTableSize = 16381;

    /// <summary>Minimum log level (trace, debug, information, warning, error).</summary>
    public string LogLevel { get; init; } = "information";
}
