using System.Diagnostics.CodeAnalysis;

namespace Plexus.Model;

/// <summary>
/// A label selector: every <see cref="MatchLabels"/> entry and every <see cref="MatchExpressions"/> requirement
/// must hold; the empty selector matches everything. Keys may carry a Cilium source (<c>k8s:app</c>,
/// <c>any:app</c>); a key without source or with <c>any:</c> matches a label of any source, a key with a source
/// matches labels of that source or unsourced labels. Equal selectors compare equal (usable as cache keys).
/// </summary>
public sealed record LabelSelector
{
    /// <summary>Creates a selector.</summary>
    public LabelSelector(IReadOnlyDictionary<string, string>? matchLabels = null, IEnumerable<LabelSelectorRequirement>? matchExpressions = null)
    {
        MatchLabels = ValueMap.From(matchLabels);
        MatchExpressions = ValueList<LabelSelectorRequirement>.From(matchExpressions);
    }

    /// <summary>The selector that matches everything (<c>{}</c>).</summary>
    public static LabelSelector Everything { get; } = new();

    /// <summary>Labels that must be present with exactly these values.</summary>
    public IReadOnlyDictionary<string, string> MatchLabels { get; }

    /// <summary>Requirements that must all hold.</summary>
    public IReadOnlyList<LabelSelectorRequirement> MatchExpressions { get; }

    /// <summary>True for <c>{}</c>, which matches everything.</summary>
    public bool IsEmpty => MatchLabels.Count == 0 && MatchExpressions.Count == 0;

    /// <summary>Whether <paramref name="labels"/> satisfy every label and every expression.</summary>
    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        foreach (var (key, expected) in MatchLabels)
        {
            if (!TryFind(labels, key, out var actual) || actual != expected)
            {
                return false;
            }
        }

        foreach (var requirement in MatchExpressions)
        {
            if (!requirement.Matches(labels))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>kubectl selector syntax (<c>app=web,tier in (a,b)</c>); empty for <c>{}</c>.</summary>
    public override string ToString() =>
        string.Join(",", MatchLabels.Select(p => $"{p.Key}={p.Value}").Concat(MatchExpressions.Select(e => e.ToString())));

    /// <summary>Finds the value of selector key <paramref name="key"/> in <paramref name="labels"/>, honouring sources.</summary>
    internal static bool TryFind(IReadOnlyDictionary<string, string> labels, string key, [MaybeNullWhen(false)] out string value)
    {
        if (labels.TryGetValue(key, out value))
        {
            return true;
        }

        var (source, name) = LabelSyntax.SplitSource(key);
        foreach (var (labelKey, labelValue) in labels)
        {
            var (labelSource, labelName) = LabelSyntax.SplitSource(labelKey);
            if (labelName == name && (source is null or "any" || labelSource is null || labelSource == source))
            {
                value = labelValue;
                return true;
            }
        }

        value = null;
        return false;
    }
}
