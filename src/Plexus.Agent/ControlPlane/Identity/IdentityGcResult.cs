namespace Plexus.Agent.ControlPlane.Identity;

/// <summary>What one garbage-collection pass did.</summary>
/// <param name="Deleted">Identities deleted in this pass (id key and labels index entry).</param>
/// <param name="Pending">Unreferenced identities still inside their grace period.</param>
/// <param name="StaleIndexEntriesDeleted">Labels index entries deleted because their identity no longer existed.</param>
public sealed record IdentityGcResult(IReadOnlyList<uint> Deleted, IReadOnlyList<uint> Pending, int StaleIndexEntriesDeleted);
