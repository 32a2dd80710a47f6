using System.Diagnostics.CodeAnalysis;
using System.Net;

namespace Plexus.Agent.ControlPlane.Services;

/// <summary>The outcome of <see cref="ServiceIpAllocator.AllocateAsync"/>: the Service's address, or why there is none.</summary>
/// <param name="Status">What happened.</param>
/// <param name="Address">The Service's address; null unless allocated, claimed or existing.</param>
/// <param name="Message">A sentence for logs, events and CLI errors.</param>
public sealed record ServiceIpAllocation(ServiceAllocationStatus Status, IPAddress? Address, string Message)
{
    /// <summary>True when <see cref="Address"/> holds the Service's address.</summary>
    [MemberNotNullWhen(true, nameof(Address))]
    public bool Succeeded => Address is not null;
}
