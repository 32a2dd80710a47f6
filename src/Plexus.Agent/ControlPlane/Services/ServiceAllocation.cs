using System.Net;

namespace Plexus.Agent.ControlPlane.Services;

/// <summary>The outcome of <see cref="ServiceAllocator.AllocateAsync"/>: everything a Service holds, or every reason it holds nothing new.</summary>
/// <param name="Owner">The Service, <c>namespace/name</c>.</param>
/// <param name="ClusterIP">The cluster IP; null for a headless Service or on failure.</param>
/// <param name="NodePorts">Node port per service port (<c>80/TCP</c> → 30080); empty unless NodePort or LoadBalancer.</param>
/// <param name="LoadBalancerIP">The load-balancer address (for <c>status.loadBalancer</c>); null unless LoadBalancer.</param>
/// <param name="Errors">Why the Service could not be given its values (conflicts, exhaustion, out of range); empty on success.</param>
public sealed record ServiceAllocation(
    string Owner, IPAddress? ClusterIP, IReadOnlyDictionary<string, int> NodePorts, IPAddress? LoadBalancerIP, IReadOnlyList<string> Errors)
{
    /// <summary>True when every value the Service needs is held.</summary>
    public bool Succeeded => Errors.Count == 0;

    /// <summary>True for a headless Service that succeeded (no cluster IP by design).</summary>
    public bool IsHeadless { get; init; }
}
