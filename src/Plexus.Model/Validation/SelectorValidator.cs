namespace Plexus.Model;

/// <summary>Reads label selectors (<c>matchLabels</c>, <c>matchExpressions</c>), Kubernetes or Cilium flavoured.</summary>
internal static class SelectorValidator
{
    private static readonly string[] Operators = ["In", "NotIn", "Exists", "DoesNotExist"];

    /// <summary>Reads the selector in <paramref name="reader"/>; keys may carry a source prefix when <paramref name="cilium"/>.</summary>
    public static LabelSelector Read(ObjectReader reader, bool cilium)
    {
        Func<string, string?> keyCheck = cilium ? LabelSyntax.CiliumKeyError : LabelSyntax.KeyError;
        var labels = reader.StringMap("matchLabels", keyCheck, LabelSyntax.ValueError);
        var expressions = new List<LabelSelectorRequirement>();
        foreach (var expression in reader.Objects("matchExpressions"))
        {
            var key = expression.String("key", required: true, keyCheck);
            var op = expression.Enum("operator", Operators, required: true);
            var values = expression.Strings("values", LabelSyntax.ValueError);
            SelectorOperator? parsed = op switch
            {
                "In" => SelectorOperator.In,
                "NotIn" => SelectorOperator.NotIn,
                "Exists" => SelectorOperator.Exists,
                "DoesNotExist" => SelectorOperator.DoesNotExist,
                _ => null,
            };
            if (parsed is SelectorOperator.In or SelectorOperator.NotIn && values.Count == 0)
            {
                expression.Error("values", $"operator {op} needs at least one value");
            }
            else if (parsed is SelectorOperator.Exists or SelectorOperator.DoesNotExist && values.Count > 0)
            {
                expression.Error("values", $"operator {op} takes no values");
            }

            if (key is not null && parsed is { } valid)
            {
                expressions.Add(new LabelSelectorRequirement(key, valid, values));
            }
        }

        return new LabelSelector(labels, expressions);
    }

    /// <summary>Reads the optional selector field <paramref name="name"/> of <paramref name="parent"/>.</summary>
    public static LabelSelector? ReadOptional(ObjectReader parent, string name, bool cilium) =>
        parent.Object(name) is { } reader ? Read(reader, cilium) : null;

    /// <summary>Reads a list of selectors.</summary>
    public static IReadOnlyList<LabelSelector> ReadList(ObjectReader parent, string name, bool cilium) =>
        [.. parent.Objects(name).Select(r => Read(r, cilium))];
}
