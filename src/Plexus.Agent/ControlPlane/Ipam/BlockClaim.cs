using System.Diagnostics.CodeAnalysis;
using Plexus.Model;

namespace Plexus.Agent.ControlPlane.Ipam;

/// <summary>The outcome of <see cref="BlockAllocator.ClaimAsync"/>: the node's block, or why there is none.</summary>
/// <param name="Status">Reused, claimed or exhausted.</param>
/// <param name="Block">The node's block; null when exhausted.</param>
/// <param name="Message">A sentence for logs and status output.</param>
public sealed record BlockClaim(BlockClaimStatus Status, Cidr? Block, string Message)
{
    /// <summary>True when <see cref="Block"/> holds the node's block.</summary>
    [MemberNotNullWhen(true, nameof(Block))]
    public bool Succeeded => Block is not null;
}
