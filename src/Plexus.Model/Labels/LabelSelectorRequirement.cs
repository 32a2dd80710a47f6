namespace Plexus.Model;

/// <summary>One <c>matchExpressions</c> entry: a key, an operator and (for In/NotIn) values.</summary>
public sealed record LabelSelectorRequirement
{
    /// <summary>Creates a requirement.</summary>
    public LabelSelectorRequirement(string key, SelectorOperator @operator, IEnumerable<string>? values = null)
    {
        Key = key;
        Operator = @operator;
        Values = ValueList<string>.From(values);
    }

    /// <summary>The label key, possibly with a Cilium source prefix (<c>k8s:app</c>).</summary>
    public string Key { get; }

    /// <summary>The operator.</summary>
    public SelectorOperator Operator { get; }

    /// <summary>Values for In/NotIn; empty for Exists/DoesNotExist.</summary>
    public IReadOnlyList<string> Values { get; }

    /// <summary>Whether <paramref name="labels"/> satisfy this requirement (see <see cref="LabelSelector.Matches"/>).</summary>
    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        var found = LabelSelector.TryFind(labels, Key, out var value);
        return Operator switch
        {
            SelectorOperator.In => found && Values.Contains(value),
            SelectorOperator.NotIn => !found || !Values.Contains(value),
            SelectorOperator.Exists => found,
            _ => !found,
        };
    }

    /// <summary>kubectl selector syntax: <c>tier in (a,b)</c>, <c>!key</c>, <c>key</c>.</summary>
    public override string ToString() => Operator switch
    {
        SelectorOperator.In => $"{Key} in ({string.Join(",", Values)})",
        SelectorOperator.NotIn => $"{Key} notin ({string.Join(",", Values)})",
        SelectorOperator.Exists => Key,
        _ => "!" + Key,
    };
}
