using System.Diagnostics.CodeAnalysis;

namespace Plexus.Agent.ControlPlane.Services;

/// <summary>The outcome of <see cref="NodePortAllocator.AllocateAsync"/>: the service port's node port, or why there is none.</summary>
/// <param name="Status">What happened.</param>
/// <param name="NodePort">The node port; null unless allocated, claimed or existing.</param>
/// <param name="Message">A sentence for logs, events and CLI errors.</param>
public sealed record NodePortAllocation(ServiceAllocationStatus Status, int? NodePort, string Message)
{
    /// <summary>True when <see cref="NodePort"/> holds the node port.</summary>
    [MemberNotNullWhen(true, nameof(NodePort))]
    public bool Succeeded => NodePort is not null;
}
