using System.Text.Json.Nodes;

namespace Plexus.Model;

/// <summary>
/// Reads the fields of one mapping. Every field asked for becomes a known field: after the resource has been
/// read, <see cref="ReportUnknownFields"/> reports the others with the closest known name. Each value read is
/// written, type-checked, into <see cref="Output"/>, which becomes the normalized JSON document. Errors never
/// stop reading: a bad value is reported and skipped so every other problem is found too.
/// </summary>
internal sealed class ObjectReader
{
    private readonly List<string> _known = [];
    private bool _ignoreUnknown;

    /// <summary>
    /// Creates a reader; reports duplicate and non-scalar keys of <paramref name="node"/> at once. Errors about the
    /// mapping as a whole (missing fields) point at <paramref name="anchor"/>, the key that introduced it, when given.
    /// </summary>
    public ObjectReader(ValidationScope scope, MappingNode node, string path, JsonObject output, SourceNode? anchor = null)
    {
        Scope = scope;
        Node = node;
        Anchor = anchor ?? node;
        Path = path;
        Output = output;
        foreach (var key in node.DuplicateKeys)
        {
            scope.Error(PathOf(key.Text), key, $"duplicate field \"{key.Text}\"");
        }

        foreach (var key in node.InvalidKeys)
        {
            scope.Error(path, key, "field names must be strings");
        }
    }

    /// <summary>The scope errors go to.</summary>
    public ValidationScope Scope { get; }

    /// <summary>The mapping being read.</summary>
    public MappingNode Node { get; }

    /// <summary>Where errors about the mapping as a whole point: its key, or the mapping itself.</summary>
    public SourceNode Anchor { get; }

    /// <summary>Path of the mapping.</summary>
    public string Path { get; }

    /// <summary>The normalized output object.</summary>
    public JsonObject Output { get; }

    /// <summary>Path of field <paramref name="name"/>.</summary>
    public string PathOf(string name) => FieldPath.Field(Path, name);

    /// <summary>Marks <paramref name="name"/> known and returns its value; null when absent or null.</summary>
    public SourceNode? Get(string name)
    {
        if (!_known.Contains(name))
        {
            _known.Add(name);
        }

        var value = Node.Find(name);
        return value is ScalarNode { Type: ScalarType.Null } ? null : value;
    }

    /// <summary>Whether <paramref name="name"/> holds a non-null value (marks it known).</summary>
    public bool Has(string name) => Get(name) is not null;

    /// <summary>Reports an error on field <paramref name="name"/> (at its value, or at this mapping when absent).</summary>
    public void Error(string name, string reason) => Scope.Error(PathOf(name), Node.Find(name) ?? Anchor, reason);

    /// <summary>Reports an error on this mapping as a whole.</summary>
    public void ErrorHere(string reason) => Scope.Error(Path, Anchor, reason);

    /// <summary>Reports that required field <paramref name="name"/> is missing.</summary>
    public void Missing(string name) => Error(name, "required field is missing");

    /// <summary>Writes a normalized value.</summary>
    public void Write(string name, JsonNode? value) => Output[name] = value;

    /// <summary>Stops this reader from reporting unknown fields (used when the schema is unknown).</summary>
    public void IgnoreUnknownFields() => _ignoreUnknown = true;

    /// <summary>Reads a string; <paramref name="check"/> returns an error reason or null.</summary>
    public string? String(string name, bool required = false, Func<string, string?>? check = null)
    {
        var node = Get(name);
        if (node is null)
        {
            if (required)
            {
                Missing(name);
            }

            return null;
        }

        if (!Scalars.TryString(node, out var value))
        {
            Scope.Error(PathOf(name), node, Scalars.Expected("a string", node));
            return null;
        }

        if (check?.Invoke(value) is { } reason)
        {
            Scope.Error(PathOf(name), node, reason);
        }

        Output[name] = value;
        return value;
    }

    /// <summary>Reads any scalar as text (for server-owned fields that tools write as numbers or strings).</summary>
    public string? Text(string name)
    {
        var node = Get(name);
        if (node is null)
        {
            return null;
        }

        if (node is not ScalarNode scalar)
        {
            Scope.Error(PathOf(name), node, Scalars.Expected("a string", node));
            return null;
        }

        Output[name] = scalar.Text;
        return scalar.Text;
    }

    /// <summary>Reads an integer within [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public long? Long(string name, bool required = false, long min = long.MinValue, long max = long.MaxValue)
    {
        var node = Get(name);
        if (node is null)
        {
            if (required)
            {
                Missing(name);
            }

            return null;
        }

        if (node is not ScalarNode { Type: ScalarType.Integer } scalar)
        {
            Scope.Error(PathOf(name), node, Scalars.Expected("an integer", node));
            return null;
        }

        if (scalar.Integer is not { } value || value < min || value > max)
        {
            Scope.Error(PathOf(name), node, $"must be between {min} and {max}, got {scalar.Text}");
            return null;
        }

        Output[name] = value;
        return value;
    }

    /// <summary>Reads a 32-bit integer within [<paramref name="min"/>, <paramref name="max"/>].</summary>
    public int? Int(string name, bool required = false, int min = int.MinValue, int max = int.MaxValue) =>
        (int?)Long(name, required, min, max);

    /// <summary>Reads a boolean.</summary>
    public bool? Bool(string name)
    {
        var node = Get(name);
        if (node is null)
        {
            return null;
        }

        if (node is not ScalarNode { Type: ScalarType.Boolean } scalar)
        {
            Scope.Error(PathOf(name), node, Scalars.Expected("a boolean (true or false)", node));
            return null;
        }

        var value = scalar.Text is "true" or "True" or "TRUE";
        Output[name] = value;
        return value;
    }

    /// <summary>Reads a string that must be one of <paramref name="allowed"/> (case-sensitive).</summary>
    public string? Enum(string name, IReadOnlyList<string> allowed, bool required = false) =>
        String(name, required, value => EnumReason(value, allowed));

    /// <summary>The error reason for <paramref name="value"/> not being one of <paramref name="allowed"/>, or null.</summary>
    public static string? EnumReason(string value, IReadOnlyList<string> allowed) =>
        allowed.Contains(value)
            ? null
            : Suggestions.Closest(value, allowed) is { } match
                ? $"unsupported value \"{value}\"; did you mean \"{match}\"?"
                : $"unsupported value \"{value}\"; must be one of {string.Join(", ", allowed)}";

    /// <summary>Reads a nested mapping.</summary>
    public ObjectReader? Object(string name, bool required = false)
    {
        var node = Get(name);
        if (node is null)
        {
            if (required)
            {
                Missing(name);
            }

            return null;
        }

        if (node is not MappingNode mapping)
        {
            Scope.Error(PathOf(name), node, Scalars.Expected("a mapping", node));
            return null;
        }

        var output = new JsonObject();
        Output[name] = output;
        return Scope.Reader(mapping, PathOf(name), output, Node.FindKey(name));
    }

    /// <summary>Reads a list; the caller appends each item's normalized value to <paramref name="output"/>.</summary>
    public IReadOnlyList<ListItem> Items(string name, out JsonArray output, bool required = false)
    {
        output = [];
        var node = Get(name);
        if (node is null)
        {
            if (required)
            {
                Missing(name);
            }

            return [];
        }

        if (node is not SequenceNode sequence)
        {
            Scope.Error(PathOf(name), node, Scalars.Expected("a list", node));
            return [];
        }

        Output[name] = output;
        var path = PathOf(name);
        return [.. sequence.Items.Select((item, i) => new ListItem(item, FieldPath.Item(path, i), i))];
    }

    /// <summary>Reads a list of mappings.</summary>
    public IReadOnlyList<ObjectReader> Objects(string name, bool required = false)
    {
        var readers = new List<ObjectReader>();
        foreach (var item in Items(name, out var output, required))
        {
            if (item.Node is not MappingNode mapping)
            {
                Scope.Error(item.Path, item.Node, Scalars.Expected("a mapping", item.Node));
                continue;
            }

            var itemOutput = new JsonObject();
            output.Add(itemOutput);
            readers.Add(Scope.Reader(mapping, item.Path, itemOutput));
        }

        return readers;
    }

    /// <summary>Reads a list of strings, each checked by <paramref name="check"/>.</summary>
    public IReadOnlyList<StringItem> StringItems(string name, Func<string, string?>? check = null, bool required = false)
    {
        var strings = new List<StringItem>();
        foreach (var item in Items(name, out var output, required))
        {
            if (!Scalars.TryString(item.Node, out var value))
            {
                Scope.Error(item.Path, item.Node, Scalars.Expected("a string", item.Node));
                continue;
            }

            if (check?.Invoke(value) is { } reason)
            {
                Scope.Error(item.Path, item.Node, reason);
            }

            output.Add(value);
            strings.Add(new StringItem(value, item.Node, item.Path));
        }

        return strings;
    }

    /// <summary>Reads a list of strings, each checked by <paramref name="check"/>.</summary>
    public IReadOnlyList<string> Strings(string name, Func<string, string?>? check = null) =>
        [.. StringItems(name, check).Select(s => s.Value)];

    /// <summary>Reads a string-to-string map (labels, annotations, selectors); written sorted by key.</summary>
    public IReadOnlyDictionary<string, string> StringMap(string name, Func<string, string?>? keyCheck = null, Func<string, string?>? valueCheck = null)
    {
        var node = Get(name);
        if (node is null)
        {
            return ValueMap.Empty;
        }

        if (node is not MappingNode mapping)
        {
            Scope.Error(PathOf(name), node, Scalars.Expected("a mapping of strings", node));
            return ValueMap.Empty;
        }

        var path = PathOf(name);
        foreach (var key in mapping.DuplicateKeys)
        {
            Scope.Error(FieldPath.Field(path, key.Text), key, $"duplicate key \"{key.Text}\"");
        }

        foreach (var key in mapping.InvalidKeys)
        {
            Scope.Error(path, key, "keys must be strings");
        }

        var entries = new List<KeyValuePair<string, string>>();
        foreach (var (key, value) in mapping.Entries)
        {
            var entryPath = FieldPath.Field(path, key.Text);
            if (keyCheck?.Invoke(key.Text) is { } keyReason)
            {
                Scope.Error(entryPath, key, keyReason);
            }

            if (!Scalars.TryString(value, out var text))
            {
                Scope.Error(entryPath, value, Scalars.Expected("a string", value));
                continue;
            }

            if (valueCheck?.Invoke(text) is { } valueReason)
            {
                Scope.Error(entryPath, value, valueReason);
            }

            entries.Add(new(key.Text, text));
        }

        var map = ValueMap.From(entries);
        var output = new JsonObject();
        foreach (var (key, value) in map)
        {
            output[key] = value;
        }

        Output[name] = output;
        return map;
    }

    /// <summary>Reports every field of the mapping that no read asked for, suggesting the closest known one.</summary>
    public void ReportUnknownFields()
    {
        if (_ignoreUnknown)
        {
            return;
        }

        foreach (var (key, _) in Node.Entries)
        {
            if (!_known.Contains(key.Text))
            {
                Scope.Error(PathOf(key.Text), key, $"unknown field \"{key.Text}\"{Suggestions.DidYouMean(key.Text, _known)}");
            }
        }
    }
}
