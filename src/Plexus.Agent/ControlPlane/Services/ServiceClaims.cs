using Plexus.Model.State;
using Plexus.Store;

namespace Plexus.Agent.ControlPlane.Services;

/// <summary>The CAS steps shared by the service allocators: create-if-absent per value, and settling an owner that raced itself.</summary>
internal static class ServiceClaims
{
    /// <summary>Every readable allocation record under <paramref name="prefix"/>, with its key and revisions.</summary>
    public static async Task<List<(KeyValue Kv, ServiceAllocationRecord Record)>> ListAsync(IStore store, string prefix, CancellationToken cancellationToken)
    {
        var list = await store.ListAsync(prefix, cancellationToken).ConfigureAwait(false);
        var records = new List<(KeyValue, ServiceAllocationRecord)>(list.Items.Count);
        foreach (var kv in list.Items)
        {
            if (ServiceAllocationRecord.FromJson(kv.Value) is { } record)
            {
                records.Add((kv, record));
            }
        }

        return records;
    }

    /// <summary>
    /// Creates <paramref name="key"/> holding <paramref name="record"/> if absent. When it exists, returns its holder:
    /// the caller tells "already ours" (same owner, kind and service port) from "taken by someone else".
    /// </summary>
    public static async Task<(bool Created, ServiceAllocationRecord? Holder)> TryCreateAsync(
        IStore store, string key, ServiceAllocationRecord record, CancellationToken cancellationToken)
    {
        var created = await store.CreateAsync(key, record.ToJson(), 0, cancellationToken).ConfigureAwait(false);
        if (created.Succeeded)
        {
            return (true, record);
        }

        var current = await store.GetAsync(key, cancellationToken).ConfigureAwait(false);

        // Deleted again between the failed create and the read: report it as taken, the caller moves on.
        return (false, current is null ? null : ServiceAllocationRecord.FromJson(current.Value));
    }

    /// <summary>True when <paramref name="record"/> is the same owner's value of the same kind (and service port).</summary>
    public static bool SameSlot(ServiceAllocationRecord? record, ServiceAllocationRecord wanted) =>
        record is not null && record.Owner == wanted.Owner && record.Kind == wanted.Kind && record.ServicePort == wanted.ServicePort;

    /// <summary>
    /// After an automatic allocation: if racing allocators (other agents) gave the same owner several values of one kind,
    /// the earliest created wins everywhere; a losing caller deletes its own key and returns the winner. Linearizable
    /// stores make every racer see the winner, because the winner was created before the loser listed.
    /// </summary>
    public static async Task<ServiceAllocationRecord> SettleAsync(
        IStore store, string prefix, string ownKey, ServiceAllocationRecord own, CancellationToken cancellationToken)
    {
        var mine = (await ListAsync(store, prefix, cancellationToken).ConfigureAwait(false))
            .Where(r => SameSlot(r.Record, own))
            .OrderBy(r => r.Kv.CreateRevision)
            .ThenBy(r => r.Kv.Key, StringComparer.Ordinal)
            .ToList();
        if (mine.Count <= 1 || mine[0].Kv.Key == ownKey)
        {
            return own;
        }

        if (mine.FirstOrDefault(r => r.Kv.Key == ownKey) is { Kv: not null } lost)
        {
            await store.DeleteIfAsync(ownKey, lost.Kv.ModRevision, cancellationToken).ConfigureAwait(false);
        }

        return mine[0].Record;
    }
}
