using Plexus.Model.State;

namespace Plexus.Agent.ControlPlane.Identity;

/// <summary>The outcome of <see cref="IdentityAllocator.AcquireAsync"/>.</summary>
/// <param name="Status">How it ended.</param>
/// <param name="Identity">The numeric identity (0 when it failed).</param>
/// <param name="Labels">The labels acquired.</param>
/// <param name="Message">A sentence for logs and status output.</param>
public sealed record IdentityAllocation(IdentityAllocationStatus Status, uint Identity, IdentityLabels Labels, string Message)
{
    /// <summary>True when <see cref="Identity"/> is valid and (unless reserved) referenced by this node.</summary>
    public bool Succeeded => Status is IdentityAllocationStatus.Created or IdentityAllocationStatus.Found
        or IdentityAllocationStatus.Held or IdentityAllocationStatus.Reserved;
}
