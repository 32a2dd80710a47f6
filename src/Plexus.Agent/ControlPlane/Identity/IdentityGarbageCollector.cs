using System.Globalization;
using Microsoft.Extensions.Logging;
using Plexus.Model.State;
using Plexus.Store;

namespace Plexus.Agent.ControlPlane.Identity;

/// <summary>
/// Deletes identities that no node has referenced for a grace period. A pass lists the id keys first and the
/// references second; an unreferenced identity becomes a candidate at the mod revision it was listed with, and is
/// deleted once it stayed unreferenced for <see cref="GracePeriod"/> with a CAS on that mod revision, so a node that
/// re-referenced it in between (which rewrites the id key) wins. Then its labels index entry goes (CAS as well).
/// Several collectors (one per agent) may run at once: the CAS makes them agree.
/// </summary>
public sealed partial class IdentityGarbageCollector
{
    /// <summary>Grace period used when the configuration names none.</summary>
    public static readonly TimeSpan DefaultGracePeriod = TimeSpan.FromMinutes(10);

    /// <summary>Interval between passes used when the configuration names none.</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromMinutes(1);

    private static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(5);

    private readonly IStore _store;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Dictionary<uint, Candidate> _identities = [];
    private readonly Dictionary<string, Candidate> _indexEntries = new(StringComparer.Ordinal);
    private int _running;

    /// <summary>Creates a collector that deletes identities unreferenced for <paramref name="gracePeriod"/> (by <paramref name="timeProvider"/>'s clock).</summary>
    public IdentityGarbageCollector(IStore store, TimeSpan gracePeriod, TimeProvider timeProvider, ILogger<IdentityGarbageCollector> logger)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentOutOfRangeException.ThrowIfLessThan(gracePeriod, TimeSpan.Zero);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        (_store, GracePeriod, _timeProvider, _logger) = (store, gracePeriod, timeProvider, logger);
    }

    /// <summary>How long an identity must stay unreferenced (and unchanged) before it is deleted.</summary>
    public TimeSpan GracePeriod { get; }

    /// <summary>Runs one pass. Passes of one collector must not overlap.</summary>
    /// <exception cref="StoreUnavailableException">The store could not be reached; the next pass continues.</exception>
    public async Task<IdentityGcResult> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _running, 1) == 1)
        {
            throw new InvalidOperationException("a garbage-collection pass is already running");
        }

        try
        {
            // Order matters: ids (and their mod revisions) before references; see the class summary.
            var ids = await _store.ListAsync(StoreKeys.IdentityIdsPrefix, cancellationToken).ConfigureAwait(false);
            var refs = await _store.ListAsync(StoreKeys.IdentityRefsPrefix, cancellationToken).ConfigureAwait(false);
            var index = await _store.ListAsync(StoreKeys.IdentityLabelsPrefix, cancellationToken).ConfigureAwait(false);
            var now = _timeProvider.GetUtcNow();
            var referenced = new HashSet<uint>();
            foreach (var kv in refs.Items)
            {
                if (IdentityKeys.TryParseRef(kv.Key, out var identity, out _))
                {
                    referenced.Add(identity);
                }
            }

            var live = new Dictionary<uint, KeyValue>();
            var deleted = new List<uint>();
            var pending = new List<uint>();
            foreach (var kv in ids.Items)
            {
                if (!IdentityKeys.TryParseId(kv.Key, out var identity))
                {
                    continue;
                }

                live[identity] = kv;
                if (referenced.Contains(identity))
                {
                    _identities.Remove(identity);
                    continue;
                }

                if (!IsDue(_identities, identity, kv.ModRevision, now))
                {
                    pending.Add(identity);
                    continue;
                }

                _identities.Remove(identity);
                if (!(await _store.DeleteIfAsync(kv.Key, kv.ModRevision, cancellationToken).ConfigureAwait(false)).Succeeded)
                {
                    continue; // referenced again (or already deleted) since the list
                }

                live.Remove(identity);
                deleted.Add(identity);
                LogDeleted(_logger, identity, kv.Value);
                await DeleteIndexEntryAsync(identity, kv.Value, cancellationToken).ConfigureAwait(false);
            }

            Forget(_identities, live.Keys);
            var stale = await CollectStaleIndexEntriesAsync(index, live, now, cancellationToken).ConfigureAwait(false);
            return new IdentityGcResult(deleted, pending, stale);
        }
        finally
        {
            Volatile.Write(ref _running, 0);
        }
    }

    /// <summary>Runs a pass every <paramref name="interval"/> until cancelled; store outages are logged and retried.</summary>
    public async Task RunAsync(TimeSpan interval, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        while (!cancellationToken.IsCancellationRequested)
        {
            var wait = interval;
            try
            {
                await RunOnceAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (StoreUnavailableException e)
            {
                LogStoreUnavailable(_logger, e.Message);
                wait = interval < RetryInterval ? interval : RetryInterval;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }

            try
            {
                await Task.Delay(wait, _timeProvider, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    // True once the key has been a candidate at this mod revision for the grace period; starts or restarts the clock otherwise.
    private bool IsDue<TKey>(Dictionary<TKey, Candidate> candidates, TKey key, long modRevision, DateTimeOffset now)
        where TKey : notnull
    {
        if (!candidates.TryGetValue(key, out var candidate) || candidate.ModRevision != modRevision)
        {
            candidates[key] = new Candidate(modRevision, now);
            return GracePeriod == TimeSpan.Zero;
        }

        return now - candidate.Since >= GracePeriod;
    }

    private async Task DeleteIndexEntryAsync(uint identity, string canonicalLabels, CancellationToken cancellationToken)
    {
        if (!IdentityLabels.TryParse(canonicalLabels, out var labels) || labels.Count == 0)
        {
            return;
        }

        var key = StoreKeys.IdentityByLabels(labels);
        var entry = await _store.GetAsync(key, cancellationToken).ConfigureAwait(false);
        if (entry is not null && entry.Value == identity.ToString(CultureInfo.InvariantCulture))
        {
            await _store.DeleteIfAsync(key, entry.ModRevision, cancellationToken).ConfigureAwait(false);
        }
    }

    // Index entries whose identity is gone (a collector or allocator stopped between the two deletes) go after the grace period.
    private async Task<int> CollectStaleIndexEntriesAsync(
        ListResult index, Dictionary<uint, KeyValue> live, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var expected = new HashSet<string>(StringComparer.Ordinal);
        foreach (var kv in live.Values)
        {
            if (IdentityLabels.TryParse(kv.Value, out var labels) && labels.Count > 0)
            {
                expected.Add(StoreKeys.IdentityByLabels(labels));
            }
        }

        var seen = new List<string>();
        var deleted = 0;
        foreach (var kv in index.Items)
        {
            if (IdentityKeys.TryParseNumber(kv.Value, out var identity) && live.ContainsKey(identity) && expected.Contains(kv.Key))
            {
                continue;
            }

            seen.Add(kv.Key);
            if (IsDue(_indexEntries, kv.Key, kv.ModRevision, now))
            {
                _indexEntries.Remove(kv.Key);
                if ((await _store.DeleteIfAsync(kv.Key, kv.ModRevision, cancellationToken).ConfigureAwait(false)).Succeeded)
                {
                    deleted++;
                    LogStaleIndexDeleted(_logger, kv.Key, kv.Value);
                }
            }
        }

        Forget(_indexEntries, seen);
        return deleted;
    }

    private static void Forget<TKey>(Dictionary<TKey, Candidate> candidates, IEnumerable<TKey> keep)
        where TKey : notnull
    {
        var kept = keep.ToHashSet();
        foreach (var key in candidates.Keys.Where(k => !kept.Contains(k)).ToList())
        {
            candidates.Remove(key);
        }
    }

    [LoggerMessage(EventId = 1310, Level = LogLevel.Information, Message = "Identity {Identity} ({Labels}) deleted: unreferenced for the grace period")]
    private static partial void LogDeleted(ILogger logger, uint identity, string labels);

    [LoggerMessage(EventId = 1311, Level = LogLevel.Information, Message = "Stale labels index entry {Key} (identity {Identity}) deleted")]
    private static partial void LogStaleIndexDeleted(ILogger logger, string key, string identity);

    [LoggerMessage(EventId = 1312, Level = LogLevel.Warning, Message = "Identity garbage collection skipped: store unavailable ({Reason})")]
    private static partial void LogStoreUnavailable(ILogger logger, string reason);

    private readonly record struct Candidate(long ModRevision, DateTimeOffset Since);
}
