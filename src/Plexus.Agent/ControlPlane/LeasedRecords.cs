using System.Collections.Concurrent;
using Plexus.Store;

namespace Plexus.Agent.ControlPlane;

/// <summary>
/// The records a node keeps in the store under its lease, remembered so they can be written again under a new lease
/// (a lost lease takes its keys with it). Callers serialize writes per key.
/// </summary>
internal sealed class LeasedRecords(IStore store)
{
    private readonly ConcurrentDictionary<string, string> _desired = new(StringComparer.Ordinal);

    /// <summary>Remembers and writes a record; false when the lease is gone (the record is written by the next republish).</summary>
    public Task<bool> PutAsync(string key, string value, long lease, CancellationToken cancellationToken) =>
        PutTogetherAsync(store, [(this, key, value)], lease, cancellationToken);

    /// <summary>
    /// Remembers and writes records of several holders in one store transaction (one round trip: a pod's endpoint and
    /// ipcache records appear together), a single record with a plain put; false when the lease is gone (nothing was
    /// written; republish writes them).
    /// </summary>
    public static async Task<bool> PutTogetherAsync(
        IStore store, IReadOnlyList<(LeasedRecords Holder, string Key, string Value)> records, long lease, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(records);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(lease);
        foreach (var (holder, key, value) in records)
        {
            holder._desired[key] = value;
        }

        try
        {
            if (records.Count == 1)
            {
                await store.PutAsync(records[0].Key, records[0].Value, lease, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await store.TransactAsync([], [.. records.Select(r => StoreOp.Put(r.Key, r.Value, lease))], [], cancellationToken).ConfigureAwait(false);
            }

            return true;
        }
        catch (LeaseNotFoundException)
        {
            return false;
        }
    }

    /// <summary>Forgets and deletes a record; true when it existed in the store.</summary>
    public Task<bool> DeleteAsync(string key, CancellationToken cancellationToken)
    {
        _desired.TryRemove(key, out _);
        return store.DeleteAsync(key, cancellationToken);
    }

    /// <summary>Writes every remembered record under <paramref name="lease"/>; false when that lease is gone too.</summary>
    public async Task<bool> RepublishAsync(long lease, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(lease);
        try
        {
            foreach (var (key, value) in _desired.ToArray())
            {
                await store.PutAsync(key, value, lease, cancellationToken).ConfigureAwait(false);
            }

            return true;
        }
        catch (LeaseNotFoundException)
        {
            return false;
        }
    }
}
