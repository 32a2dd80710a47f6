using System.Buffers.Binary;
using Plexus.Datapath.Maps;
using Plexus.Datapath.Node;
using Plexus.Interop.Bpf;
using Plexus.Policy;

namespace Plexus.Datapath.Policy;

/// <summary>
/// The node's policy maps: <c>plx_policy</c> (one LPM trie keyed by endpoint, direction, peer identity, protocol and
/// port prefix) and <c>plx_policy_state</c> (per-endpoint default deny / audit flags). Programmed per endpoint by
/// diffing the compiled entries against what is programmed. At construction it adopts what the pinned maps hold, so
/// an agent restart rewrites only what differs. Thread-safe (one lock).
/// </summary>
/// <remarks>
/// Write order: new and changed entries (denies first), then the state, then stale entries are deleted. Every
/// intermediate state drops only what the old or the new state drops. A sync that does not fit the map writes no
/// entry: the endpoint keeps its previous entries and gets default deny wherever the new state has it, never an
/// allow that neither state has.
/// </remarks>
public sealed class PolicyMaps : IPolicyDatapath
{
    private const int Enospc = 28;
    private const int E2big = 7;

    private readonly Lock _lock = new();
    private readonly BpfMap _entries;
    private readonly BpfMap _states;
    private readonly Dictionary<int, Programmed> _programmed = [];
    private readonly HashSet<int> _failed = [];
    private readonly Dictionary<string, uint> _ruleIds = new(StringComparer.Ordinal);
    private readonly Dictionary<uint, RuleSlot> _rules = [];
    private uint _nextRuleId = 1;
    private int _total;

    /// <summary>Opens the policy maps of a loaded object and adopts their content.</summary>
    public PolicyMaps(BpfObject lxc)
        : this(lxc?.GetMap(MapNames.Policy)!, lxc!.GetMap(MapNames.PolicyState))
    {
    }

    /// <summary>Programs <paramref name="entries"/> (plx_policy) and <paramref name="states"/> (plx_policy_state).</summary>
    public PolicyMaps(BpfMap entries, BpfMap states)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(states);
        _entries = entries;
        _states = states;
        Capacity = entries.MaxEntries;
        Adopt();
    }

    /// <summary>Maximum entries of the policy map.</summary>
    public int Capacity { get; }

    /// <inheritdoc/>
    public IReadOnlyCollection<int> Endpoints
    {
        get
        {
            lock (_lock)
            {
                return _programmed.Keys.Order().ToList();
            }
        }
    }

    /// <inheritdoc/>
    public PolicyMapCounts Counts
    {
        get
        {
            lock (_lock)
            {
                return new PolicyMapCounts(_programmed.Count, _total, Capacity, _failed.Count);
            }
        }
    }

    /// <summary>Entries programmed for one endpoint (0 when none).</summary>
    public int EntriesOf(int endpointId)
    {
        lock (_lock)
        {
            return _programmed.TryGetValue(endpointId, out var p) ? p.Entries.Count : 0;
        }
    }

    /// <inheritdoc/>
    public IReadOnlyList<string>? DescribeRule(uint ruleId)
    {
        lock (_lock)
        {
            return _rules.TryGetValue(ruleId, out var slot) ? slot.Sources : null;
        }
    }

    /// <summary>Programs an endpoint's compiled policy.</summary>
    public PolicySyncResult Sync(EndpointPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return Sync(policy.EndpointId, policy.Entries, policy.Ingress, policy.Egress);
    }

    /// <inheritdoc/>
    public PolicySyncResult Sync(int endpointId, IReadOnlyList<PolicyEntry> entries, DirectionPolicy ingress, DirectionPolicy egress)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(ingress);
        ArgumentNullException.ThrowIfNull(egress);
        lock (_lock)
        {
            if (endpointId is < 0 or > ushort.MaxValue)
            {
                return Fail(endpointId, PolicySyncError.Invalid, $"endpoint {endpointId}: ids are 0–65535 in the policy map");
            }

            var desired = new Dictionary<PolicyMapKey, (PolicyMapEntry Value, IReadOnlyList<string> Sources)>(entries.Count);
            foreach (var entry in entries)
            {
                var key = KeyOf(endpointId, entry.Key);
                if (!desired.TryAdd(key, (new PolicyMapEntry { Verdict = (byte)entry.Verdict, ProxyPort = entry.ProxyPort }, entry.Sources)))
                {
                    return Fail(endpointId, PolicySyncError.Invalid, $"endpoint {endpointId}: entry {entry.Key} is listed twice");
                }
            }

            _programmed.TryGetValue(endpointId, out var old);
            var oldEntries = old?.Entries ?? [];
            var state = StateOf(desired.Keys, ingress, egress);
            var needed = _total - oldEntries.Count + desired.Count;
            if (needed > Capacity)
            {
                return Overflow(endpointId, old, state, desired.Count, needed);
            }

            // Rule ids are taken for the new entries before the old ones release theirs, so unchanged entries keep their id.
            var values = new Dictionary<PolicyMapKey, PolicyMapEntry>(desired.Count);
            foreach (var (key, (value, sources)) in desired)
            {
                values[key] = value with { RuleId = AcquireRule(sources) };
            }

            var written = new List<PolicyMapKey>();
            int added = 0, updated = 0;
            try
            {
                foreach (var (key, value) in values.OrderBy(v => v.Value.Verdict == DatapathConstants.PolicyDeny ? 0 : 1))
                {
                    var had = oldEntries.TryGetValue(key, out var previous);
                    if (had && Same(previous, value))
                    {
                        continue;
                    }

                    _entries.Update(key, value);
                    written.Add(key);
                    if (had)
                    {
                        updated++;
                    }
                    else
                    {
                        added++;
                    }
                }

                if (old is null || !SameState(old.State, state))
                {
                    _states.Update((uint)endpointId, state);
                }
            }
            catch (BpfException e)
            {
                Undo(written, oldEntries);
                ReleaseRules(values.Values);
                var full = e.Errno is Enospc or E2big;
                if (full)
                {
                    return Overflow(endpointId, old, state, desired.Count, needed);
                }

                return Fail(endpointId, PolicySyncError.MapError, $"endpoint {endpointId}: {e.Message}; its previous policy was restored");
            }

            var removed = 0;
            var stale = oldEntries.Keys.Where(k => !values.ContainsKey(k)).ToList();
            var kept = new Dictionary<PolicyMapKey, PolicyMapEntry>(values);
            string? deleteError = null;
            foreach (var key in stale)
            {
                try
                {
                    _entries.Delete(key);
                    removed++;
                }
                catch (BpfException e)
                {
                    // Still in the map: keep it on the books so the next sync deletes it.
                    kept[key] = oldEntries[key];
                    _rules.GetValueOrDefault(oldEntries[key].RuleId)?.AddRef();
                    deleteError ??= e.Message;
                }
            }

            ReleaseRules(oldEntries.Values);
            _total += kept.Count - oldEntries.Count;
            _programmed[endpointId] = new Programmed(kept, state);
            if (deleteError is not null)
            {
                _failed.Add(endpointId);
                return new PolicySyncResult(endpointId, added, updated, removed, PolicySyncError.MapError,
                    $"endpoint {endpointId}: {stale.Count - removed} stale policy entries could not be deleted: {deleteError}");
            }

            _failed.Remove(endpointId);
            return new PolicySyncResult(endpointId, added, updated, removed);
        }
    }

    /// <inheritdoc/>
    public PolicySyncResult Remove(int endpointId)
    {
        lock (_lock)
        {
            _failed.Remove(endpointId);
            if (!_programmed.TryGetValue(endpointId, out var old))
            {
                return new PolicySyncResult(endpointId, 0, 0, 0);
            }

            try
            {
                _states.Delete((uint)endpointId);
            }
            catch (BpfException e)
            {
                return Fail(endpointId, PolicySyncError.MapError, $"endpoint {endpointId}: removing its policy state failed: {e.Message}");
            }

            var removed = 0;
            var left = new Dictionary<PolicyMapKey, PolicyMapEntry>();
            foreach (var (key, value) in old.Entries)
            {
                try
                {
                    _entries.Delete(key);
                    removed++;
                    _rules.GetValueOrDefault(value.RuleId)?.Release(this, value.RuleId);
                }
                catch (BpfException)
                {
                    left[key] = value;
                }
            }

            _total -= removed;
            if (left.Count > 0)
            {
                // Unreachable without a state entry (no lookups happen), but kept on the books for the next removal.
                _programmed[endpointId] = old with { Entries = left };
                _failed.Add(endpointId);
                return new PolicySyncResult(endpointId, 0, 0, removed, PolicySyncError.MapError,
                    $"endpoint {endpointId}: {left.Count} policy entries could not be deleted");
            }

            _programmed.Remove(endpointId);
            return new PolicySyncResult(endpointId, 0, 0, removed);
        }
    }

    /// <summary>The map key of a compiled key: any-protocol keys fix only identity, endpoint and direction.</summary>
    public static PolicyMapKey KeyOf(int endpointId, PolicyKey key)
    {
        var any = key.Protocol == IpProtocols.Any;
        return new PolicyMapKey
        {
            PrefixLength = (uint)(any ? DatapathConstants.PolicyPrefixFixed : DatapathConstants.PolicyPrefixFixed + 8 + key.Ports.Length),
            Identity = key.Identity,
            EndpointId = checked((ushort)endpointId),
            Direction = (byte)key.Direction,
            Protocol = key.Protocol,
            DestinationPort = any || key.Ports.Length == 0 ? (ushort)0 : BinaryPrimitives.ReverseEndianness(key.Ports.Port),
        };
    }

    /// <summary>
    /// A sync that does not fit: no entry is written. The endpoint keeps what it had, with default deny wherever the
    /// old or the new state has it and audit only where both have it: it can lose allows, never gain one.
    /// </summary>
    private PolicySyncResult Overflow(int endpointId, Programmed? old, PolicyState wanted, int count, int needed)
    {
        var oldState = old?.State ?? default;
        var safe = new PolicyState
        {
            Ingress = Safe(oldState.Ingress, wanted.Ingress, old is null),
            Egress = Safe(oldState.Egress, wanted.Egress, old is null),
        };
        var message = $"endpoint {endpointId} needs {count} policy entries but {MapNames.Policy} holds at most {Capacity} "
            + $"({needed} would be in use); its previous entries are kept, with default deny where the new policy has it";
        try
        {
            if (old is null || !SameState(old.State, safe))
            {
                _states.Update((uint)endpointId, safe);
                _programmed[endpointId] = new Programmed(old?.Entries ?? [], safe);
            }
        }
        catch (BpfException e)
        {
            message += $"; writing that state failed too: {e.Message}";
        }

        _failed.Add(endpointId);
        return new PolicySyncResult(endpointId, 0, 0, 0, PolicySyncError.MapFull, message);
    }

    private static byte Safe(byte old, byte wanted, bool wasOpen)
    {
        var enforced = (old | wanted) & DatapathConstants.PolicyEnforced;
        var audit = (wasOpen || (old & DatapathConstants.PolicyAudit) != 0) && (wanted & DatapathConstants.PolicyAudit) != 0
            ? DatapathConstants.PolicyAudit : 0;
        return (byte)(enforced | audit | (old & DatapathConstants.PolicyHasEntries));
    }

    private PolicySyncResult Fail(int endpointId, PolicySyncError error, string message)
    {
        _failed.Add(endpointId);
        return new PolicySyncResult(endpointId, 0, 0, 0, error, message);
    }

    private void Undo(List<PolicyMapKey> written, Dictionary<PolicyMapKey, PolicyMapEntry> old)
    {
        foreach (var key in written)
        {
            try
            {
                if (old.TryGetValue(key, out var previous))
                {
                    _entries.Update(key, previous);
                }
                else
                {
                    _entries.Delete(key);
                }
            }
            catch (BpfException)
            {
                // Best effort: what stays is an entry of the new state, which the next sync rewrites or deletes.
            }
        }
    }

    private static PolicyState StateOf(IEnumerable<PolicyMapKey> keys, DirectionPolicy ingress, DirectionPolicy egress)
    {
        var ingressEntries = false;
        var egressEntries = false;
        foreach (var key in keys)
        {
            ingressEntries |= key.Direction == (byte)PolicyDirection.Ingress;
            egressEntries |= key.Direction == (byte)PolicyDirection.Egress;
        }

        return new PolicyState { Ingress = Flags(ingress, ingressEntries), Egress = Flags(egress, egressEntries) };
    }

    private static byte Flags(DirectionPolicy policy, bool hasEntries) =>
        (byte)((policy.DefaultDeny ? DatapathConstants.PolicyEnforced : 0)
            | (policy.Audit ? DatapathConstants.PolicyAudit : 0)
            | (hasEntries ? DatapathConstants.PolicyHasEntries : 0));

    private uint AcquireRule(IReadOnlyList<string> sources)
    {
        var name = string.Join('\n', sources);
        if (_ruleIds.TryGetValue(name, out var id))
        {
            _rules[id].AddRef();
            return id;
        }

        while (_rules.ContainsKey(_nextRuleId) || _nextRuleId == 0)
        {
            _nextRuleId++;
        }

        id = _nextRuleId++;
        _ruleIds[name] = id;
        _rules[id] = new RuleSlot(name, [.. sources]);
        return id;
    }

    private void ReleaseRules(IEnumerable<PolicyMapEntry> values)
    {
        foreach (var value in values)
        {
            _rules.GetValueOrDefault(value.RuleId)?.Release(this, value.RuleId);
        }
    }

    /// <summary>Reads what the pinned maps hold; entries without a state entry (an interrupted removal) are deleted.</summary>
    private void Adopt()
    {
        var states = _states.GetEntries<uint, PolicyState>().ToDictionary(e => (int)e.Key, e => e.Value);
        var byEndpoint = new Dictionary<int, Dictionary<PolicyMapKey, PolicyMapEntry>>();
        foreach (var (key, value) in _entries.GetEntries<PolicyMapKey, PolicyMapEntry>().ToList())
        {
            if (!states.ContainsKey(key.EndpointId))
            {
                try
                {
                    _entries.Delete(key);
                }
                catch (BpfException)
                {
                    // Unreachable without a state entry.
                }

                continue;
            }

            if (!byEndpoint.TryGetValue(key.EndpointId, out var list))
            {
                byEndpoint[key.EndpointId] = list = [];
            }

            // Rule ids of another process mean nothing here: id 0 makes the first sync rewrite the value (atomically).
            list[key] = value with { RuleId = 0 };
        }

        foreach (var (id, state) in states)
        {
            var list = byEndpoint.GetValueOrDefault(id) ?? [];
            _programmed[id] = new Programmed(list, state);
            _total += list.Count;
        }
    }

    private static bool Same(PolicyMapEntry a, PolicyMapEntry b) =>
        a.Verdict == b.Verdict && a.ProxyPort == b.ProxyPort && a.RuleId == b.RuleId;

    private static bool SameState(PolicyState a, PolicyState b) => a.Ingress == b.Ingress && a.Egress == b.Egress;

    private sealed record Programmed(Dictionary<PolicyMapKey, PolicyMapEntry> Entries, PolicyState State);

    private sealed class RuleSlot(string name, IReadOnlyList<string> sources)
    {
        private int _refs = 1;

        public IReadOnlyList<string> Sources { get; } = sources;

        public void AddRef() => _refs++;

        public void Release(PolicyMaps owner, uint id)
        {
            if (--_refs == 0)
            {
                owner._rules.Remove(id);
                owner._ruleIds.Remove(name);
            }
        }
    }
}
