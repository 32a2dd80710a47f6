namespace Plexus.Store;

/// <summary>
/// One condition of a <see cref="IStore.TransactAsync"/>: a key's create or mod revision equals <see cref="Revision"/>
/// (etcd's compare with result EQUAL; an absent key has both revisions 0), or its value equals <see cref="Value"/>.
/// </summary>
public sealed record StoreCompare(string Key, StoreCompareTarget Target, long Revision, string? Value = null)
{
    /// <summary>The key does not exist (create revision 0).</summary>
    public static StoreCompare Absent(string key) => new(key, StoreCompareTarget.CreateRevision, 0);

    /// <summary>The key was last written at <paramref name="modRevision"/> (0: the key does not exist).</summary>
    public static StoreCompare ModRevisionIs(string key, long modRevision) => new(key, StoreCompareTarget.ModRevision, modRevision);

    /// <summary>The key exists and holds exactly <paramref name="value"/> (as etcd, an absent key never meets it).</summary>
    public static StoreCompare ValueIs(string key, string value) => new(key, StoreCompareTarget.Value, 0, value ?? throw new ArgumentNullException(nameof(value)));

    /// <summary>True when <paramref name="kv"/> (null: absent) meets the condition.</summary>
    public bool IsMetBy(KeyValue? kv) => Target switch
    {
        StoreCompareTarget.CreateRevision => (kv?.CreateRevision ?? 0) == Revision,
        StoreCompareTarget.ModRevision => (kv?.ModRevision ?? 0) == Revision,
        StoreCompareTarget.Value => kv is not null && string.Equals(kv.Value, Value, StringComparison.Ordinal),
        _ => throw new InvalidOperationException($"unknown compare target {Target}"),
    };
}

/// <summary>Which revision of a key a <see cref="StoreCompare"/> looks at.</summary>
public enum StoreCompareTarget
{
    /// <summary>The revision of the put that created the key.</summary>
    CreateRevision,

    /// <summary>The revision of the last put of the key.</summary>
    ModRevision,

    /// <summary>The key's value.</summary>
    Value,
}
