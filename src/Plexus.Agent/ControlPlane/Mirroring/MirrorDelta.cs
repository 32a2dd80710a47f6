using System.Collections.Immutable;

namespace Plexus.Agent.ControlPlane.Mirroring;

/// <summary>
/// One change of a mirrored prefix: what was added, updated and removed, and the snapshot after it. A delta from a
/// (re)list (<see cref="IsFullSync"/>) is the exact difference between the previous snapshot and the listed state.
/// </summary>
/// <param name="Snapshot">Every entry after the change, by store key.</param>
/// <param name="Added">Keys that appeared, with their values.</param>
/// <param name="Updated">Keys whose value changed.</param>
/// <param name="Removed">Keys that disappeared, with their last values.</param>
/// <param name="Revision">The store revision the snapshot reflects.</param>
/// <param name="IsFullSync">True for the first list and every resync after a compaction; false for a watch event.</param>
public sealed record MirrorDelta<T>(
    ImmutableDictionary<string, T> Snapshot,
    IReadOnlyList<KeyValuePair<string, T>> Added,
    IReadOnlyList<MirrorUpdate<T>> Updated,
    IReadOnlyList<KeyValuePair<string, T>> Removed,
    long Revision,
    bool IsFullSync)
{
    /// <summary>True when nothing was added, updated or removed.</summary>
    public bool IsEmpty => Added.Count == 0 && Updated.Count == 0 && Removed.Count == 0;
}
