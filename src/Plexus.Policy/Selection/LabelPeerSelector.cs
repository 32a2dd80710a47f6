using Plexus.Model;
using Plexus.Model.State;

namespace Plexus.Policy;

/// <summary>
/// A label selector over identities, with the namespace restrictions of its policy kind already folded in as
/// requirements. Matches endpoint identities only, unless it names a <c>reserved:</c> label.
/// </summary>
internal sealed class LabelPeerSelector : PeerSelector
{
    private static readonly string NamespaceLabelKey = IdentityLabels.KubernetesSource + ":" + IdentityLabels.NamespaceKey;

    private readonly LabelRequirement[] _requirements;
    private readonly bool _matchesReserved;

    private LabelPeerSelector(IEnumerable<LabelRequirement> requirements)
    {
        _requirements = requirements.DistinctBy(r => r.ToString()).OrderBy(r => r.ToString(), StringComparer.Ordinal).ToArray();
        _matchesReserved = _requirements.Any(r => r.Source == IdentityNumbers.ReservedSource);
        Key = "labels:" + string.Join(";", _requirements.Select(r => r.ToString())) + (_matchesReserved ? "" : ";endpoints");
        IndexCandidates = _requirements
            .Where(r => r.Operator == SelectorOperator.In)
            .Select(r => r.Values.Select(v => IdentityView.IndexKey(r.Name, v)).ToArray())
            .OrderBy(v => v.Length)
            .FirstOrDefault();
    }

    public override string Key { get; }

    public override IReadOnlyList<string>? IndexCandidates { get; }

    /// <summary>A Cilium endpoint selector; a namespaced policy restricts it to its namespace unless it names the namespace label.</summary>
    public static LabelPeerSelector ForCilium(LabelSelector selector, string? policyNamespace)
    {
        var requirements = FromSelector(selector, keyPrefix: null).ToList();
        if (policyNamespace is not null && !requirements.Exists(r => r.Name == IdentityLabels.NamespaceKey))
        {
            requirements.Add(LabelRequirement.Create(NamespaceLabelKey, SelectorOperator.In, [policyNamespace]));
        }

        return new LabelPeerSelector(requirements);
    }

    /// <summary>Pods of <paramref name="policyNamespace"/> matching <paramref name="podSelector"/>.</summary>
    public static LabelPeerSelector ForPods(LabelSelector podSelector, string policyNamespace) =>
        new(FromSelector(podSelector, null).Append(LabelRequirement.Create(NamespaceLabelKey, SelectorOperator.In, [policyNamespace])));

    /// <summary>A NetworkPolicy peer: pod selector alone = the policy's namespace; with a namespace selector = AND.</summary>
    public static LabelPeerSelector ForNetworkPolicyPeer(LabelSelector? podSelector, LabelSelector? namespaceSelector, string policyNamespace)
    {
        if (namespaceSelector is null)
        {
            return ForPods(podSelector ?? LabelSelector.Everything, policyNamespace);
        }

        var requirements = FromSelector(podSelector ?? LabelSelector.Everything, null)
            .Concat(FromSelector(namespaceSelector, IdentityLabels.NamespaceLabelPrefix))
            .Append(LabelRequirement.Create(NamespaceLabelKey, SelectorOperator.Exists, []));
        return new LabelPeerSelector(requirements);
    }

    public override bool Matches(IdentityView view)
    {
        if (view.IsCidr || (view.IsReserved && !_matchesReserved))
        {
            return false;
        }

        foreach (var requirement in _requirements)
        {
            if (!requirement.Matches(view))
            {
                return false;
            }
        }

        return true;
    }

    private static IEnumerable<LabelRequirement> FromSelector(LabelSelector selector, string? keyPrefix)
    {
        string Key(string key) => keyPrefix is null ? key : IdentityLabels.KubernetesSource + ":" + keyPrefix + LabelSyntax.SplitSource(key).Name;
        foreach (var (key, value) in selector.MatchLabels)
        {
            yield return LabelRequirement.Create(Key(key), SelectorOperator.In, [value]);
        }

        foreach (var expression in selector.MatchExpressions)
        {
            yield return LabelRequirement.Create(Key(expression.Key), expression.Operator, expression.Values);
        }
    }
}
