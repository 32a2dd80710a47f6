using System.Text;

namespace Plexus.Store;

/// <summary>
/// Limits of one <see cref="IStore.TransactAsync"/> (etcd's defaults, which every backend enforces so code tested on the
/// in-memory store also runs on etcd) and the helpers callers use to stay within them.
/// </summary>
public static class StoreTxn
{
    /// <summary>
    /// The most compares, and the most ops per branch, of one transaction: etcd's default <c>--max-txn-ops</c>.
    /// </summary>
    public const int MaxOps = 128;

    /// <summary>
    /// The most estimated request bytes (<see cref="StoreOp.EstimatedBytes"/>) one transaction should carry: well under
    /// etcd's default request limit of 1.5 MiB.
    /// </summary>
    public const long MaxBytes = 1024 * 1024;

    /// <summary>
    /// Checks what etcd checks before running a transaction: at most <see cref="MaxOps"/> compares and ops per branch,
    /// valid keys, and no key written twice in one branch.
    /// </summary>
    /// <exception cref="ArgumentException">The transaction breaks one of the rules.</exception>
    public static void Validate(IReadOnlyList<StoreCompare> compares, IReadOnlyList<StoreOp> onSuccess, IReadOnlyList<StoreOp> onFailure)
    {
        ArgumentNullException.ThrowIfNull(compares);
        ArgumentNullException.ThrowIfNull(onSuccess);
        ArgumentNullException.ThrowIfNull(onFailure);
        if (compares.Count > MaxOps || onSuccess.Count > MaxOps || onFailure.Count > MaxOps)
        {
            throw new ArgumentException($"a transaction holds at most {MaxOps} compares and {MaxOps} ops per branch");
        }

        foreach (var compare in compares)
        {
            KeySpace.Validate(compare.Key);
        }

        ValidateBranch(onSuccess, nameof(onSuccess));
        ValidateBranch(onFailure, nameof(onFailure));
    }

    /// <summary>
    /// Splits <paramref name="items"/> into consecutive chunks, in order, of at most <paramref name="maxItems"/> items and
    /// (unless one item alone is larger) at most <see cref="MaxBytes"/> by <paramref name="bytes"/>; a chunk also ends
    /// before an item whose <paramref name="key"/> it already holds, since a transaction may write a key only once.
    /// </summary>
    public static IEnumerable<IReadOnlyList<T>> Chunk<T>(IEnumerable<T> items, int maxItems, Func<T, long> bytes, Func<T, string> key)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxItems);
        ArgumentNullException.ThrowIfNull(bytes);
        ArgumentNullException.ThrowIfNull(key);
        var chunk = new List<T>();
        var keys = new HashSet<string>(StringComparer.Ordinal);
        long size = 0;
        foreach (var item in items)
        {
            var itemBytes = bytes(item);
            if (chunk.Count > 0 && (chunk.Count == maxItems || size + itemBytes > MaxBytes || keys.Contains(key(item))))
            {
                yield return chunk;
                (chunk, size) = ([], 0);
                keys.Clear();
            }

            chunk.Add(item);
            keys.Add(key(item));
            size += itemBytes;
        }

        if (chunk.Count > 0)
        {
            yield return chunk;
        }
    }

    /// <summary>The base64 length of a string's UTF-8 bytes (0 for null).</summary>
    internal static long EstimateBytes(string? text) => text is null ? 0 : (Encoding.UTF8.GetByteCount(text) + 2) / 3 * 4;

    private static void ValidateBranch(IReadOnlyList<StoreOp> ops, string name)
    {
        var written = new HashSet<string>(StringComparer.Ordinal);
        foreach (var op in ops)
        {
            ArgumentNullException.ThrowIfNull(op, name);
            KeySpace.Validate(op.Key);
            if (op.Type == StoreOpType.Put)
            {
                ArgumentNullException.ThrowIfNull(op.Value, name);
            }

            if (op.Writes && !written.Add(op.Key))
            {
                throw new ArgumentException($"a transaction branch writes key '{op.Key}' twice", name);
            }
        }
    }
}
