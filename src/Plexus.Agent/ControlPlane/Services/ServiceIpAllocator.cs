using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Plexus.Agent.ControlPlane.Ipam;
using Plexus.Model;
using Plexus.Model.LoadBalancing;
using Plexus.Model.State;
using Plexus.Store;

namespace Plexus.Agent.ControlPlane.Services;

/// <summary>
/// Cluster-unique service addresses: cluster IPs from the service CIDR, or load-balancer IPs from the configured pools.
/// Each address is a CAS-created record <c>plexus/services-ip/&lt;cluster&gt;/&lt;ip&gt;</c> naming its Service (no lease:
/// it lives until the Service is deleted), so two agents never hand out the same address. Both kinds share that key
/// space, so overlapping ranges can never give one address twice. A free address is searched from a start seeded by a
/// stable hash of the Service, wrapping around: concurrent allocations of different Services rarely contend for the same
/// key, and a Service deleted and re-created gets its former address back when it is still free.
/// </summary>
public sealed partial class ServiceIpAllocator
{
    /// <summary>The service CIDR when the configuration names none (as Kubernetes).</summary>
    public const string DefaultServiceCidr = "10.96.0.0/12";

    private readonly IStore _store;
    private readonly string _cluster;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly string _kindName;
    private readonly (UInt128 First, UInt128 Count, bool IsIPv6)[] _spans;
    private readonly ClaimsCache _claims;
    private readonly ClaimsCache _owners;

    /// <summary>Creates the allocator of <paramref name="kind"/> addresses from <paramref name="ranges"/> (non-overlapping; may be empty for load balancers).</summary>
    public ServiceIpAllocator(
        IStore store, string cluster, ServiceIpKind kind, IEnumerable<Cidr> ranges, TimeProvider timeProvider, ILogger<ServiceIpAllocator> logger)
        : this(store, cluster, kind, ranges, timeProvider, logger, null)
    {
    }

    /// <summary>
    /// Creates the allocator, sharing <paramref name="claims"/> (a view of <see cref="StoreKeys.ServiceIpsPrefix"/>) with
    /// the allocator of the other kind, since both kinds share that key space: one list serves both.
    /// </summary>
    internal ServiceIpAllocator(
        IStore store, string cluster, ServiceIpKind kind, IEnumerable<Cidr> ranges, TimeProvider timeProvider, ILogger<ServiceIpAllocator> logger, ClaimsCache? claims)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentException.ThrowIfNullOrEmpty(cluster);
        ArgumentNullException.ThrowIfNull(ranges);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        (_store, _cluster, _timeProvider, _logger) = (store, cluster, timeProvider, logger);
        Kind = kind;
        _kindName = kind == ServiceIpKind.ClusterIP ? ServiceAllocationRecord.ClusterIPKind : ServiceAllocationRecord.LoadBalancerKind;
        Ranges = ranges.ToList().AsReadOnly();
        for (var i = 0; i < Ranges.Count; i++)
        {
            for (var j = i + 1; j < Ranges.Count; j++)
            {
                if (Ranges[i].Overlaps(Ranges[j]))
                {
                    throw new ArgumentException($"{kind} ranges {Ranges[i]} and {Ranges[j]} overlap", nameof(ranges));
                }
            }
        }

        _spans = Ranges.Select(Usable).ToArray();
        _claims = claims ?? NewClaimsView(store, cluster, timeProvider);
        var owners = StoreKeys.ServiceIpOwnersPrefix(cluster, _kindName);
        _owners = new ClaimsCache(
            store, owners, timeProvider, ClaimsMaxAge, kv => new ServiceAllocationRecord { Owner = kv.Key[owners.Length..], Kind = _kindName, Value = kv.Value });
        Capacity = _spans.Aggregate(UInt128.Zero, (sum, s) => sum + s.Count);
    }

    /// <summary>How long a read of the allocation records serves as a hint for further allocations.</summary>
    public static readonly TimeSpan ClaimsMaxAge = TimeSpan.FromSeconds(2);

    /// <summary>Which addresses this allocator hands out.</summary>
    public ServiceIpKind Kind { get; }

    /// <summary>The ranges addresses come from, in configuration order.</summary>
    public IReadOnlyList<Cidr> Ranges { get; }

    /// <summary>
    /// How many addresses the ranges hold: an IPv4 range of /30 or wider loses its network and broadcast addresses, an
    /// IPv6 range of /126 or wider its subnet-router anycast (network) address; /31, /32, /127 and /128 are used whole.
    /// </summary>
    public UInt128 Capacity { get; }

    /// <summary>
    /// Returns the address of <paramref name="owner"/> (<c>namespace/name</c>). <paramref name="requested"/> is
    /// <c>spec.clusterIP</c> or <c>spec.loadBalancerIP</c>: null or empty = allocate (or return the address held);
    /// <c>None</c> = headless (cluster IPs only; nothing is allocated); an address = claim it if free (a Service asking
    /// for a different address than it holds moves to it and gives the old one back). Every expected failure is a value.
    /// </summary>
    /// <exception cref="StoreUnavailableException">The store could not be reached; retry later.</exception>
    public async Task<ServiceIpAllocation> AllocateAsync(string owner, string? requested = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        if (requested == "None")
        {
            return Kind == ServiceIpKind.ClusterIP
                ? new ServiceIpAllocation(ServiceAllocationStatus.Headless, null, $"{owner} is headless (clusterIP: None): no address allocated")
                : new ServiceIpAllocation(ServiceAllocationStatus.Invalid, null, $"{owner}: \"None\" is not a load-balancer address");
        }

        IPAddress? wanted = null;
        if (!string.IsNullOrEmpty(requested))
        {
            if (!TryParseAddress(requested, out wanted))
            {
                return new ServiceIpAllocation(ServiceAllocationStatus.Invalid, null, $"{owner}: requested {Word} \"{requested}\" is not an IP address");
            }

            if (!IsUsable(wanted))
            {
                return new ServiceIpAllocation(
                    ServiceAllocationStatus.OutOfRange, null, $"{owner}: requested {Word} {wanted} is not a usable address of {RangesText}");
            }
        }

        var records = await _claims.GetAsync(cancellationToken).ConfigureAwait(false);
        var held = records.Where(r => r.Record.Owner == owner && r.Record.Kind == _kindName).OrderBy(r => r.Kv.CreateRevision).ToList();
        return wanted is null
            ? await AllocateFreeAsync(owner, held.Count > 0 ? held[0].Record : null, records, cancellationToken).ConfigureAwait(false)
            : await ClaimAsync(owner, wanted, held.Select(h => h.Record).ToList(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Releases every address of this kind <paramref name="owner"/> holds (on Service delete); returns how many.</summary>
    /// <exception cref="StoreUnavailableException">The store could not be reached; retry later.</exception>
    public async Task<int> ReleaseAsync(string owner, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        var released = 0;
        foreach (var (kv, record) in await ServiceClaims.ListAsync(_store, StoreKeys.ServiceIpsPrefix(_cluster), cancellationToken).ConfigureAwait(false))
        {
            if (record.Owner == owner && record.Kind == _kindName
                && (await _store.DeleteIfAsync(kv.Key, kv.ModRevision, cancellationToken).ConfigureAwait(false)).Succeeded)
            {
                released++;
                LogReleased(_logger, _kindName, record.Value, owner);
            }
        }

        await _store.DeleteAsync(StoreKeys.ServiceIpOwner(_cluster, _kindName, owner), cancellationToken).ConfigureAwait(false);
        _claims.Invalidate();
        _owners.Invalidate();
        return released;
    }

    /// <summary>
    /// Releases what <paramref name="owner"/> holds, cheaply when it holds nothing (no owner index and no claim in
    /// recent views of the owner index keys of this kind and of the claims): for the "drop what the spec no longer asks
    /// for" check made on every Service at every change. The views are at most <see cref="ClaimsMaxAge"/> old, or as
    /// fresh as the last <see cref="RefreshOwners"/>.
    /// </summary>
    /// <exception cref="StoreUnavailableException">The store could not be reached; retry later.</exception>
    public async Task<int> ReleaseIfHeldAsync(string owner, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(owner);
        if (!await _owners.HoldsAsync(owner, _kindName, cancellationToken).ConfigureAwait(false)
            && !await _claims.HoldsAsync(owner, _kindName, cancellationToken).ConfigureAwait(false))
        {
            return 0;
        }

        return await ReleaseAsync(owner, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Drops the view of the owner index keys, so the next <see cref="ReleaseIfHeldAsync"/> reads them again (once per controller pass).</summary>
    public void RefreshOwners() => _owners.Invalidate();

    /// <summary>
    /// Claims the requested addresses (<c>spec.clusterIP</c>) of many owners with few transactions: each of at most
    /// <see cref="StoreTxn.MaxOps"/>/2 claims creates the claim and its owner index when every claim of the chunk is free,
    /// else reads who holds them. Returns the outcome for the owners it settled (claimed, already held, or conflict),
    /// exactly as <see cref="AllocateAsync"/> would; the others (moving from another address, not an address, found
    /// free while a neighbour was taken, …) are left to <see cref="AllocateAsync"/>.
    /// </summary>
    /// <exception cref="StoreUnavailableException">The store could not be reached; retry later.</exception>
    public async Task<IReadOnlyDictionary<string, ServiceIpAllocation>> ClaimManyAsync(
        IReadOnlyList<(string Owner, string Requested)> requests, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requests);
        var settled = new Dictionary<string, ServiceIpAllocation>(StringComparer.Ordinal);
        if (requests.Count == 0)
        {
            return settled;
        }

        var records = await _claims.GetAsync(cancellationToken).ConfigureAwait(false);
        var heldBy = records.Where(r => r.Record.Kind == _kindName).ToLookup(r => r.Record.Owner, StringComparer.Ordinal);
        var known = records.Select(r => r.Kv.Key).ToHashSet(StringComparer.Ordinal);
        var pending = new List<Claim>();
        foreach (var (owner, requested) in requests)
        {
            if (!TryParseAddress(requested, out var wanted) || !IsUsable(wanted))
            {
                continue;
            }

            var text = StoreKeys.AddressText(wanted);
            var held = heldBy[owner].ToList();
            if (held.Any(h => h.Record.Value == text))
            {
                settled[owner] = new ServiceIpAllocation(ServiceAllocationStatus.Existing, wanted, $"{owner} already holds {Word} {text}");
            }
            else if (held.Count == 0 && !known.Contains(StoreKeys.ServiceIp(_cluster, wanted)))
            {
                pending.Add(new Claim(owner, wanted, StoreKeys.ServiceIp(_cluster, wanted), NewRecord(owner, text)));
            }
        }

        // A chunk fails whole when one of its addresses is taken; its reads settle the taken ones, and the free ones go
        // again (a few rounds at most: every failed chunk settles at least one).
        for (var round = 0; round < 3 && pending.Count > 0; round++)
        {
            var free = new List<Claim>();
            foreach (var chunk in StoreTxn.Chunk(pending, StoreTxn.MaxOps / 2, c => c.Bytes, c => c.Key))
            {
                var txn = await _store.TransactAsync(
                    chunk.Select(c => StoreCompare.Absent(c.Key)).ToList(),
                    chunk.SelectMany(c => c.Writes(_cluster, _kindName)).ToList(),
                    chunk.Select(c => StoreOp.Get(c.Key)).ToList(),
                    cancellationToken).ConfigureAwait(false);
                for (var i = 0; i < chunk.Count; i++)
                {
                    var claim = chunk[i];
                    if (txn.Succeeded)
                    {
                        settled[claim.Owner] = Claimed(claim.Owner, claim.Address, claim.Key, claim.Record);
                    }
                    else if (txn.Reads[i] is { } holder)
                    {
                        settled[claim.Owner] = Taken(claim.Owner, claim.Address, claim.Record, holder);
                    }
                    else
                    {
                        free.Add(claim);
                    }
                }
            }

            pending = free;
        }

        return settled;
    }

    /// <summary>The addresses of this kind held in the cluster, in key order.</summary>
    /// <exception cref="StoreUnavailableException">The store could not be reached; retry later.</exception>
    public async Task<IReadOnlyList<ServiceAllocationRecord>> ListAsync(CancellationToken cancellationToken = default) =>
        (await ServiceClaims.ListAsync(_store, StoreKeys.ServiceIpsPrefix(_cluster), cancellationToken).ConfigureAwait(false))
            .Select(r => r.Record)
            .Where(r => r.Kind == _kindName)
            .ToList();

    private string Word => Kind == ServiceIpKind.ClusterIP ? "clusterIP" : "loadBalancerIP";

    private string RangesText => Ranges.Count == 0
        ? $"the {Kind} pools (none configured)"
        : $"{(Kind == ServiceIpKind.ClusterIP ? "service CIDR" : "load-balancer pools")} {string.Join(", ", Ranges)}";

    private async Task<ServiceIpAllocation> ClaimAsync(
        string owner, IPAddress wanted, List<ServiceAllocationRecord> held, CancellationToken cancellationToken)
    {
        var text = StoreKeys.AddressText(wanted);
        if (held.Any(h => h.Value == text))
        {
            return new ServiceIpAllocation(ServiceAllocationStatus.Existing, wanted, $"{owner} already holds {Word} {text}");
        }

        // The claim and the owner index in one transaction; when the address is taken, the same request reads its holder.
        var claim = new Claim(owner, wanted, StoreKeys.ServiceIp(_cluster, wanted), NewRecord(owner, text));
        var txn = await _store.TransactAsync([StoreCompare.Absent(claim.Key)], claim.Writes(_cluster, _kindName), [StoreOp.Get(claim.Key)], cancellationToken)
            .ConfigureAwait(false);
        if (!txn.Succeeded)
        {
            return Taken(owner, wanted, claim.Record, txn.Reads[0]);
        }

        // Moving to a requested address: give the old one(s) back only now that the new one is held.
        foreach (var old in held)
        {
            if (TryParseAddress(old.Value, out var oldAddress))
            {
                await _store.DeleteAsync(StoreKeys.ServiceIp(_cluster, oldAddress), cancellationToken).ConfigureAwait(false);
                LogReleased(_logger, _kindName, old.Value, owner);
            }
        }

        var claimed = Claimed(owner, wanted, claim.Key, claim.Record);
        if (held.Count > 0)
        {
            // The views still show the addresses given back.
            _claims.Invalidate();
            _owners.Invalidate();
        }

        return claimed;
    }

    /// <summary>Notes a claim just created with its owner index, and says so.</summary>
    private ServiceIpAllocation Claimed(string owner, IPAddress address, string key, ServiceAllocationRecord record)
    {
        _claims.Added(key, record);
        _owners.Added(StoreKeys.ServiceIpOwner(_cluster, _kindName, owner), record);
        LogAllocated(_logger, _kindName, record.Value, owner);
        return new ServiceIpAllocation(ServiceAllocationStatus.Claimed, address, $"{owner} claimed {Word} {record.Value}");
    }

    /// <summary>The outcome of a claim whose address was found taken by <paramref name="holderKv"/> (null: gone again since).</summary>
    private ServiceIpAllocation Taken(string owner, IPAddress address, ServiceAllocationRecord record, KeyValue? holderKv)
    {
        var holder = holderKv is null ? null : ServiceAllocationRecord.FromJson(holderKv.Value);
        var text = record.Value;
        if (ServiceClaims.SameSlot(holder, record))
        {
            // Claimed for the same Service by another agent: the view learns it instead of being read again.
            _claims.Seen(holderKv!, holder!);
            return new ServiceIpAllocation(ServiceAllocationStatus.Existing, address, $"{owner} already holds {Word} {text}");
        }

        _claims.Invalidate();
        return new ServiceIpAllocation(
            ServiceAllocationStatus.Conflict,
            null,
            $"{owner}: requested {Word} {text} is already allocated to {holder?.Owner ?? "another Service"}{(holder is null ? "" : $" ({holder.Kind})")}");
    }

    private async Task<ServiceIpAllocation> AllocateFreeAsync(
        string owner, ServiceAllocationRecord? held, List<(KeyValue Kv, ServiceAllocationRecord Record)> records, CancellationToken cancellationToken)
    {
        if (held is not null && TryParseAddress(held.Value, out var heldAddress))
        {
            return new ServiceIpAllocation(ServiceAllocationStatus.Existing, heldAddress, $"{owner} already holds {Word} {held.Value}");
        }

        var used = new HashSet<IPAddress>();
        foreach (var (_, record) in records)
        {
            if (TryParseAddress(record.Value, out var address) && IsUsable(address))
            {
                used.Add(address);
            }
        }

        var start = Capacity == 0 ? UInt128.Zero : StableHash.Hash($"{_kindName}\n{owner}", StableHash.PrimarySeed) % Capacity;
        for (UInt128 step = 0; step < Capacity && (UInt128)used.Count < Capacity; step++)
        {
            var candidate = At((start + step) % Capacity);
            if (used.Contains(candidate))
            {
                continue;
            }

            var record = NewRecord(owner, StoreKeys.AddressText(candidate));
            var key = StoreKeys.ServiceIp(_cluster, candidate);
            var (created, holder) = await ServiceClaims.TryCreateAsync(_store, key, record, cancellationToken).ConfigureAwait(false);
            if (created)
            {
                // Agents racing for the same owner with different views may have created different addresses: the
                // owner's index key decides which claim stands, and the others are given back.
                if (await SettleOwnerAsync(owner, key, record, cancellationToken).ConfigureAwait(false) is { } winner)
                {
                    _claims.Invalidate();
                    return new ServiceIpAllocation(ServiceAllocationStatus.Existing, IPAddress.Parse(winner), $"{owner} already holds {Word} {winner}");
                }

                _claims.Added(key, record);
                _owners.Invalidate();
                LogAllocated(_logger, _kindName, record.Value, owner);
                return new ServiceIpAllocation(ServiceAllocationStatus.Allocated, candidate, $"allocated {Word} {record.Value} to {owner}");
            }

            if (ServiceClaims.SameSlot(holder, record))
            {
                return new ServiceIpAllocation(ServiceAllocationStatus.Existing, candidate, $"{owner} already holds {Word} {record.Value}");
            }

            // Another agent took it since the list: try the next one.
            _claims.Invalidate();
            used.Add(candidate);
        }

        LogExhausted(_logger, _kindName, RangesText, owner);
        return new ServiceIpAllocation(
            ServiceAllocationStatus.Exhausted,
            null,
            string.Create(CultureInfo.InvariantCulture, $"{owner}: no free {Word} left in {RangesText} ({Capacity} addresses, all allocated)"));
    }

    /// <summary>
    /// Makes the owner's index key name the claim just created under <paramref name="key"/>; when it already names
    /// another live claim of the same owner, gives this one back and returns the other address. Null: this claim stands.
    /// </summary>
    private async Task<string?> SettleOwnerAsync(string owner, string key, ServiceAllocationRecord record, CancellationToken cancellationToken)
    {
        var ownerKey = StoreKeys.ServiceIpOwner(_cluster, _kindName, owner);
        for (var attempt = 0; attempt < 5; attempt++)
        {
            if ((await _store.CreateAsync(ownerKey, record.Value, 0, cancellationToken).ConfigureAwait(false)).Succeeded)
            {
                return null;
            }

            var current = await _store.GetAsync(ownerKey, cancellationToken).ConfigureAwait(false);
            if (current is null)
            {
                continue; // given back meanwhile: create it again
            }

            if (current.Value == record.Value)
            {
                return null;
            }

            if (TryParseAddress(current.Value, out var other)
                && await _store.GetAsync(StoreKeys.ServiceIp(_cluster, other), cancellationToken).ConfigureAwait(false) is { } otherKv
                && ServiceAllocationRecord.FromJson(otherKv.Value) is { } otherRecord
                && ServiceClaims.SameSlot(otherRecord, record))
            {
                await _store.DeleteAsync(key, cancellationToken).ConfigureAwait(false);
                return otherRecord.Value;
            }

            // The index names an address the owner no longer holds: this claim takes its place.
            if ((await _store.UpdateAsync(ownerKey, record.Value, current.ModRevision, 0, cancellationToken).ConfigureAwait(false)).Succeeded)
            {
                return null;
            }
        }

        return null;
    }

    /// <summary>A view of the claims of both kinds (<see cref="StoreKeys.ServiceIpsPrefix"/>), to share between the two allocators of a cluster.</summary>
    internal static ClaimsCache NewClaimsView(IStore store, string cluster, TimeProvider timeProvider) =>
        new(store, StoreKeys.ServiceIpsPrefix(cluster), timeProvider, ClaimsMaxAge);

    private ServiceAllocationRecord NewRecord(string owner, string value) =>
        new() { Owner = owner, Kind = _kindName, Value = value, AllocatedAt = _timeProvider.GetUtcNow() };

    private IPAddress At(UInt128 index)
    {
        foreach (var (first, count, isIPv6) in _spans)
        {
            if (index < count)
            {
                return AddressMath.ToAddress(first + index, isIPv6);
            }

            index -= count;
        }

        throw new ArgumentOutOfRangeException(nameof(index));
    }

    private bool IsUsable(IPAddress address)
    {
        var isIPv6 = address.AddressFamily == AddressFamily.InterNetworkV6;
        var value = AddressMath.ToNumber(address);
        return _spans.Any(s => s.IsIPv6 == isIPv6 && value >= s.First && value - s.First < s.Count);
    }

    private static (UInt128 First, UInt128 Count, bool IsIPv6) Usable(Cidr range)
    {
        var network = AddressMath.Network(range);
        var size = AddressMath.Size(range.AddressLength, range.PrefixLength);
        var hostBits = range.AddressLength - range.PrefixLength;
        return (range.IsIPv6, hostBits) switch
        {
            (false, >= 2) => (network + 1, size - 2, false),
            (true, >= 2) => (network + 1, size - 1, true),
            _ => (network, size, range.IsIPv6),
        };
    }

    private static bool TryParseAddress(string text, out IPAddress address)
    {
        // Strict: IPAddress.TryParse also takes "10" or "10.1"; only canonical dotted quads and IPv6 without scope are addresses here.
        if (IPAddress.TryParse(text, out var parsed) && !text.Contains('%', StringComparison.Ordinal)
            && (parsed.AddressFamily == AddressFamily.InterNetworkV6 ? text.Contains(':', StringComparison.Ordinal) : parsed.ToString() == text))
        {
            address = parsed.IsIPv4MappedToIPv6 ? parsed.MapToIPv4() : parsed;
            return true;
        }

        address = IPAddress.None;
        return false;
    }

    /// <summary>One requested address to claim for an owner.</summary>
    private sealed record Claim(string Owner, IPAddress Address, string Key, ServiceAllocationRecord Record)
    {
        public long Bytes => StoreOp.Put(Key, Record.ToJson()).EstimatedBytes * 2;

        /// <summary>The claim and the owner's index naming its address.</summary>
        public StoreOp[] Writes(string cluster, string kind) =>
            [StoreOp.Put(Key, Record.ToJson()), StoreOp.Put(StoreKeys.ServiceIpOwner(cluster, kind, Owner), Record.Value)];
    }

    [LoggerMessage(EventId = 2100, Level = LogLevel.Information, Message = "Services: allocated {Kind} {Value} to {Owner}")]
    private static partial void LogAllocated(ILogger logger, string kind, string value, string owner);

    [LoggerMessage(EventId = 2101, Level = LogLevel.Information, Message = "Services: released {Kind} {Value} of {Owner}")]
    private static partial void LogReleased(ILogger logger, string kind, string value, string owner);

    [LoggerMessage(EventId = 2102, Level = LogLevel.Error, Message = "Services: {Kind} addresses exhausted in {Ranges}; none for {Owner}")]
    private static partial void LogExhausted(ILogger logger, string kind, string ranges, string owner);
}
