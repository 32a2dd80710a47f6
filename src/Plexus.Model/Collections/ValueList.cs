using System.Collections;

namespace Plexus.Model;

/// <summary>An immutable list with structural equality, so records holding lists compare by content.</summary>
internal sealed class ValueList<T> : IReadOnlyList<T>, IEquatable<ValueList<T>>
{
    private readonly T[] _items;
    private int _hash;

    /// <summary>The empty list.</summary>
    public static readonly ValueList<T> Empty = new([]);

    private ValueList(T[] items) => _items = items;

    /// <summary>Wraps <paramref name="items"/> (copied), or returns the same instance when it already is one.</summary>
    public static ValueList<T> From(IEnumerable<T>? items) => items switch
    {
        null => Empty,
        ValueList<T> list => list,
        _ => items.Any() ? new ValueList<T>([.. items]) : Empty,
    };

    /// <inheritdoc/>
    public T this[int index] => _items[index];

    /// <inheritdoc/>
    public int Count => _items.Length;

    /// <inheritdoc/>
    public IEnumerator<T> GetEnumerator() => ((IEnumerable<T>)_items).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _items.GetEnumerator();

    /// <inheritdoc/>
    public bool Equals(ValueList<T>? other) =>
        other is not null && (ReferenceEquals(this, other) || _items.AsSpan().SequenceEqual(other._items, EqualityComparer<T>.Default));

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as ValueList<T>);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        if (_hash == 0)
        {
            var hash = new HashCode();
            foreach (var item in _items)
            {
                hash.Add(item);
            }

            _hash = hash.ToHashCode() | 1;
        }

        return _hash;
    }

    /// <inheritdoc/>
    public override string ToString() => "[" + string.Join(", ", _items) + "]";
}
