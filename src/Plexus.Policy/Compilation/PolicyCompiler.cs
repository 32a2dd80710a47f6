using Plexus.Model;
using Plexus.Model.State;

namespace Plexus.Policy;

/// <summary>
/// Compiles the rules selecting one endpoint into its policy map entries. Entries with the same key merge (deny
/// wins, sources are united); an allow entry that a deny entry of the same identity or of identity 0 covers is
/// dropped, so the datapath's longest-prefix lookups (docs/policy.md) can never prefer an allow over a deny.
/// </summary>
public sealed class PolicyCompiler
{
    private readonly SelectorCache _cache;

    internal PolicyCompiler(SelectorCache cache)
    {
        _cache = cache;
    }

    /// <summary>Compiles every endpoint against a fresh repository holding the given state (tests, tools, one-shot use).</summary>
    public static IReadOnlyDictionary<int, EndpointPolicy> Compile(
        IEnumerable<Resource> policies,
        IEnumerable<PolicyNamespace> namespaces,
        IEnumerable<PolicyIdentity> identities,
        IEnumerable<PolicyEndpoint> endpoints)
    {
        ArgumentNullException.ThrowIfNull(policies);
        ArgumentNullException.ThrowIfNull(namespaces);
        ArgumentNullException.ThrowIfNull(identities);
        ArgumentNullException.ThrowIfNull(endpoints);
        var repository = new PolicyRepository();
        foreach (var ns in namespaces)
        {
            repository.UpsertNamespace(ns);
        }

        foreach (var identity in identities)
        {
            repository.UpsertIdentity(identity);
        }

        foreach (var policy in policies)
        {
            repository.UpsertPolicy(policy);
        }

        foreach (var endpoint in endpoints)
        {
            repository.UpsertEndpoint(endpoint);
        }

        repository.Compute();
        return repository.Policies;
    }

    /// <summary>Whether <paramref name="rule"/> selects the endpoint seen as <paramref name="view"/>.</summary>
    internal static bool Selects(CompiledRule rule, IdentityView view) => rule.Subject.Matches(view);

    internal EndpointPolicy CompileEndpoint(PolicyEndpoint endpoint, IdentityView view, IEnumerable<CompiledRule> rules, long revision)
    {
        var entries = new Dictionary<PolicyKey, (EntryVerdict Verdict, HashSet<string> Sources)>();
        var enforcedIngress = new SortedSet<string>(StringComparer.Ordinal);
        var enforcedEgress = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var rule in rules)
        {
            if (!Selects(rule, view))
            {
                continue;
            }

            if (rule.IsolatesIngress)
            {
                enforcedIngress.Add(rule.Id);
            }

            if (rule.IsolatesEgress)
            {
                enforcedEgress.Add(rule.Id);
            }

            foreach (var section in rule.Sections)
            {
                Emit(endpoint, section, entries);
            }
        }

        var result = Finish(entries);
        return new EndpointPolicy
        {
            EndpointId = endpoint.Id,
            Identity = endpoint.Identity,
            Revision = revision,
            Ingress = new DirectionPolicy(enforcedIngress.Count > 0, endpoint.AuditMode, [.. enforcedIngress]),
            Egress = new DirectionPolicy(enforcedEgress.Count > 0, endpoint.AuditMode, [.. enforcedEgress]),
            Entries = result,
        };
    }

    private void Emit(PolicyEndpoint endpoint, CompiledSection section, Dictionary<PolicyKey, (EntryVerdict, HashSet<string>)> entries)
    {
        IEnumerable<uint> peers;
        if (section.AnyPeer)
        {
            peers = [0u];
        }
        else
        {
            var set = new HashSet<uint>();
            foreach (var selector in section.Peers)
            {
                set.UnionWith(_cache.Members(selector));
            }

            foreach (var required in section.Requires)
            {
                set.IntersectWith(_cache.Members(required));
            }

            peers = set;
        }

        foreach (var port in section.Ports)
        {
            if (!port.IsNamed)
            {
                var prefixes = port.Protocol == IpProtocols.Any ? [PortPrefix.All] : PortPrefix.FromRange(port.First, port.Last);
                foreach (var peer in peers)
                {
                    foreach (var prefix in prefixes)
                    {
                        Add(entries, new PolicyKey(section.Direction, peer, port.Protocol, prefix), section);
                    }
                }

                continue;
            }

            if (section.Direction == PolicyDirection.Ingress)
            {
                foreach (var (protocol, number) in Resolve(endpoint.NamedPorts, port))
                {
                    foreach (var peer in peers)
                    {
                        Add(entries, new PolicyKey(section.Direction, peer, protocol, PortPrefix.Single(number)), section);
                    }
                }

                continue;
            }

            // egress: the name resolves against each peer's own ports; "any peer" means every identity declaring it
            var egressPeers = section.AnyPeer ? _cache.Identities.Keys : peers;
            foreach (var peer in egressPeers)
            {
                if (_cache.Find(peer) is not { } peerView)
                {
                    continue;
                }

                foreach (var (protocol, number) in Resolve(peerView.Identity.NamedPorts, port))
                {
                    Add(entries, new PolicyKey(section.Direction, peer, protocol, PortPrefix.Single(number)), section);
                }
            }
        }
    }

    private static IEnumerable<(byte Protocol, int Port)> Resolve(IReadOnlyList<NamedPort> declared, PortSpec port) =>
        declared.Where(d => d.Name == port.Name && (port.Protocol == IpProtocols.Any || port.Protocol == d.Protocol))
            .Select(d => (d.Protocol, d.Port))
            .Distinct();

    internal static void Add(Dictionary<PolicyKey, (EntryVerdict Verdict, HashSet<string> Sources)> entries, PolicyKey key, CompiledSection section)
    {
        if (!entries.TryGetValue(key, out var entry))
        {
            entries[key] = (section.Verdict, new HashSet<string>(StringComparer.Ordinal) { section.Id });
            return;
        }

        if (entry.Verdict == section.Verdict)
        {
            entry.Sources.Add(section.Id);
        }
        else if (section.Verdict == EntryVerdict.Deny)
        {
            // deny replaces allow; only the deny rules explain the entry
            entries[key] = (EntryVerdict.Deny, new HashSet<string>(StringComparer.Ordinal) { section.Id });
        }
    }

    internal static List<PolicyEntry> Finish(Dictionary<PolicyKey, (EntryVerdict Verdict, HashSet<string> Sources)> entries)
    {
        var denies = new Dictionary<(PolicyDirection, uint), List<PolicyKey>>();
        foreach (var (key, entry) in entries)
        {
            if (entry.Verdict == EntryVerdict.Deny)
            {
                var group = (key.Direction, key.Identity);
                if (!denies.TryGetValue(group, out var list))
                {
                    denies[group] = list = [];
                }

                list.Add(key);
            }
        }

        bool CoveredByDeny(PolicyKey key) =>
            (denies.TryGetValue((key.Direction, key.Identity), out var same) && same.Exists(key.L4CoveredBy))
            || (key.Identity != 0 && denies.TryGetValue((key.Direction, 0u), out var any) && any.Exists(key.L4CoveredBy));

        var result = new List<PolicyEntry>(entries.Count);
        foreach (var (key, entry) in entries)
        {
            if (entry.Verdict == EntryVerdict.Allow && denies.Count > 0 && CoveredByDeny(key))
            {
                continue;
            }

            var sources = entry.Sources.ToArray();
            Array.Sort(sources, StringComparer.Ordinal);
            result.Add(new PolicyEntry(key, entry.Verdict, 0, sources));
        }

        result.Sort((a, b) => a.Key.CompareTo(b.Key));
        return result;
    }

    /// <summary>The reserved identities every repository knows (so entities work without extra input).</summary>
    internal static IEnumerable<PolicyIdentity> ReservedIdentities() =>
        Enum.GetValues<ReservedIdentity>()
            .Where(r => r != ReservedIdentity.Unknown)
            .Select(r => new PolicyIdentity { Number = (uint)r, Labels = IdentityLabels.ForReserved(r) });
}
