using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace Plexus.Model;

/// <summary>An immutable string map with keys in ordinal order and structural equality.</summary>
internal sealed class ValueMap : IReadOnlyDictionary<string, string>, IEquatable<ValueMap>
{
    private readonly KeyValuePair<string, string>[] _entries;
    private readonly Dictionary<string, string> _lookup;
    private int _hash;

    /// <summary>The empty map.</summary>
    public static readonly ValueMap Empty = new([]);

    private ValueMap(KeyValuePair<string, string>[] sortedEntries)
    {
        _entries = sortedEntries;
        _lookup = new Dictionary<string, string>(sortedEntries, StringComparer.Ordinal);
    }

    /// <summary>Copies <paramref name="entries"/> (later duplicates win), or returns the same instance when it already is one.</summary>
    public static ValueMap From(IEnumerable<KeyValuePair<string, string>>? entries)
    {
        switch (entries)
        {
            case null:
                return Empty;
            case ValueMap map:
                return map;
        }

        var dictionary = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in entries)
        {
            dictionary[key] = value;
        }

        return dictionary.Count == 0 ? Empty : new ValueMap([.. dictionary.OrderBy(e => e.Key, StringComparer.Ordinal)]);
    }

    /// <inheritdoc/>
    public string this[string key] => _lookup[key];

    /// <inheritdoc/>
    public IEnumerable<string> Keys => _entries.Select(e => e.Key);

    /// <inheritdoc/>
    public IEnumerable<string> Values => _entries.Select(e => e.Value);

    /// <inheritdoc/>
    public int Count => _entries.Length;

    /// <inheritdoc/>
    public bool ContainsKey(string key) => _lookup.ContainsKey(key);

    /// <inheritdoc/>
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out string value) => _lookup.TryGetValue(key, out value);

    /// <inheritdoc/>
    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, string>>)_entries).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <inheritdoc/>
    public bool Equals(ValueMap? other) =>
        other is not null && (ReferenceEquals(this, other) || _entries.AsSpan().SequenceEqual(other._entries));

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as ValueMap);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        if (_hash == 0)
        {
            var hash = new HashCode();
            foreach (var entry in _entries)
            {
                hash.Add(entry.Key, StringComparer.Ordinal);
                hash.Add(entry.Value, StringComparer.Ordinal);
            }

            _hash = hash.ToHashCode() | 1;
        }

        return _hash;
    }

    /// <inheritdoc/>
    public override string ToString() => "{" + string.Join(", ", _entries.Select(e => $"{e.Key}={e.Value}")) + "}";
}
