using System.Collections.Immutable;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Plexus.Model.State;
using Plexus.Store;

namespace Plexus.Agent.ControlPlane.Identity;

/// <summary>
/// Maps label sets to cluster-unique numeric identities, shared by every node through the store:
/// <c>plexus/identities/id/&lt;n&gt;</c> holds the canonical labels (CAS-created), <c>plexus/identities/labels/&lt;sha256&gt;</c>
/// holds <c>n</c> (CAS-created, so racing nodes agree on one number), and <c>plexus/identities/refs/&lt;n&gt;/&lt;node&gt;</c>
/// marks that this node uses <c>n</c> (under the node's lease). Local users are counted in memory; the store
/// reference exists while the count is above zero.
/// </summary>
/// <remarks>
/// After writing its reference a node always rewrites the id key (CAS on its mod revision). The garbage collector
/// deletes an id key only with a CAS on a mod revision it read before it saw no references, so either the rewrite
/// fails (the identity was collected: drop the reference and start over) or the collection does.
/// <para>
/// The node remembers the id and labels keys' revisions of the identities it released last (<see cref="ReleasedLimit"/>),
/// so that acquiring one of them again, as a workload scaled to zero and back or a node's last pod of a deployment
/// replaced, is one transaction: the reference and the id key's rewrite, under compares that both keys are unchanged since
/// the release. That takes 1 store round trip where the general path takes 4 (index read, reference, id read, CAS): a
/// create call took 13-15 ms instead of 7-8 when its labels were not held. When a compare fails (another node referenced
/// the identity since, or it was collected), the transaction's failure branch reads both keys, and a consistent pair is
/// tried once more before the general path.
/// </para>
/// </remarks>
public sealed partial class IdentityAllocator : IDisposable
{
    private const int MaxAttempts = 10_000;

    /// <summary>How many released identities the node remembers for a one-transaction reacquisition (the oldest go first).</summary>
    public const int ReleasedLimit = 1024;

    private readonly IStore _store;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private ImmutableDictionary<uint, HeldIdentity> _held = ImmutableDictionary<uint, HeldIdentity>.Empty;
    private ImmutableDictionary<string, uint> _byLabels = ImmutableDictionary.Create<string, uint>(StringComparer.Ordinal);

    // Written under _gate and _releasedLock, read under _releasedLock: identities this node released, by canonical labels,
    // with the revisions their keys had then, in the order they were released (the oldest first).
    private readonly Lock _releasedLock = new();
    private readonly Dictionary<string, LinkedListNode<Released>> _released = new(StringComparer.Ordinal);
    private readonly LinkedList<Released> _releaseOrder = new();
    private Func<string, uint?>? _known;

    /// <summary>Creates the allocator of <paramref name="node"/>, allocating from the range of <paramref name="clusterId"/> (0–255).</summary>
    public IdentityAllocator(IStore store, string node, int clusterId, ILogger<IdentityAllocator> logger)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentException.ThrowIfNullOrEmpty(node);
        ArgumentNullException.ThrowIfNull(logger);
        (_store, _logger, Node, ClusterId) = (store, logger, node, clusterId);
        FirstIdentity = IdentityNumbers.FirstAllocated(clusterId);
        LastIdentity = IdentityNumbers.LastAllocated(clusterId);
    }

    /// <summary>The node whose references this allocator writes.</summary>
    public string Node { get; }

    /// <summary>The cluster id that selects the number range.</summary>
    public int ClusterId { get; }

    /// <summary>First number this allocator hands out: <c>clusterId &lt;&lt; 16 + 256</c>.</summary>
    public uint FirstIdentity { get; }

    /// <summary>Last number this allocator hands out: <c>(clusterId + 1) &lt;&lt; 16 − 1</c>.</summary>
    public uint LastIdentity { get; }

    /// <summary>The identities this node references, by number.</summary>
    public ImmutableDictionary<uint, HeldIdentity> Held => Volatile.Read(ref _held);

    /// <summary>
    /// Returns the identity of <paramref name="labels"/>, creating it when no node has, and references it from this node
    /// under <paramref name="lease"/>. Every call must be paired with one <see cref="ReleaseAsync"/>. Reserved label sets
    /// (<c>reserved:host</c>, …) return their number without touching the store.
    /// </summary>
    /// <exception cref="StoreUnavailableException">The store could not be reached; retry later.</exception>
    public async Task<IdentityAllocation> AcquireAsync(IdentityLabels labels, long lease, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.Reserved is { } reserved)
        {
            return new IdentityAllocation(IdentityAllocationStatus.Reserved, (uint)reserved, labels, $"reserved identity {(uint)reserved}");
        }

        if (labels.Count == 0)
        {
            throw new ArgumentException("an identity needs at least one label", nameof(labels));
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(lease);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_byLabels.TryGetValue(labels.Canonical, out var heldId))
            {
                var held = _held[heldId];
                Volatile.Write(ref _held, _held.SetItem(heldId, held with { Count = held.Count + 1 }));
                return new IdentityAllocation(IdentityAllocationStatus.Held, heldId, labels, $"identity {heldId} already referenced by {Node}");
            }

            var (status, identity) = await AcquireInStoreAsync(labels, lease, cancellationToken).ConfigureAwait(false);
            switch (status)
            {
                case IdentityAllocationStatus.Created or IdentityAllocationStatus.Found:
                    Volatile.Write(ref _held, _held.SetItem(identity, new HeldIdentity(identity, labels, 1)));
                    _byLabels = _byLabels.SetItem(labels.Canonical, identity);
                    LogAcquired(_logger, identity, status, labels.Canonical);
                    return new IdentityAllocation(status, identity, labels, $"identity {identity} {(status == IdentityAllocationStatus.Created ? "created" : "found")} for {labels}");
                case IdentityAllocationStatus.Exhausted:
                    LogExhausted(_logger, FirstIdentity, LastIdentity, labels.Canonical);
                    return new IdentityAllocation(status, 0, labels, $"no free identity in [{FirstIdentity}, {LastIdentity}] for {labels}");
                default:
                    return new IdentityAllocation(status, 0, labels, $"lease {lease} no longer exists; acquire again with the node's new lease");
            }
        }
        catch (LeaseNotFoundException)
        {
            return new IdentityAllocation(IdentityAllocationStatus.LeaseNotFound, 0, labels, $"lease {lease} no longer exists; acquire again with the node's new lease");
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Lets the allocator look up the cluster's identities by labels (canonical form → number; the policy controller's
    /// mirror of the id keys) for labels this node neither holds nor released lately. Such an identity is referenced in
    /// one store transaction instead of four round trips, and <see cref="Expected"/> gives its number beforehand.
    /// </summary>
    public void UseKnownIdentities(Func<string, uint?> lookup) => Volatile.Write(ref _known, lookup);

    /// <summary>
    /// The number <see cref="AcquireAsync"/> will most likely give <paramref name="labels"/>, known without the store: the
    /// identity this node holds for them, the one it released last (reacquired unless it was collected since), the one
    /// the cluster has for them (<see cref="UseKnownIdentities"/>), or a reserved number; null when the store must be
    /// asked. Lets a caller do work that needs the number while the store confirms it.
    /// </summary>
    public uint? Expected(IdentityLabels labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.Reserved is { } reserved)
        {
            return (uint)reserved;
        }

        if (Volatile.Read(ref _byLabels).TryGetValue(labels.Canonical, out var held))
        {
            return held;
        }

        lock (_releasedLock)
        {
            if (_released.TryGetValue(labels.Canonical, out var node))
            {
                return node.Value.Identity;
            }
        }

        return Volatile.Read(ref _known)?.Invoke(labels.Canonical);
    }

    /// <summary>
    /// Drops one local use of <paramref name="identity"/>; the last one deletes this node's store reference. Returns true
    /// when the reference was deleted, false while other local users remain or when the node did not hold the identity.
    /// </summary>
    /// <exception cref="StoreUnavailableException">The store could not be reached; nothing changed, retry later.</exception>
    public async Task<bool> ReleaseAsync(uint identity, CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_held.TryGetValue(identity, out var held))
            {
                return false;
            }

            if (held.Count > 1)
            {
                Volatile.Write(ref _held, _held.SetItem(identity, held with { Count = held.Count - 1 }));
                return false;
            }

            // The reads come with the delete at no extra round trip: they let the next acquisition of these labels skip
            // the general path.
            var idKey = StoreKeys.IdentityId(identity);
            var indexKey = StoreKeys.IdentityByLabels(held.Labels);
            var deleted = await _store.TransactAsync(
                [], [StoreOp.Delete(StoreKeys.IdentityRef(identity, Node)), StoreOp.Get(idKey), StoreOp.Get(indexKey)], [], cancellationToken).ConfigureAwait(false);
            Volatile.Write(ref _held, _held.Remove(identity));
            _byLabels = _byLabels.Remove(held.Labels.Canonical);
            Remember(identity, held.Labels, deleted.Reads[0], deleted.Reads[1]);
            LogReleased(_logger, identity);
            return true;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Writes this node's references again under <paramref name="lease"/> (after the node lost its lease and got a new
    /// one). Returns the identities that no longer exist in the store (collected while unreferenced): they are dropped
    /// from <see cref="Held"/> and their users must acquire again.
    /// </summary>
    /// <exception cref="StoreUnavailableException">The store could not be reached; retry later.</exception>
    /// <exception cref="LeaseNotFoundException"><paramref name="lease"/> does not exist.</exception>
    public async Task<IReadOnlyList<uint>> RepublishAsync(long lease, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(lease);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var lost = new List<uint>();
            foreach (var held in _held.Values.OrderBy(h => h.Identity))
            {
                if (!await ReferenceAsync(held.Identity, held.Labels, lease, cancellationToken).ConfigureAwait(false))
                {
                    lost.Add(held.Identity);
                    Volatile.Write(ref _held, _held.Remove(held.Identity));
                    _byLabels = _byLabels.Remove(held.Labels.Canonical);
                    LogLost(_logger, held.Identity, held.Labels.Canonical);
                }
            }

            return lost;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Deletes this node's store references to identities it does not hold (left by an earlier run of the agent under
    /// the same lease); call once the endpoints are restored. Returns how many were deleted.
    /// </summary>
    /// <exception cref="StoreUnavailableException">The store could not be reached; retry later.</exception>
    public async Task<int> RemoveStaleReferencesAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var refs = await _store.ListAsync(StoreKeys.IdentityRefsPrefix, cancellationToken).ConfigureAwait(false);
            var removed = 0;
            foreach (var kv in refs.Items)
            {
                if (IdentityKeys.TryParseRef(kv.Key, out var identity, out var node) && node == Node && !_held.ContainsKey(identity)
                    && await _store.DeleteAsync(kv.Key, cancellationToken).ConfigureAwait(false))
                {
                    removed++;
                }
            }

            return removed;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The labels of <paramref name="identity"/> (reserved ones included); null when no such identity exists.</summary>
    /// <exception cref="StoreUnavailableException">The store could not be reached; retry later.</exception>
    public async Task<IdentityLabels?> LookupAsync(uint identity, CancellationToken cancellationToken = default)
    {
        if (Enum.IsDefined((ReservedIdentity)identity))
        {
            return IdentityLabels.ForReserved((ReservedIdentity)identity);
        }

        var kv = await _store.GetAsync(StoreKeys.IdentityId(identity), cancellationToken).ConfigureAwait(false);
        return kv is not null && IdentityLabels.TryParse(kv.Value, out var labels) ? labels : null;
    }

    /// <summary>The identity of <paramref name="labels"/> if one exists (nothing is allocated or referenced).</summary>
    /// <exception cref="StoreUnavailableException">The store could not be reached; retry later.</exception>
    public async Task<uint?> LookupAsync(IdentityLabels labels, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.Reserved is { } reserved)
        {
            return (uint)reserved;
        }

        var index = await _store.GetAsync(StoreKeys.IdentityByLabels(labels), cancellationToken).ConfigureAwait(false);
        if (index is null || !IdentityKeys.TryParseNumber(index.Value, out var identity))
        {
            return null;
        }

        var kv = await _store.GetAsync(StoreKeys.IdentityId(identity), cancellationToken).ConfigureAwait(false);
        return kv?.Value == labels.Canonical ? identity : null;
    }

    /// <inheritdoc />
    public void Dispose() => _gate.Dispose();

    private async Task<(IdentityAllocationStatus Status, uint Identity)> AcquireInStoreAsync(
        IdentityLabels labels, long lease, CancellationToken cancellationToken)
    {
        if (await ReacquireAsync(labels, lease, cancellationToken).ConfigureAwait(false) is { } again)
        {
            return (IdentityAllocationStatus.Found, again);
        }

        if (Volatile.Read(ref _known)?.Invoke(labels.Canonical) is { } known
            && await ReferenceKnownAsync(known, labels, lease, cancellationToken).ConfigureAwait(false))
        {
            return (IdentityAllocationStatus.Found, known);
        }

        var indexKey = StoreKeys.IdentityByLabels(labels);
        HashSet<uint>? used = null;
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var index = await _store.GetAsync(indexKey, cancellationToken).ConfigureAwait(false);
            if (index is not null)
            {
                if (IdentityKeys.TryParseNumber(index.Value, out var existing)
                    && await ReferenceAsync(existing, labels, lease, cancellationToken).ConfigureAwait(false))
                {
                    return (IdentityAllocationStatus.Found, existing);
                }

                // The index points to an identity that was collected (or is corrupt): drop it unless someone replaced it.
                LogStaleIndex(_logger, index.Value, labels.Canonical);
                await _store.DeleteIfAsync(indexKey, index.ModRevision, cancellationToken).ConfigureAwait(false);
                continue;
            }

            used ??= await ListUsedAsync(cancellationToken).ConfigureAwait(false);
            var candidate = NextFree(used);
            if (candidate is not { } identity)
            {
                return (IdentityAllocationStatus.Exhausted, 0);
            }

            var idKey = StoreKeys.IdentityId(identity);
            var created = await _store.CreateAsync(idKey, labels.Canonical, 0, cancellationToken).ConfigureAwait(false);
            used.Add(identity);
            if (!created.Succeeded)
            {
                // Taken since the list, perhaps by a node creating these very labels: look at the index again.
                continue;
            }

            var indexed = await _store.CreateAsync(indexKey, identity.ToString(CultureInfo.InvariantCulture), 0, cancellationToken).ConfigureAwait(false);
            if (!indexed.Succeeded)
            {
                // Another node created an identity for the same labels first: use theirs, give this number back.
                await _store.DeleteIfAsync(idKey, created.Revision, cancellationToken).ConfigureAwait(false);
                used.Remove(identity);
                continue;
            }

            if (await ReferenceAsync(identity, labels, lease, cancellationToken).ConfigureAwait(false))
            {
                return (IdentityAllocationStatus.Created, identity);
            }
        }

        throw new InvalidOperationException($"identity allocation for {labels} did not settle after {MaxAttempts} attempts");
    }

    // The one-transaction path for labels this node released: references the identity remembered for them when its id
    // and labels keys are as they were (the rewrite of the id key in the same transaction is the general path's CAS), or,
    // after a failed compare, as the failure branch read them if they still agree. Null: take the general path.
    private async Task<uint?> ReacquireAsync(IdentityLabels labels, long lease, CancellationToken cancellationToken)
    {
        Released known;
        lock (_releasedLock)
        {
            if (!_released.Remove(labels.Canonical, out var node))
            {
                return null;
            }

            _releaseOrder.Remove(node);
            known = node.Value;
        }

        var idKey = StoreKeys.IdentityId(known.Identity);
        var indexKey = StoreKeys.IdentityByLabels(labels);
        for (var attempt = 0; attempt < 2; attempt++)
        {
            var txn = await _store.TransactAsync(
                [StoreCompare.ModRevisionIs(idKey, known.IdRevision), StoreCompare.ModRevisionIs(indexKey, known.IndexRevision)],
                [StoreOp.Put(StoreKeys.IdentityRef(known.Identity, Node), Node, lease), StoreOp.Put(idKey, labels.Canonical)],
                [StoreOp.Get(idKey), StoreOp.Get(indexKey)],
                cancellationToken).ConfigureAwait(false);
            if (txn.Succeeded)
            {
                return known.Identity;
            }

            if (Consistent(known.Identity, labels, txn.Reads[0], txn.Reads[1]) is not { } current)
            {
                return null;
            }

            known = current;
        }

        return null;
    }

    // The one-transaction path for labels the cluster already has an identity for: references `identity` when its id key
    // holds the labels and the labels key holds the number (the id key's rewrite in the same transaction is the general
    // path's CAS against a collector). False: the view was stale (collected, or another number); take the general path.
    private async Task<bool> ReferenceKnownAsync(uint identity, IdentityLabels labels, long lease, CancellationToken cancellationToken)
    {
        var idKey = StoreKeys.IdentityId(identity);
        var txn = await _store.TransactAsync(
            [StoreCompare.ValueIs(idKey, labels.Canonical), StoreCompare.ValueIs(StoreKeys.IdentityByLabels(labels), identity.ToString(CultureInfo.InvariantCulture))],
            [StoreOp.Put(StoreKeys.IdentityRef(identity, Node), Node, lease), StoreOp.Put(idKey, labels.Canonical)],
            [],
            cancellationToken).ConfigureAwait(false);
        return txn.Succeeded;
    }

    // Remembers a released identity when its keys agree (the id key holds the labels, the labels key the number).
    private void Remember(uint identity, IdentityLabels labels, KeyValue? id, KeyValue? index)
    {
        if (Consistent(identity, labels, id, index) is not { } released)
        {
            return;
        }

        lock (_releasedLock)
        {
            if (_released.Remove(labels.Canonical, out var stale))
            {
                _releaseOrder.Remove(stale);
            }

            if (_released.Count >= ReleasedLimit && _releaseOrder.First is { } oldest)
            {
                _released.Remove(oldest.Value.Labels);
                _releaseOrder.RemoveFirst();
            }

            _released[labels.Canonical] = _releaseOrder.AddLast(released);
        }
    }

    private static Released? Consistent(uint identity, IdentityLabels labels, KeyValue? id, KeyValue? index) =>
        id?.Value == labels.Canonical && index is not null && IdentityKeys.TryParseNumber(index.Value, out var indexed) && indexed == identity
            ? new Released(identity, labels.Canonical, id.ModRevision, index.ModRevision)
            : null;

    // References an identity: writes the ref under the lease, then rewrites the id key with a CAS so that a collector
    // that saw no references before our ref cannot delete it any more. False (ref removed) when the identity is gone.
    private async Task<bool> ReferenceAsync(uint identity, IdentityLabels labels, long lease, CancellationToken cancellationToken)
    {
        var refKey = StoreKeys.IdentityRef(identity, Node);
        await _store.PutAsync(refKey, Node, lease, cancellationToken).ConfigureAwait(false);
        var idKey = StoreKeys.IdentityId(identity);
        var current = await _store.GetAsync(idKey, cancellationToken).ConfigureAwait(false);
        if (current is not null && current.Value == labels.Canonical)
        {
            var touched = await _store.UpdateAsync(idKey, current.Value, current.ModRevision, 0, cancellationToken).ConfigureAwait(false);

            // A failed CAS means someone wrote the key after our read, which came after our ref: if it still holds
            // our labels, that write also protects it.
            current = touched.Succeeded ? current : await _store.GetAsync(idKey, cancellationToken).ConfigureAwait(false);
            if (current is not null && current.Value == labels.Canonical)
            {
                return true;
            }
        }

        await _store.DeleteAsync(refKey, cancellationToken).ConfigureAwait(false);
        return false;
    }

    private async Task<HashSet<uint>> ListUsedAsync(CancellationToken cancellationToken)
    {
        var ids = await _store.ListAsync(StoreKeys.IdentityIdsPrefix, cancellationToken).ConfigureAwait(false);
        var used = new HashSet<uint>();
        foreach (var kv in ids.Items)
        {
            if (IdentityKeys.TryParseId(kv.Key, out var identity))
            {
                used.Add(identity);
            }
        }

        return used;
    }

    private uint? NextFree(HashSet<uint> used)
    {
        for (long candidate = FirstIdentity; candidate <= LastIdentity; candidate++)
        {
            if (!used.Contains((uint)candidate))
            {
                return (uint)candidate;
            }
        }

        return null;
    }

    private readonly record struct Released(uint Identity, string Labels, long IdRevision, long IndexRevision);

    [LoggerMessage(EventId = 1300, Level = LogLevel.Debug, Message = "Identity {Identity} {Status} for {Labels}")]
    private static partial void LogAcquired(ILogger logger, uint identity, IdentityAllocationStatus status, string labels);

    [LoggerMessage(EventId = 1301, Level = LogLevel.Debug, Message = "Identity {Identity}: reference released")]
    private static partial void LogReleased(ILogger logger, uint identity);

    [LoggerMessage(EventId = 1302, Level = LogLevel.Error, Message = "No free identity in [{First}, {Last}] for {Labels}")]
    private static partial void LogExhausted(ILogger logger, uint first, uint last, string labels);

    [LoggerMessage(EventId = 1303, Level = LogLevel.Warning, Message = "Identity {Identity} ({Labels}) was collected while this node's lease was gone")]
    private static partial void LogLost(ILogger logger, uint identity, string labels);

    [LoggerMessage(EventId = 1304, Level = LogLevel.Debug, Message = "Labels index entry {Value} for {Labels} is stale; dropping it")]
    private static partial void LogStaleIndex(ILogger logger, string value, string labels);
}
