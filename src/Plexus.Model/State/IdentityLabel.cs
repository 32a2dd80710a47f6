namespace Plexus.Model.State;

/// <summary>One identity label, written <c>source:key=value</c> (or <c>source:key</c> when the value is empty).</summary>
public readonly record struct IdentityLabel : IComparable<IdentityLabel>
{
    /// <summary>Creates a label; throws <see cref="ArgumentException"/> for parts that the canonical form cannot carry.</summary>
    public IdentityLabel(string source, string key, string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(source);
        ArgumentException.ThrowIfNullOrEmpty(key);
        ArgumentNullException.ThrowIfNull(value);
        if (source.AsSpan().IndexOfAny(":;=") >= 0)
        {
            throw new ArgumentException($"label source \"{source}\" must not contain ':', ';' or '='", nameof(source));
        }

        if (key.AsSpan().IndexOfAny(";=") >= 0)
        {
            throw new ArgumentException($"label key \"{key}\" must not contain ';' or '='", nameof(key));
        }

        if (value.Contains(';', StringComparison.Ordinal))
        {
            throw new ArgumentException($"label value \"{value}\" must not contain ';'", nameof(value));
        }

        (Source, Key, Value) = (source, key, value);
    }

    /// <summary>Where the label comes from: <c>k8s</c>, <c>reserved</c>, <c>cidr</c>, …</summary>
    public string Source { get; }

    /// <summary>The key without its source.</summary>
    public string Key { get; }

    /// <summary>The value (may be empty).</summary>
    public string Value { get; }

    /// <summary>The key with its source, as selectors name it: <c>k8s:app</c>.</summary>
    public string SourcedKey => $"{Source}:{Key}";

    /// <summary>Parses <c>source:key=value</c> or <c>source:key</c>; false when the text is not a label.</summary>
    public static bool TryParse(string text, out IdentityLabel label)
    {
        ArgumentNullException.ThrowIfNull(text);
        label = default;
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || text.Contains(';', StringComparison.Ordinal))
        {
            return false;
        }

        var rest = text[(colon + 1)..];
        var equals = rest.IndexOf('=', StringComparison.Ordinal);
        var (key, value) = equals < 0 ? (rest, string.Empty) : (rest[..equals], rest[(equals + 1)..]);
        var source = text[..colon];
        if (key.Length == 0 || source.Contains('=', StringComparison.Ordinal))
        {
            return false;
        }

        label = new IdentityLabel(source, key, value);
        return true;
    }

    /// <summary>Orders labels by their text, ordinally (the canonical order).</summary>
    public int CompareTo(IdentityLabel other) => string.CompareOrdinal(ToString(), other.ToString());

    /// <summary>The text form: <c>source:key=value</c>, or <c>source:key</c> when the value is empty.</summary>
    public override string ToString() => Value.Length == 0 ? $"{Source}:{Key}" : $"{Source}:{Key}={Value}";

    /// <summary>Orders by text.</summary>
    public static bool operator <(IdentityLabel left, IdentityLabel right) => left.CompareTo(right) < 0;

    /// <summary>Orders by text.</summary>
    public static bool operator <=(IdentityLabel left, IdentityLabel right) => left.CompareTo(right) <= 0;

    /// <summary>Orders by text.</summary>
    public static bool operator >(IdentityLabel left, IdentityLabel right) => left.CompareTo(right) > 0;

    /// <summary>Orders by text.</summary>
    public static bool operator >=(IdentityLabel left, IdentityLabel right) => left.CompareTo(right) >= 0;
}
