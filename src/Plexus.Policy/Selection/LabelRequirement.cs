using Plexus.Model;

namespace Plexus.Policy;

/// <summary>One compiled selector requirement: source (null = any), key name, operator, values.</summary>
internal sealed record LabelRequirement(string? Source, string Name, SelectorOperator Operator, string[] Values)
{
    public static LabelRequirement Create(string key, SelectorOperator op, IEnumerable<string> values)
    {
        var (source, name) = LabelSyntax.SplitSource(key);
        return new LabelRequirement(source is "any" ? null : source, name, op, values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray());
    }

    public bool Matches(IdentityView view)
    {
        var found = view.TryFind(Source, Name, out var value);
        return Operator switch
        {
            SelectorOperator.In => found && Array.IndexOf(Values, value) >= 0,
            SelectorOperator.NotIn => !found || Array.IndexOf(Values, value) < 0,
            SelectorOperator.Exists => found,
            _ => !found,
        };
    }

    public override string ToString() => $"{Source ?? "any"}:{Name} {Operator} ({string.Join(",", Values)})";
}
