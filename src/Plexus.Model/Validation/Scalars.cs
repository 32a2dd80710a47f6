using System.Globalization;

namespace Plexus.Model;

/// <summary>Type checks on scalar nodes and the wording of type errors.</summary>
internal static class Scalars
{
    /// <summary>"expected {what}, got …", with a hint when quoting is the likely mistake.</summary>
    public static string Expected(string what, SourceNode node)
    {
        var hint = node switch
        {
            ScalarNode { Type: ScalarType.String } s when what.Contains("integer", StringComparison.Ordinal) && long.TryParse(s.Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _) =>
                " (write the number without quotes)",
            ScalarNode { Type: ScalarType.Integer or ScalarType.Float or ScalarType.Boolean } s when what == "a string" =>
                $" (quote it: \"{s.Text}\")",
            _ => "",
        };
        return $"expected {what}, got {node.Describe()}{hint}";
    }

    /// <summary>The text of a string scalar.</summary>
    public static bool TryString(SourceNode node, out string value)
    {
        if (node is ScalarNode { Type: ScalarType.String } scalar)
        {
            value = scalar.Text;
            return true;
        }

        value = "";
        return false;
    }
}
