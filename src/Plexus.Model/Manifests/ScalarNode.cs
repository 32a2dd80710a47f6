using System.Globalization;
using System.Text.RegularExpressions;

namespace Plexus.Model;

/// <summary>A scalar with its text, its resolved type and whether it was written plain (unquoted).</summary>
internal sealed partial class ScalarNode : SourceNode
{
    private const string StringTag = "tag:yaml.org,2002:str";

    /// <summary>Creates a scalar and resolves its type from its text, style and tag.</summary>
    public ScalarNode(string text, bool isPlain, string? tag, int line, int column)
        : base(line, column)
    {
        Text = text;
        IsPlain = isPlain;
        Type = isPlain || (tag is not null && tag != StringTag && tag != "!") ? Resolve(text, tag) : ScalarType.String;
        if (Type == ScalarType.Integer)
        {
            Integer = ParseInteger(text);
        }
    }

    /// <summary>The scalar's text as written (quotes removed, escapes applied).</summary>
    public string Text { get; }

    /// <summary>Whether the scalar was written without quotes or block indicators.</summary>
    public bool IsPlain { get; }

    /// <summary>The resolved type.</summary>
    public ScalarType Type { get; }

    /// <summary>The value of an integer scalar; null when it does not fit in 64 bits.</summary>
    public long? Integer { get; }

    /// <inheritdoc/>
    public override string Describe() => Type switch
    {
        ScalarType.Null => "null",
        ScalarType.Boolean => $"boolean {Text}",
        ScalarType.Integer => $"integer {Text}",
        ScalarType.Float => $"number {Text}",
        _ => $"string \"{Shorten(Text)}\"",
    };

    private static string Shorten(string text) => text.Length <= 40 ? text : text[..37] + "...";

    private static ScalarType Resolve(string text, string? tag)
    {
        if (tag == StringTag || tag == "!")
        {
            return ScalarType.String;
        }

        return text switch
        {
            "" or "~" or "null" or "Null" or "NULL" => ScalarType.Null,
            "true" or "True" or "TRUE" or "false" or "False" or "FALSE" => ScalarType.Boolean,
            _ when IntegerPattern().IsMatch(text) => ScalarType.Integer,
            _ when FloatPattern().IsMatch(text) => ScalarType.Float,
            _ => ScalarType.String,
        };
    }

    private static long? ParseInteger(string text)
    {
        if (text.StartsWith("0x", StringComparison.Ordinal))
        {
            return long.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hex) && hex >= 0 ? hex : null;
        }

        if (text.StartsWith("0o", StringComparison.Ordinal))
        {
            long value = 0;
            foreach (var c in text.AsSpan(2))
            {
                if (value > (long.MaxValue >> 3))
                {
                    return null;
                }

                value = (value << 3) | (long)(c - '0');
            }

            return value;
        }

        return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) ? number : null;
    }

    [GeneratedRegex("^([-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", RegexOptions.CultureInvariant)]
    private static partial Regex IntegerPattern();

    [GeneratedRegex(@"^([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN))$", RegexOptions.CultureInvariant)]
    private static partial Regex FloatPattern();
}
