using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Plexus.Datapath.Maps;
using Plexus.Datapath.Node;
using Plexus.Interop.Bpf;
using Plexus.Model.LoadBalancing;

namespace Plexus.Datapath.Services;

/// <summary>
/// The node's service maps (services, backends, Maglev tables, reverse NAT, affinity), programmed by diffing the
/// desired frontends against what the maps hold. Ids are allocated here: a service id per frontend (also its
/// reverse-NAT id and Maglev key) and a backend id per (address, port, protocol), shared by the frontends that use it.
/// At construction it adopts what the pinned maps hold, so an agent restart keeps every id and table and the first
/// sync changes only the difference. Thread-safe (one lock).
/// </summary>
/// <remarks>
/// Write order keeps the datapath from seeing a half-programmed frontend: backends, then the Maglev table, then the
/// reverse-NAT entry, then the service entry; removal goes the other way. A Maglev value is replaced atomically.
/// </remarks>
public sealed class ServiceMaps : IServiceDatapath
{
    private const int MaxServiceId = ushort.MaxValue;

    private readonly Lock _lock = new();
    private readonly BpfMap _services;
    private readonly BpfMap _backends;
    private readonly BpfMap _revNat;
    private readonly BpfMap _maglev;
    private readonly BpfMap _conntrack;
    private readonly Dictionary<L4Address, Programmed> _frontends = [];
    private readonly Dictionary<L4Address, BackendSlot> _backendsByKey = [];
    private readonly Dictionary<uint, L4Address> _backendsById = [];
    private readonly HashSet<ushort> _serviceIds = [];
    private readonly HashSet<uint> _released = [];
    private Dictionary<string, byte[]> _tables = [];
    private Dictionary<ushort, string>? _owners;
    private uint _nextBackendId = 1;
    private int _nextServiceId = 1;

    /// <summary>Opens the service maps of a loaded object (its CONFIG_MAGLEV_M is the table size) and adopts their content.</summary>
    public ServiceMaps(BpfObject lxc)
    {
        ArgumentNullException.ThrowIfNull(lxc);
        _services = lxc.GetMap(MapNames.LbServices);
        _backends = lxc.GetMap(MapNames.LbBackends);
        _revNat = lxc.GetMap(MapNames.LbRevNat);
        _maglev = lxc.GetMap(MapNames.LbMaglev);
        _conntrack = lxc.GetMap(MapNames.Conntrack);
        MaglevTableSize = (int)lxc.GetConstant<uint>("CONFIG_MAGLEV_M");
        if (_maglev.ValueSize != sizeof(uint) * MaglevTableSize)
        {
            throw new InvalidOperationException($"{MapNames.LbMaglev} values are {_maglev.ValueSize} bytes, not {sizeof(uint)} × M = {MaglevTableSize}");
        }

        Adopt();
    }

    /// <summary>Slots of every Maglev table (M).</summary>
    public int MaglevTableSize { get; }

    /// <summary>How many distinct Maglev tables were built since construction (tables are cached by backend set, weights and M).</summary>
    public int MaglevBuilds { get; private set; }

    /// <inheritdoc/>
    public ServiceSyncResult Sync(IReadOnlyCollection<ServiceFrontend> desired)
    {
        ArgumentNullException.ThrowIfNull(desired);
        lock (_lock)
        {
            _released.Clear();
            var errors = new List<string>();
            var wanted = new SortedDictionary<L4Address, (ServiceFrontend Frontend, L4Address[] Backends)>();
            var kept = new HashSet<L4Address>();
            foreach (var frontend in desired)
            {
                if (frontend is null)
                {
                    errors.Add("a null frontend was skipped");
                    continue;
                }

                var error = Validate(frontend, out var key, out var backends);
                if (error is null && wanted.ContainsKey(key))
                {
                    error = "the frontend is listed twice; the first was kept";
                }

                if (error is not null)
                {
                    errors.Add($"{Describe(frontend)}: {error}");
                    if (TryKey(frontend, out var rejected))
                    {
                        kept.Add(rejected);
                    }

                    continue;
                }

                wanted.Add(key, (frontend, backends));
            }

            var removed = 0;
            foreach (var (key, programmed) in _frontends.Where(f => !wanted.ContainsKey(f.Key)).ToList())
            {
                // An invalid desired entry for a programmed key keeps the programmed frontend: it was not asked away.
                if (kept.Contains(key))
                {
                    continue;
                }

                try
                {
                    Remove(key, programmed);
                    removed++;
                }
                catch (BpfException e)
                {
                    errors.Add($"{key}: removing failed: {e.Message}");
                }
            }

            int added = 0, updated = 0;
            foreach (var (key, (frontend, backends)) in wanted)
            {
                _frontends.TryGetValue(key, out var existing);
                try
                {
                    var outcome = Apply(key, frontend, backends, existing);
                    if (outcome == ApplyOutcome.Added)
                    {
                        added++;
                    }
                    else if (outcome == ApplyOutcome.Updated)
                    {
                        updated++;
                    }
                }
                catch (Exception e) when (e is BpfException or ServiceProgrammingException)
                {
                    errors.Add($"{Describe(frontend)}: {e.Message}");
                }
            }

            PruneTableCache();
            _owners = null;
            return new ServiceSyncResult(added, updated, removed, errors) { Stranded = StrandedConnections() };
        }
    }

    /// <inheritdoc/>
    public string? ServiceOf(ushort serviceId)
    {
        lock (_lock)
        {
            // Flows ask per event: index the programmed frontends once per sync, not per question.
            _owners ??= _frontends.Values.GroupBy(p => p.Id).ToDictionary(g => g.Key, g => g.First().Frontend.Service);
            return _owners.GetValueOrDefault(serviceId);
        }
    }

    /// <inheritdoc/>
    public IReadOnlyList<ServiceFrontendStatus> List()
    {
        lock (_lock)
        {
            var counts = CountConnections();
            return _frontends.OrderBy(f => f.Key)
                .Select(f => new ServiceFrontendStatus(
                    f.Value.Frontend,
                    f.Value.Id,
                    f.Value.Backends.Select(b => new ServiceBackendStatus(b.Backend, (int)b.Id, counts.GetValueOrDefault((f.Value.Id, b.Id)))).ToList()))
                .ToList();
        }
    }

    /// <summary>The Maglev table programmed for a frontend, as backend ids per slot; null when it has none (no backends, or unknown).</summary>
    public uint[]? GetMaglevTable(ServiceFrontend frontend)
    {
        ArgumentNullException.ThrowIfNull(frontend);
        lock (_lock)
        {
            if (!TryKey(frontend, out var key) || !_frontends.TryGetValue(key, out var programmed))
            {
                return null;
            }

            var value = new byte[_maglev.ValueSize];
            return _maglev.TryLookup(U32(programmed.Id), value) ? MemoryMarshal.Cast<byte, uint>(value).ToArray() : null;
        }
    }

    private ApplyOutcome Apply(L4Address key, ServiceFrontend frontend, L4Address[] backends, Programmed? existing)
    {
        // Every node sorts the same way (address, then port) so ids and tables come out alike for the same input.
        var sorted = backends.Select((b, i) => (Key: b, Backend: frontend.Backends[i]))
            .OrderBy(b => b.Key)
            .ToList();
        var table = Array.Empty<byte>();
        var tableKey = string.Empty;
        var created = new List<uint>();
        var acquired = new List<uint>();
        ushort id = 0;
        var newId = false;
        var wroteTable = false;
        try
        {
            foreach (var (backendKey, _) in sorted)
            {
                acquired.Add(Acquire(backendKey, created));
            }

            if (sorted.Count > 0)
            {
                (table, tableKey) = Table(sorted.Select((b, i) => (b.Key, b.Backend.Weight, acquired[i])).ToList());
            }

            if (existing is null)
            {
                id = AllocateServiceId();
                newId = true;
            }
            else
            {
                id = existing.Id;
            }

            var flags = (ushort)((frontend.AffinityTimeoutSeconds is > 0 ? DatapathConstants.LbAffinity : 0)
                | (frontend.Kind == ServiceFrontendKind.NodePort ? DatapathConstants.LbNodePort : 0)
                | (frontend.Kind is ServiceFrontendKind.LoadBalancer or ServiceFrontendKind.ExternalIP ? DatapathConstants.LbExternal : 0));
            var service = new LbService
            {
                Id = id,
                Flags = flags,
                BackendCount = (uint)sorted.Count,
                AffinityTimeout = (uint)(frontend.AffinityTimeoutSeconds ?? 0),
            };
            var revNat = new LbRevNat { Address = key.Address, Port = key.PortNetworkOrder };
            var sameTable = existing is not null && (existing.Table == table || existing.Table.AsSpan().SequenceEqual(table));
            var sameDatapath = sameTable && SameBytes(existing!.Service, service) && SameBytes(existing.RevNat, revNat);
            var programmedBackends = sorted.Select((b, i) => (b.Backend, acquired[i])).ToList();
            var signature = Signature(frontend, programmedBackends.Select(b => b.Backend));

            if (!sameDatapath)
            {
                if (table.Length > 0 && !sameTable)
                {
                    _maglev.Update(U32(id), table);
                    wroteTable = true;
                }

                _revNat.Update((uint)id, revNat);
                _services.Update(key.ToMap(), service);
                if (table.Length == 0 && existing?.Table.Length > 0)
                {
                    _maglev.Delete(U32(id));
                }
            }

            var outcome = existing is null ? ApplyOutcome.Added
                : !sameDatapath || existing.Signature != signature ? ApplyOutcome.Updated
                : ApplyOutcome.Unchanged;
            if (existing is not null)
            {
                Release(existing.Backends.Select(b => b.Id));
            }

            _frontends[key] = new Programmed(frontend, id, service, revNat, table, tableKey, programmedBackends.Select(b => new ProgrammedBackend(b.Backend, b.Item2)).ToList(), signature);
            return outcome;
        }
        catch (Exception e) when (e is BpfException or ServiceProgrammingException)
        {
            // Undo this frontend's writes: the datapath keeps what it had (the old frontend, or nothing).
            if (newId)
            {
                TryDelete(_services, key.ToMap());
                TryDelete(_revNat, (uint)id);
                TryDelete(_maglev, U32(id));
                _serviceIds.Remove(id);
            }
            else if (wroteTable && existing is not null && existing.Table.Length > 0)
            {
                TryUpdate(_maglev, U32(id), existing.Table);
            }

            Release(acquired);
            throw;
        }
    }

    private void Remove(L4Address key, Programmed programmed)
    {
        _services.Delete(key.ToMap());
        _revNat.Delete((uint)programmed.Id);
        _maglev.Delete(U32(programmed.Id));
        _serviceIds.Remove(programmed.Id);
        _frontends.Remove(key);
        Release(programmed.Backends.Select(b => b.Id));
    }

    /// <summary>Takes a reference on the backend's id, creating its map entry when it is new.</summary>
    private uint Acquire(L4Address key, List<uint> created)
    {
        if (_backendsByKey.TryGetValue(key, out var slot))
        {
            slot.Refs++;
            return slot.Id;
        }

        var id = AllocateBackendId();
        _backends.Update(id, key.ToBackend(), BpfUpdateFlags.Any);
        created.Add(id);
        _backendsByKey[key] = new BackendSlot(id) { Refs = 1 };
        _backendsById[id] = key;
        return id;
    }

    /// <summary>Drops references; a backend nobody references leaves the map (its pinned connections get a RST).</summary>
    private void Release(IEnumerable<uint> ids)
    {
        foreach (var id in ids)
        {
            if (!_backendsById.TryGetValue(id, out var key) || !_backendsByKey.TryGetValue(key, out var slot))
            {
                continue;
            }

            if (--slot.Refs <= 0)
            {
                TryDelete(_backends, id);
                _released.Add(id);
                _backendsByKey.Remove(key);
                _backendsById.Remove(id);
            }
        }
    }

    private uint AllocateBackendId()
    {
        for (var tries = 0; tries < 1 << 20; tries++)
        {
            var id = _nextBackendId++;
            if (_nextBackendId >= int.MaxValue)
            {
                _nextBackendId = 1;
            }

            if (!_backendsById.ContainsKey(id))
            {
                return id;
            }
        }

        throw new ServiceProgrammingException("no free backend id");
    }

    private ushort AllocateServiceId()
    {
        for (var tries = 0; tries < MaxServiceId; tries++)
        {
            var id = (ushort)_nextServiceId;
            _nextServiceId = _nextServiceId >= MaxServiceId ? 1 : _nextServiceId + 1;
            if (_serviceIds.Add(id))
            {
                return id;
            }
        }

        throw new ServiceProgrammingException($"all {MaxServiceId} service ids are in use");
    }

    /// <summary>The Maglev map value for backends (sorted, with weights and ids), from the cache when the same set was built before.</summary>
    private (byte[] Table, string Key) Table(List<(L4Address Key, int Weight, uint Id)> backends)
    {
        var cacheKey = string.Join(',', backends.Select(b => string.Create(CultureInfo.InvariantCulture, $"{b.Key}*{b.Weight}#{b.Id}")));
        if (_tables.TryGetValue(cacheKey, out var cached))
        {
            return (cached, cacheKey);
        }

        var result = MaglevTable.Build(backends.Select(b => new MaglevBackend(b.Key.ToString(), b.Weight)), MaglevTableSize);
        if (!result.Succeeded)
        {
            throw new ServiceProgrammingException(result.Error);
        }

        MaglevBuilds++;
        var idsByMaglevId = backends.ToDictionary(b => b.Key.ToString(), b => b.Id, StringComparer.Ordinal);
        var order = result.Table.Backends.Select(b => idsByMaglevId[b.Id]).ToArray();
        var bytes = new byte[sizeof(uint) * MaglevTableSize];
        var slots = MemoryMarshal.Cast<byte, uint>(bytes.AsSpan());
        var entries = result.Table.Entries;
        for (var i = 0; i < entries.Length; i++)
        {
            slots[i] = order[entries[i]];
        }

        _tables[cacheKey] = bytes;
        return (bytes, cacheKey);
    }

    private void PruneTableCache()
    {
        var used = _frontends.Values.Select(f => f.TableKey).Where(k => k.Length > 0).ToHashSet(StringComparer.Ordinal);
        if (used.Count == _tables.Count)
        {
            return;
        }

        _tables = _tables.Where(t => used.Contains(t.Key)).ToDictionary(StringComparer.Ordinal);
    }

    /// <summary>Open (not closing, not expired) service connections per (service id, backend id), from the CT_SERVICE entries.</summary>
    private Dictionary<(int Service, uint Backend), long> CountConnections()
    {
        var counts = new Dictionary<(int, uint), long>();
        foreach (var (_, entry) in OpenServiceConnections())
        {
            var key = ((int)entry.RevNat, entry.BackendId);
            counts[key] = counts.GetValueOrDefault(key) + 1;
        }

        return counts;
    }

    /// <summary>Open TCP connections (CT_SERVICE entries) pinned to a backend this sync removed from the map.</summary>
    private List<ServiceConnection> StrandedConnections()
    {
        if (_released.Count == 0)
        {
            return [];
        }

        var stranded = OpenServiceConnections()
            .Where(c => c.Tuple.Protocol == (byte)ProtocolType.Tcp && _released.Contains(c.Entry.BackendId))
            .Select(c => new ServiceConnection(
                new IPEndPoint(c.Tuple.SourceAddress.ToIPAddress(c.Tuple.Family), BinaryPrimitives.ReverseEndianness(c.Tuple.SourcePort)),
                new IPEndPoint(c.Tuple.DestinationAddress.ToIPAddress(c.Tuple.Family), BinaryPrimitives.ReverseEndianness(c.Tuple.DestinationPort))))
            .ToList();
        _released.Clear();
        return stranded;
    }

    /// <summary>The CT_SERVICE entries of connections that are neither closing nor expired.</summary>
    private IEnumerable<(FlowTuple Tuple, CtEntry Entry)> OpenServiceConnections()
    {
        var now = (uint)(Stopwatch.GetTimestamp() / Stopwatch.Frequency);
        foreach (var (tuple, entry) in _conntrack.GetEntries<FlowTuple, CtEntry>())
        {
            if (tuple.Scope == DatapathConstants.CtScopeService && entry.Lifetime >= now && (entry.Flags & DatapathConstants.CtClosing) == 0)
            {
                yield return (tuple, entry);
            }
        }
    }

    /// <summary>Reads what the pinned maps hold: frontends with their ids and tables, backends with their ids; drops leftovers.</summary>
    private void Adopt()
    {
        foreach (var (id, backend) in _backends.GetEntries<uint, LbBackend>().ToList())
        {
            var key = L4Address.FromMap(backend);
            if (_backendsByKey.ContainsKey(key))
            {
                TryDelete(_backends, id);
                continue;
            }

            _backendsByKey[key] = new BackendSlot(id);
            _backendsById[id] = key;
            _nextBackendId = Math.Max(_nextBackendId, id + 1);
        }

        var buffer = new byte[_maglev.ValueSize];
        foreach (var (mapKey, service) in _services.GetEntries<LbServiceKey, LbService>().ToList())
        {
            if (service.Id == 0 || !_serviceIds.Add(service.Id))
            {
                TryDelete(_services, mapKey);
                continue;
            }

            var key = L4Address.FromMap(mapKey);
            var revNat = _revNat.Lookup<uint, LbRevNat>((uint)service.Id) ?? default;
            var table = Array.Empty<byte>();
            var ids = new List<uint>();
            if (_maglev.TryLookup(U32(service.Id), buffer))
            {
                table = (byte[])buffer.Clone();
                ids = MemoryMarshal.Cast<byte, uint>(table.AsSpan()).ToArray().Distinct().Order().ToList();
            }

            var backends = new List<ProgrammedBackend>();
            foreach (var backendId in ids)
            {
                if (_backendsById.TryGetValue(backendId, out var backendKey))
                {
                    _backendsByKey[backendKey].Refs++;
                    backends.Add(new ProgrammedBackend(new ServiceBackend(backendKey.IPAddress, backendKey.Port), backendId));
                }
            }

            var kind = (service.Flags & DatapathConstants.LbNodePort) != 0 ? ServiceFrontendKind.NodePort
                : (service.Flags & DatapathConstants.LbExternal) != 0 ? ServiceFrontendKind.LoadBalancer
                : ServiceFrontendKind.ClusterIP;
            var frontend = new ServiceFrontend
            {
                Service = string.Empty,
                Kind = kind,
                Address = key.IPAddress,
                Port = key.Port,
                Protocol = key.Protocol,
                Backends = backends.Select(b => b.Backend).ToList(),
                AffinityTimeoutSeconds = (service.Flags & DatapathConstants.LbAffinity) != 0 ? (int)service.AffinityTimeout : null,
            };

            // Signature empty: the first sync counts the frontend as updated (its names are learned) without rewriting maps it already matches.
            _frontends[key] = new Programmed(frontend, service.Id, service, revNat, table, string.Empty, backends, string.Empty);
            _nextServiceId = Math.Max(_nextServiceId, service.Id % MaxServiceId + 1);
        }

        foreach (var id in _revNat.GetKeys<uint>().Where(id => id > MaxServiceId || !_serviceIds.Contains((ushort)id)).ToList())
        {
            TryDelete(_revNat, id);
        }

        foreach (var id in _maglev.GetKeys<uint>().Where(id => id > MaxServiceId || !_serviceIds.Contains((ushort)id)).ToList())
        {
            TryDelete(_maglev, U32(id));
        }

        foreach (var (key, slot) in _backendsByKey.Where(b => b.Value.Refs == 0).ToList())
        {
            TryDelete(_backends, slot.Id);
            _backendsByKey.Remove(key);
            _backendsById.Remove(slot.Id);
        }
    }

    private static string? Validate(ServiceFrontend frontend, out L4Address key, out L4Address[] backends)
    {
        backends = [];
        if (!TryKey(frontend, out key))
        {
            return "the frontend needs an IPv4 address, a port 1–65535 and protocol 6 (TCP) or 17 (UDP)";
        }

        var any = frontend.Address.Equals(IPAddress.Any);
        if (frontend.Kind == ServiceFrontendKind.NodePort && !any)
        {
            return "a node port frontend has address 0.0.0.0 (every node address)";
        }

        if (frontend.Kind != ServiceFrontendKind.NodePort && any)
        {
            return "only node port frontends may have address 0.0.0.0";
        }

        if (frontend.AffinityTimeoutSeconds is <= 0)
        {
            return $"affinity timeout {frontend.AffinityTimeoutSeconds} must be positive";
        }

        var list = frontend.Backends ?? [];
        backends = new L4Address[list.Count];
        for (var i = 0; i < list.Count; i++)
        {
            var b = list[i];
            if (b?.Address is null || b.Address.AddressFamily != AddressFamily.InterNetwork || b.Address.Equals(IPAddress.Any) || b.Port is < 1 or > 65535)
            {
                return $"backend {i} needs an IPv4 address and a port 1–65535";
            }

            if (b.Weight is < MaglevBackend.MinWeight or > MaglevBackend.MaxWeight)
            {
                return $"backend {b.Address}:{b.Port} has weight {b.Weight}; weights are {MaglevBackend.MinWeight}…{MaglevBackend.MaxWeight}";
            }

            backends[i] = new L4Address(b.Address, b.Port, frontend.Protocol);
        }

        if (backends.Distinct().Count() != backends.Length)
        {
            return "a backend is listed twice";
        }

        return null;
    }

    private static bool TryKey(ServiceFrontend frontend, out L4Address key)
    {
        key = default;
        if (frontend.Address is null || frontend.Address.AddressFamily != AddressFamily.InterNetwork
            || frontend.Port is < 1 or > 65535 || frontend.Protocol is not (6 or 17))
        {
            return false;
        }

        key = new L4Address(frontend.Address, frontend.Port, frontend.Protocol);
        return true;
    }

    private static string Describe(ServiceFrontend frontend)
    {
        try
        {
            return $"{frontend.Service} {frontend.Key}";
        }
        catch (NullReferenceException)
        {
            return frontend.Service ?? "frontend";
        }
    }

    private static string Signature(ServiceFrontend frontend, IEnumerable<ServiceBackend> backends) =>
        string.Join('|', [frontend.Service, frontend.PortName ?? string.Empty, frontend.Kind.ToString(),
            frontend.AffinityTimeoutSeconds?.ToString(CultureInfo.InvariantCulture) ?? string.Empty,
            .. backends.Select(b => string.Create(CultureInfo.InvariantCulture, $"{b.Address}:{b.Port}*{b.Weight}@{b.Pod}/{b.Node}"))]);

    // Map structs hold inline arrays, which have no built-in equality: compare what the map would hold.
    private static bool SameBytes<T>(T a, T b)
        where T : unmanaged =>
        MemoryMarshal.AsBytes(new ReadOnlySpan<T>(in a)).SequenceEqual(MemoryMarshal.AsBytes(new ReadOnlySpan<T>(in b)));

    private static byte[] U32(uint value)
    {
        var bytes = new byte[sizeof(uint)];
        MemoryMarshal.Write(bytes, in value);
        return bytes;
    }

    private static void TryDelete<TKey>(BpfMap map, in TKey key)
        where TKey : unmanaged
    {
        try
        {
            map.Delete(key);
        }
        catch (BpfException)
        {
            // Best effort while undoing or cleaning up: what stays is unreachable (no service entry names it).
        }
    }

    private static void TryDelete(BpfMap map, byte[] key)
    {
        try
        {
            map.Delete(key);
        }
        catch (BpfException)
        {
            // As above.
        }
    }

    private static void TryUpdate(BpfMap map, byte[] key, byte[] value)
    {
        try
        {
            map.Update(key, value);
        }
        catch (BpfException)
        {
            // As above.
        }
    }

    private enum ApplyOutcome
    {
        Unchanged,
        Added,
        Updated,
    }

    /// <summary>
    /// A frontend's or backend's identity: IPv4 address, port, protocol; orders by address, then port, then protocol
    /// (the order backends take in a Maglev table).
    /// </summary>
    private readonly record struct L4Address(uint AddressBits, int Port, byte Protocol) : IComparable<L4Address>
    {
        public L4Address(IPAddress address, int port, byte protocol)
            : this(BinaryPrimitives.ReadUInt32BigEndian(address.GetAddressBytes()), port, protocol)
        {
        }

        public IPAddress IPAddress
        {
            get
            {
                var bytes = new byte[4];
                BinaryPrimitives.WriteUInt32BigEndian(bytes, AddressBits);
                return new IPAddress(bytes);
            }
        }

        public Addr16 Address => Addr16.From(IPAddress);

        public ushort PortNetworkOrder => BinaryPrimitives.ReverseEndianness((ushort)Port);

        public static L4Address FromMap(LbServiceKey key) =>
            new(key.Address.ToIPAddress(DatapathConstants.FamilyIPv4), BinaryPrimitives.ReverseEndianness(key.Port), key.Protocol);

        public static L4Address FromMap(LbBackend backend) =>
            new(backend.Address.ToIPAddress(DatapathConstants.FamilyIPv4), BinaryPrimitives.ReverseEndianness(backend.Port), backend.Protocol);

        public LbServiceKey ToMap() => new() { Address = Address, Port = PortNetworkOrder, Protocol = Protocol, Family = DatapathConstants.FamilyIPv4 };

        public LbBackend ToBackend() => new() { Address = Address, Port = PortNetworkOrder, Protocol = Protocol };

        public int CompareTo(L4Address other) =>
            AddressBits != other.AddressBits ? AddressBits.CompareTo(other.AddressBits)
            : Port != other.Port ? Port.CompareTo(other.Port)
            : Protocol.CompareTo(other.Protocol);

        /// <summary>E.g. <c>10.1.0.5:80/TCP</c>; for backends, their Maglev identity: the same on every node.</summary>
        public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{IPAddress}:{Port}/{(Protocol == 6 ? "TCP" : "UDP")}");
    }

    private sealed class BackendSlot(uint id)
    {
        public uint Id { get; } = id;

        public int Refs { get; set; }
    }

    private sealed record ProgrammedBackend(ServiceBackend Backend, uint Id);

    private sealed record Programmed(
        ServiceFrontend Frontend,
        ushort Id,
        LbService Service,
        LbRevNat RevNat,
        byte[] Table,
        string TableKey,
        IReadOnlyList<ProgrammedBackend> Backends,
        string Signature);

    private sealed class ServiceProgrammingException(string message) : Exception(message);
}
