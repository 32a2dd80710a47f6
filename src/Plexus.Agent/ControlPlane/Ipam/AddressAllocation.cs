using System.Diagnostics.CodeAnalysis;
using System.Net;

namespace Plexus.Agent.ControlPlane.Ipam;

/// <summary>The outcome of <see cref="PodAddressAllocator.AllocateAsync"/>: the owner's address, or why there is none.</summary>
/// <param name="Status">Allocated, existing or exhausted.</param>
/// <param name="Address">The owner's address; null when exhausted.</param>
/// <param name="Message">A sentence for logs and CNI errors.</param>
public sealed record AddressAllocation(AddressAllocationStatus Status, IPAddress? Address, string Message)
{
    /// <summary>True when <see cref="Address"/> holds the owner's address.</summary>
    [MemberNotNullWhen(true, nameof(Address))]
    public bool Succeeded => Address is not null;
}
