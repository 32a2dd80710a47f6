namespace Plexus.Model;

/// <summary>The spec of a <c>v1</c> Service.</summary>
public sealed record ServiceSpec
{
    /// <summary>Default affinity timeout when ClientIP affinity gives none (3 hours, as Kubernetes).</summary>
    public const int DefaultAffinityTimeoutSeconds = 10800;

    /// <summary>Service type; ClusterIP when not written.</summary>
    public ServiceType Type { get; init; } = ServiceType.ClusterIP;

    /// <summary>Pod labels that select the backends; empty = backends managed elsewhere.</summary>
    public IReadOnlyDictionary<string, string> Selector { get; init => field = ValueMap.From(value); } = ValueMap.Empty;

    /// <summary>Ports.</summary>
    public IReadOnlyList<ServicePort> Ports { get; init => field = ValueList<ServicePort>.From(value); } = ValueList<ServicePort>.Empty;

    /// <summary>Requested cluster IP; null = allocate; <c>None</c> = headless.</summary>
    public string? ClusterIP { get; init; }

    /// <summary>True for a headless Service (<c>clusterIP: None</c>).</summary>
    public bool IsHeadless => ClusterIP == "None";

    /// <summary>Requested cluster IPs (one per family).</summary>
    public IReadOnlyList<string> ClusterIPs { get; init => field = ValueList<string>.From(value); } = ValueList<string>.Empty;

    /// <summary>Session affinity.</summary>
    public SessionAffinity SessionAffinity { get; init; } = SessionAffinity.None;

    /// <summary>ClientIP affinity timeout as written; null when not written.</summary>
    public int? SessionAffinityTimeoutSeconds { get; init; }

    /// <summary>Requested load-balancer IP.</summary>
    public string? LoadBalancerIP { get; init; }

    /// <summary>Client prefixes allowed to reach the load balancer (empty = all).</summary>
    public IReadOnlyList<Cidr> LoadBalancerSourceRanges { get; init => field = ValueList<Cidr>.From(value); } = ValueList<Cidr>.Empty;

    /// <summary>Load-balancer implementation class.</summary>
    public string? LoadBalancerClass { get; init; }

    /// <summary>External traffic policy; Cluster when not written.</summary>
    public TrafficPolicy ExternalTrafficPolicy { get; init; } = TrafficPolicy.Cluster;

    /// <summary>Internal traffic policy; Cluster when not written.</summary>
    public TrafficPolicy InternalTrafficPolicy { get; init; } = TrafficPolicy.Cluster;

    /// <summary>Requested address families, in order.</summary>
    public IReadOnlyList<IpFamily> IpFamilies { get; init => field = ValueList<IpFamily>.From(value); } = ValueList<IpFamily>.Empty;

    /// <summary>Family policy; null when not written (single stack).</summary>
    public IpFamilyPolicy? IpFamilyPolicy { get; init; }

    /// <summary>Extra addresses the Service answers on.</summary>
    public IReadOnlyList<string> ExternalIPs { get; init => field = ValueList<string>.From(value); } = ValueList<string>.Empty;

    /// <summary>Whether not-ready backends are published.</summary>
    public bool PublishNotReadyAddresses { get; init; }

    /// <summary>Whether a LoadBalancer Service gets node ports; null when not written (yes).</summary>
    public bool? AllocateLoadBalancerNodePorts { get; init; }

    /// <summary>Health-check node port for <c>externalTrafficPolicy: Local</c>.</summary>
    public int? HealthCheckNodePort { get; init; }

    /// <summary>The affinity timeout in effect for ClientIP affinity.</summary>
    public int EffectiveAffinityTimeoutSeconds => SessionAffinityTimeoutSeconds ?? DefaultAffinityTimeoutSeconds;
}
