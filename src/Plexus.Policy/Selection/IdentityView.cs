using System.Net;
using Plexus.Model;
using Plexus.Model.State;

namespace Plexus.Policy;

/// <summary>
/// An identity prepared for selector matching: its labels indexed by key name, with the namespace's current labels
/// (from the namespace set) as <c>k8s:io.cilium.k8s.namespace.labels.&lt;key&gt;</c>.
/// </summary>
internal sealed class IdentityView
{
    private readonly Dictionary<string, List<(string Source, string Value)>> _byName = new(StringComparer.Ordinal);

    private IdentityView(PolicyIdentity identity, Cidr? cidr)
    {
        Identity = identity;
        Cidr = cidr;
    }

    public PolicyIdentity Identity { get; }

    public uint Number => Identity.Number;

    /// <summary>The prefix of a CIDR identity.</summary>
    public Cidr? Cidr { get; }

    public bool IsCidr => Cidr is not null;

    /// <summary>Reserved (numbers below 256) and not a CIDR identity.</summary>
    public bool IsReserved => !IsCidr && IdentityNumbers.IsReserved(Number);

    /// <summary>The pod namespace label, when present.</summary>
    public string? Namespace { get; private set; }

    public IReadOnlyList<IPAddress> Addresses => Identity.Addresses;

    /// <summary>The addresses as host prefixes, converted once for fast containment checks.</summary>
    public Cidr[] HostPrefixes { get; private init; } = [];

    /// <summary>(name, value) pairs, for the label index.</summary>
    public IEnumerable<string> IndexKeys => _byName.SelectMany(p => p.Value.Select(v => IndexKey(p.Key, v.Value)));

    public static string IndexKey(string name, string value) => name + "=" + value;

    public static IdentityView Create(PolicyIdentity identity, Func<string, PolicyNamespace?> namespaces, Cidr? cidr = null)
    {
        var view = new IdentityView(identity, cidr) { HostPrefixes = identity.Addresses.Select(Plexus.Model.Cidr.FromAddress).ToArray() };
        string? ns = null;
        foreach (var label in identity.Labels.Labels)
        {
            if (label.Source == IdentityLabels.KubernetesSource && label.Key == IdentityLabels.NamespaceKey)
            {
                ns = label.Value;
            }
        }

        var known = ns is null ? null : namespaces(ns);
        foreach (var label in identity.Labels.Labels)
        {
            if (known is not null && label.Source == IdentityLabels.KubernetesSource
                && label.Key.StartsWith(IdentityLabels.NamespaceLabelPrefix, StringComparison.Ordinal))
            {
                continue;
            }

            view.Add(label.Source, label.Key, label.Value);
        }

        if (ns is not null)
        {
            var nsLabels = known?.EffectiveLabels ?? new Dictionary<string, string> { [NamespaceResource.NameLabel] = ns };
            foreach (var (key, value) in nsLabels)
            {
                view.Add(IdentityLabels.KubernetesSource, IdentityLabels.NamespaceLabelPrefix + key, value, replace: known is null);
            }
        }

        view.Namespace = ns;
        return view;
    }

    /// <summary>The value of <paramref name="name"/> from <paramref name="source"/> (null = any source).</summary>
    public bool TryFind(string? source, string name, out string value)
    {
        if (_byName.TryGetValue(name, out var values))
        {
            foreach (var (labelSource, labelValue) in values)
            {
                if (source is null || labelSource == source)
                {
                    value = labelValue;
                    return true;
                }
            }
        }

        value = "";
        return false;
    }

    private void Add(string source, string name, string value, bool replace = false)
    {
        if (!_byName.TryGetValue(name, out var values))
        {
            _byName[name] = values = [];
        }

        if (replace && values.Exists(v => v.Source == source))
        {
            return;
        }

        values.Add((source, value));
    }
}
