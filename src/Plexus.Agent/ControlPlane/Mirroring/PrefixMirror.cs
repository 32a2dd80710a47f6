using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Plexus.Store;

namespace Plexus.Agent.ControlPlane.Mirroring;

/// <summary>
/// Keeps an immutable snapshot of every key under a store prefix, decoded to <typeparamref name="T"/>, and reports each
/// change as a <see cref="MirrorDelta{T}"/>: list, then watch from the list's revision; when the store compacted the
/// history the watch needs, list again and report the exact difference. Store outages are retried (the watch itself
/// survives reconnects). Keys whose value does not decode are treated as absent.
/// </summary>
public sealed class PrefixMirror<T>
    where T : class
{
    private static readonly TimeSpan DefaultRetryInterval = TimeSpan.FromMilliseconds(500);

    private readonly IStore _store;
    private readonly Func<KeyValue, T?> _decode;
    private readonly IEqualityComparer<T> _comparer;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ImmutableDictionary<string, T> _snapshot = ImmutableDictionary.Create<string, T>(StringComparer.Ordinal);
    private long _revision;
    private int _fullSyncs;
    private int _started;

    /// <summary>Creates a mirror of <paramref name="prefix"/>; <paramref name="decode"/> turns a stored key into a value (null: ignore the key).</summary>
    /// <param name="store">The store to mirror.</param>
    /// <param name="prefix">The key prefix.</param>
    /// <param name="decode">Decodes one key; null when the value is not usable.</param>
    /// <param name="timeProvider">Clock for retry delays.</param>
    /// <param name="logger">Where to log.</param>
    /// <param name="comparer">Decides whether a rewritten value changed (default: the type's equality).</param>
    public PrefixMirror(IStore store, string prefix, Func<KeyValue, T?> decode, TimeProvider timeProvider, ILogger logger, IEqualityComparer<T>? comparer = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(prefix);
        ArgumentNullException.ThrowIfNull(decode);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        (_store, Prefix, _decode, _timeProvider, _logger) = (store, prefix, decode, timeProvider, logger);
        _comparer = comparer ?? EqualityComparer<T>.Default;
    }

    /// <summary>The mirrored prefix.</summary>
    public string Prefix { get; }

    /// <summary>Every decoded entry, by store key, as of <see cref="Revision"/>.</summary>
    public ImmutableDictionary<string, T> Snapshot => Volatile.Read(ref _snapshot);

    /// <summary>The store revision the snapshot reflects (0 before the first list).</summary>
    public long Revision => Volatile.Read(ref _revision);

    /// <summary>How many times the mirror listed again after its first list (compaction or outage).</summary>
    public int Resyncs => Math.Max(Volatile.Read(ref _fullSyncs) - 1, 0);

    /// <summary>Completes once the first list has been applied and reported.</summary>
    public Task Synced => _synced.Task;

    /// <summary>How long to wait before retrying after the store was unavailable.</summary>
    public TimeSpan RetryInterval { get; init; } = DefaultRetryInterval;

    /// <summary>
    /// Mirrors until cancelled, calling <paramref name="onDelta"/> (on this loop, one call at a time) with the first
    /// full list, every change, and every resync. A subscriber exception is logged and does not stop the mirror.
    /// </summary>
    public async Task RunAsync(Action<MirrorDelta<T>> onDelta, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(onDelta);
        if (Interlocked.Exchange(ref _started, 1) == 1)
        {
            throw new InvalidOperationException($"the mirror of '{Prefix}' is already running");
        }

        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var list = await _store.ListAsync(Prefix, cancellationToken).ConfigureAwait(false);
                ApplyList(list, onDelta);
                await foreach (var change in _store.WatchAsync(Prefix, list.Revision + 1, cancellationToken).ConfigureAwait(false))
                {
                    if (change.Type == WatchEventType.ResyncRequired)
                    {
                        MirrorLog.Resync(_logger, Prefix, change.Revision);
                        break;
                    }

                    Apply(change, onDelta);
                }
            }
            catch (StoreUnavailableException e)
            {
                MirrorLog.StoreUnavailable(_logger, Prefix, e.Message);
                try
                {
                    await Task.Delay(RetryInterval, _timeProvider, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    return;
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private void ApplyList(ListResult list, Action<MirrorDelta<T>> onDelta)
    {
        var builder = ImmutableDictionary.CreateBuilder<string, T>(StringComparer.Ordinal);
        foreach (var kv in list.Items)
        {
            if (Decode(kv) is { } value)
            {
                builder[kv.Key] = value;
            }
        }

        var previous = Snapshot;
        var next = builder.ToImmutable();
        var added = new List<KeyValuePair<string, T>>();
        var updated = new List<MirrorUpdate<T>>();
        var removed = new List<KeyValuePair<string, T>>();
        foreach (var (key, value) in next)
        {
            if (!previous.TryGetValue(key, out var before))
            {
                added.Add(new(key, value));
            }
            else if (!_comparer.Equals(before, value))
            {
                updated.Add(new(key, before, value));
            }
        }

        removed.AddRange(previous.Where(p => !next.ContainsKey(p.Key)));
        Publish(next, list.Revision);
        Interlocked.Increment(ref _fullSyncs);
        MirrorLog.Listed(_logger, Prefix, next.Count, list.Revision);
        Deliver(onDelta, new MirrorDelta<T>(next, Sorted(added), updated.OrderBy(u => u.Key, StringComparer.Ordinal).ToList(), Sorted(removed), list.Revision, true));
        _synced.TrySetResult();
    }

    private void Apply(WatchEvent change, Action<MirrorDelta<T>> onDelta)
    {
        var previous = Snapshot;
        var key = change.Kv.Key;
        var had = previous.TryGetValue(key, out var before);
        var value = change.Type == WatchEventType.Put ? Decode(change.Kv) : null;
        MirrorDelta<T>? delta = null;
        if (value is null && had)
        {
            var next = previous.Remove(key);
            delta = new MirrorDelta<T>(next, [], [], [new(key, before!)], change.Revision, false);
        }
        else if (value is not null && !had)
        {
            var next = previous.SetItem(key, value);
            delta = new MirrorDelta<T>(next, [new(key, value)], [], [], change.Revision, false);
        }
        else if (value is not null && !_comparer.Equals(before!, value))
        {
            var next = previous.SetItem(key, value);
            delta = new MirrorDelta<T>(next, [], [new(key, before!, value)], [], change.Revision, false);
        }

        Publish(delta?.Snapshot ?? previous, change.Revision);
        if (delta is not null)
        {
            Deliver(onDelta, delta);
        }
    }

    private T? Decode(KeyValue kv)
    {
        T? value;
        try
        {
            value = _decode(kv);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or InvalidOperationException)
        {
            value = null;
        }

        if (value is null)
        {
            MirrorLog.Undecodable(_logger, Prefix, kv.Key);
        }

        return value;
    }

    private void Publish(ImmutableDictionary<string, T> snapshot, long revision)
    {
        Volatile.Write(ref _snapshot, snapshot);
        Volatile.Write(ref _revision, revision);
    }

    private void Deliver(Action<MirrorDelta<T>> onDelta, MirrorDelta<T> delta)
    {
        try
        {
            onDelta(delta);
        }
#pragma warning disable CA1031 // a subscriber bug must not stop the mirror; it can resync from Snapshot
        catch (Exception e)
#pragma warning restore CA1031
        {
            MirrorLog.SubscriberFailed(_logger, e, Prefix, delta.Revision);
        }
    }

    private static List<KeyValuePair<string, T>> Sorted(List<KeyValuePair<string, T>> items) =>
        items.OrderBy(i => i.Key, StringComparer.Ordinal).ToList();
}
