using Plexus.Model;
using Plexus.Model.State;

namespace Plexus.Policy;

/// <summary>
/// The policy state of one node: policies, namespaces, identities and local endpoints, with the compiled policy of
/// every endpoint. Each change bumps <see cref="Revision"/> and marks only the endpoints it can affect;
/// <see cref="Compute"/> recompiles those and reports the ones whose output really changed, so the agent reprograms
/// only them. Not thread-safe: one controller owns it. Pure: no I/O.
/// </summary>
public sealed class PolicyRepository
{
    private readonly SelectorCache _cache = new();
    private readonly PolicyCompiler _compiler;
    private readonly CidrIdentityAllocator _cidrs = new();
    private readonly Dictionary<ResourceKey, CompiledPolicy> _policies = [];
    private readonly Dictionary<uint, PolicyIdentity> _identities = [];
    private readonly Dictionary<uint, Cidr> _cidrIdentities = [];
    private readonly Dictionary<string, PolicyNamespace> _namespaces = new(StringComparer.Ordinal);
    private readonly Dictionary<int, PolicyEndpoint> _endpoints = [];
    private readonly Dictionary<int, EndpointPolicy> _results = [];
    private readonly HashSet<int> _dirty = [];
    private readonly HashSet<int> _removed = [];
    private readonly HashSet<uint> _pendingIdentities = [];
    private List<CompiledRule>? _rules;

    /// <summary>Creates an empty repository that already knows the reserved identities 1–8.</summary>
    public PolicyRepository()
    {
        _compiler = new PolicyCompiler(_cache);
        foreach (var identity in PolicyCompiler.ReservedIdentities())
        {
            UpsertIdentity(identity);
        }

        Revision = 0;
    }

    /// <summary>Bumped by every change.</summary>
    public long Revision { get; private set; }

    /// <summary>The last computed policy of every endpoint.</summary>
    public IReadOnlyDictionary<int, EndpointPolicy> Policies => _results;

    /// <summary>CIDR identities the policies need, for the ipcache (prefix → identity).</summary>
    public IReadOnlyList<CidrIdentity> CidrIdentities => _cidrs.All;

    /// <summary>What the policies ask for that the compiler cannot express yet (each names its rule).</summary>
    public IReadOnlyList<string> Warnings => _policies.Values.OrderBy(p => p.Key.ToString(), StringComparer.Ordinal).SelectMany(p => p.Warnings).ToList();

    /// <summary>Number of distinct selectors in the selector cache.</summary>
    public int SelectorCount => _cache.SelectorCount;

    /// <summary>Adds or replaces a NetworkPolicy, CiliumNetworkPolicy or CiliumClusterwideNetworkPolicy; false when unchanged.</summary>
    public bool UpsertPolicy(Resource policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var compiled = PolicyTranslator.Translate(policy);
        _policies.TryGetValue(compiled.Key, out var old);
        if (old is not null && old.Resource.ToJsonString() == policy.ToJsonString() && old.Resource.GetType() == policy.GetType())
        {
            return false;
        }

        ReplacePolicy(old, compiled);
        return true;
    }

    /// <summary>Removes a policy; false when it was not there.</summary>
    public bool RemovePolicy(ResourceKey key)
    {
        if (!_policies.TryGetValue(key, out var old))
        {
            return false;
        }

        ReplacePolicy(old, null);
        return true;
    }

    /// <summary>Adds or replaces a namespace's labels; false when unchanged.</summary>
    public bool UpsertNamespace(PolicyNamespace ns)
    {
        ArgumentNullException.ThrowIfNull(ns);
        if (_namespaces.TryGetValue(ns.Name, out var old) && old.Equals(ns))
        {
            return false;
        }

        // keep a copy: the caller may go on mutating its dictionary
        _namespaces[ns.Name] = ns with { Labels = new Dictionary<string, string>(ns.Labels, StringComparer.Ordinal) };
        NamespaceChanged(ns.Name);
        return true;
    }

    /// <summary>Adds or replaces a namespace from its resource.</summary>
    public bool UpsertNamespace(NamespaceResource ns)
    {
        ArgumentNullException.ThrowIfNull(ns);
        return UpsertNamespace(new PolicyNamespace(ns.Metadata.Name, ns.Metadata.Labels));
    }

    /// <summary>Removes a namespace (its identities fall back to the namespace labels they carry).</summary>
    public bool RemoveNamespace(string name)
    {
        if (!_namespaces.Remove(name))
        {
            return false;
        }

        NamespaceChanged(name);
        return true;
    }

    /// <summary>Adds or replaces an identity (labels, addresses, named ports); false when unchanged.</summary>
    public bool UpsertIdentity(PolicyIdentity identity)
    {
        ArgumentNullException.ThrowIfNull(identity);
        if (IdentityNumbers.IsLocalScope(identity.Number) && _cidrIdentities.ContainsKey(identity.Number))
        {
            throw new ArgumentException($"identity {identity.Number} is a CIDR identity owned by the repository", nameof(identity));
        }

        if (_identities.TryGetValue(identity.Number, out var old) && old.Equals(identity))
        {
            return false;
        }

        _identities[identity.Number] = identity;
        _pendingIdentities.Add(identity.Number);
        Revision++;
        return true;
    }

    /// <summary>Removes an identity; false when unknown.</summary>
    public bool RemoveIdentity(uint number)
    {
        if (_cidrIdentities.ContainsKey(number) || !_identities.Remove(number))
        {
            return false;
        }

        _pendingIdentities.Add(number);
        Revision++;
        return true;
    }

    /// <summary>Adds or replaces a local endpoint (a pod label change arrives as a new identity); false when unchanged.</summary>
    public bool UpsertEndpoint(PolicyEndpoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        if (_endpoints.TryGetValue(endpoint.Id, out var old) && SameEndpoint(old, endpoint))
        {
            return false;
        }

        _endpoints[endpoint.Id] = endpoint with { Labels = new Dictionary<string, string>(endpoint.Labels, StringComparer.Ordinal), NamedPorts = [.. endpoint.NamedPorts] };
        _removed.Remove(endpoint.Id);
        _dirty.Add(endpoint.Id);
        Revision++;
        return true;
    }

    /// <summary>Removes a local endpoint; false when unknown.</summary>
    public bool RemoveEndpoint(int id)
    {
        if (!_endpoints.Remove(id))
        {
            return false;
        }

        _dirty.Remove(id);
        _removed.Add(id);
        Revision++;
        return true;
    }

    /// <summary>Recompiles the endpoints affected since the last call and returns those whose policy changed.</summary>
    public PolicyUpdate Compute()
    {
        Flush();
        _rules ??= _policies.Values.OrderBy(p => p.Key.ToString(), StringComparer.Ordinal).SelectMany(p => p.Rules).ToList();
        var changed = new List<EndpointPolicy>();
        var recomputed = 0;
        foreach (var id in _dirty.Order())
        {
            var endpoint = _endpoints[id];
            var policy = _compiler.CompileEndpoint(endpoint, ViewOf(endpoint), _rules, Revision);
            recomputed++;
            if (!_results.TryGetValue(id, out var previous) || !previous.SameContent(policy))
            {
                _results[id] = policy;
                changed.Add(policy);
            }
        }

        var removed = _removed.Where(_results.Remove).Order().ToList();
        _dirty.Clear();
        _removed.Clear();
        return new PolicyUpdate(Revision, changed, removed, recomputed);
    }

    private void ReplacePolicy(CompiledPolicy? old, CompiledPolicy? now)
    {
        Flush();
        if (now is not null)
        {
            foreach (var prefix in now.Prefixes)
            {
                if (_cidrs.Acquire(prefix) is { } added)
                {
                    _cidrIdentities[added.Number] = added.Cidr;
                    _identities[added.Number] = new PolicyIdentity { Number = added.Number, Labels = CidrIdentityAllocator.LabelsOf(added.Cidr) };
                    _pendingIdentities.Add(added.Number);
                }
            }

            Flush();
            foreach (var selector in now.Selectors)
            {
                _cache.Acquire(selector);
            }

            _policies[now.Key] = now;
            MarkSelected(now.Rules);
        }
        else
        {
            _policies.Remove(old!.Key);
        }

        if (old is not null)
        {
            MarkSelected(old.Rules);
            foreach (var selector in old.Selectors)
            {
                _cache.Release(selector);
            }

            foreach (var prefix in old.Prefixes)
            {
                if (_cidrs.Release(prefix) is { } gone)
                {
                    _cidrIdentities.Remove(gone.Number);
                    _identities.Remove(gone.Number);
                    _pendingIdentities.Add(gone.Number);
                }
            }
        }

        _rules = null;
        Revision++;
    }

    private void NamespaceChanged(string name)
    {
        Flush();
        foreach (var view in _cache.Identities.Values)
        {
            if (view.Namespace == name)
            {
                _pendingIdentities.Add(view.Number);
            }
        }

        foreach (var endpoint in _endpoints.Values)
        {
            if (endpoint.Namespace == name)
            {
                _dirty.Add(endpoint.Id);
            }
        }

        Revision++;
    }

    /// <summary>Applies pending identity changes to the selector cache and marks the endpoints they affect.</summary>
    private void Flush()
    {
        if (_pendingIdentities.Count == 0)
        {
            return;
        }

        var changed = new Dictionary<uint, IdentityView?>();
        foreach (var number in _pendingIdentities)
        {
            changed[number] = _identities.TryGetValue(number, out var identity)
                ? IdentityView.Create(identity, _namespaces.GetValueOrDefault, _cidrIdentities.TryGetValue(number, out var cidr) ? cidr : null)
                : null;
        }

        var namedPortsChanged = changed.Any(c => c.Value?.Identity.NamedPorts.Count > 0 || _cache.Find(c.Key)?.Identity.NamedPorts.Count > 0);
        var changedSelectors = _cache.Update(changed);
        _pendingIdentities.Clear();
        foreach (var endpoint in _endpoints.Values)
        {
            if (changed.ContainsKey(endpoint.Identity))
            {
                _dirty.Add(endpoint.Id);
            }
        }

        if (changedSelectors.Count == 0 && !namedPortsChanged)
        {
            return;
        }

        var affected = _policies.Values.SelectMany(p => p.Rules)
            .Where(r => (namedPortsChanged && r.HasEgressNamedPorts) || r.SelectorKeys.Overlaps(changedSelectors))
            .ToList();
        MarkSelected(affected);
    }

    private void MarkSelected(IReadOnlyCollection<CompiledRule> rules)
    {
        if (rules.Count == 0)
        {
            return;
        }

        foreach (var endpoint in _endpoints.Values)
        {
            if (_dirty.Contains(endpoint.Id))
            {
                continue;
            }

            var view = ViewOf(endpoint);
            foreach (var rule in rules)
            {
                if (PolicyCompiler.Selects(rule, view))
                {
                    _dirty.Add(endpoint.Id);
                    break;
                }
            }
        }
    }

    private IdentityView ViewOf(PolicyEndpoint endpoint)
    {
        if (_cache.Find(endpoint.Identity) is { } view)
        {
            return view;
        }

        // identity not known (yet): select by the endpoint's own labels and namespace
        var labels = endpoint.Labels.Select(l => new IdentityLabel(IdentityLabels.KubernetesSource, l.Key, l.Value))
            .Append(new IdentityLabel(IdentityLabels.KubernetesSource, IdentityLabels.NamespaceKey, endpoint.Namespace));
        var identity = new PolicyIdentity { Number = endpoint.Identity, Labels = IdentityLabels.Create(labels) };
        return IdentityView.Create(identity, _namespaces.GetValueOrDefault);
    }

    private static bool SameEndpoint(PolicyEndpoint a, PolicyEndpoint b) =>
        a.Id == b.Id && a.Identity == b.Identity && a.Namespace == b.Namespace && a.AuditMode == b.AuditMode
        && a.NamedPorts.SequenceEqual(b.NamedPorts) && a.Labels.Count == b.Labels.Count
        && a.Labels.All(l => b.Labels.TryGetValue(l.Key, out var v) && v == l.Value);
}
