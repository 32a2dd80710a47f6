namespace Plexus.Integration.Tests.Conformance;

/// <summary>One NetworkPolicy conformance case: its number in the shared list, the upstream test it re-expresses, and its steps.</summary>
/// <param name="Number">Number in <c>shared/conformance/k8s-netpol-e2e.md</c> (100 and up: cases not covered upstream).</param>
/// <param name="Upstream">The upstream test name (kubernetes/kubernetes test/e2e/network/netpol/network_policy.go), or what the own case checks.</param>
/// <param name="Steps">Steps, run in order; policies and labels accumulate until the case ends.</param>
public sealed record ConformanceCase(int Number, string Upstream, IReadOnlyList<ConformanceStep> Steps)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Number}: {Upstream}";
}

/// <summary>What a step does (apply manifests, delete every policy, label, recreate pods: in that order), then the matrices it expects.</summary>
public sealed record ConformanceStep
{
    /// <summary>Policy manifests to apply; <c>{ip:NS/POD}</c> becomes the pod's address, <c>{pods}</c> the cluster's pod CIDR.</summary>
    public IReadOnlyList<string> Apply { get; init; } = [];

    /// <summary>Whether to delete every policy first.</summary>
    public bool DeleteAllPolicies { get; init; }

    /// <summary><c>plexus label</c> arguments, e.g. <c>pod x/b pod2=updated</c> or <c>namespace y ns2=updated</c>.</summary>
    public IReadOnlyList<string> Label { get; init; } = [];

    /// <summary>Pods (<c>NS/POD</c>) whose endpoints are deleted and created again.</summary>
    public IReadOnlyList<string> Recreate { get; init; } = [];

    /// <summary>The expected matrices.</summary>
    public required IReadOnlyList<ConformanceProbe> Probes { get; init; }
}

/// <summary>Probe every pair on one port and protocol (to the target's Service address) and expect <paramref name="Denied"/> (<see cref="DenialNotation"/>).</summary>
/// <param name="Port">Service port (same as the pod port).</param>
/// <param name="Protocol"><c>tcp</c> or <c>udp</c>.</param>
/// <param name="Denied">Expected denials.</param>
/// <param name="To">Only these targets (<c>NS/POD</c>, comma-separated), e.g. when only they serve the port; null = every pod.</param>
public sealed record ConformanceProbe(int Port, string Protocol, string Denied, string? To = null)
{
    /// <inheritdoc/>
    public override string ToString() => $"{Port}/{Protocol}{(To is null ? "" : $" to {To}")}";
}
