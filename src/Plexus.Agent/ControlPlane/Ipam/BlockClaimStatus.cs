namespace Plexus.Agent.ControlPlane.Ipam;

/// <summary>How a block claim ended.</summary>
public enum BlockClaimStatus
{
    /// <summary>The node already owned the block (e.g. claimed by an earlier run of the agent).</summary>
    Reused,

    /// <summary>The node claimed a free block just now.</summary>
    Claimed,

    /// <summary>Every block of the cluster pod CIDR belongs to some node.</summary>
    Exhausted,
}
