namespace Plexus.Store;

/// <summary>One operation of a <see cref="IStore.TransactAsync"/> branch: put (with an optional lease), delete, or get of one key.</summary>
public sealed record StoreOp(StoreOpType Type, string Key, string? Value = null, long Lease = 0)
{
    /// <summary>Writes <paramref name="key"/> (attached to <paramref name="lease"/> when not 0).</summary>
    public static StoreOp Put(string key, string value, long lease = 0)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new StoreOp(StoreOpType.Put, key, value, lease);
    }

    /// <summary>Deletes <paramref name="key"/> when it exists.</summary>
    public static StoreOp Delete(string key) => new(StoreOpType.Delete, key);

    /// <summary>Reads <paramref name="key"/>; its value lands in <see cref="TxnResult.Reads"/>.</summary>
    public static StoreOp Get(string key) => new(StoreOpType.Get, key);

    /// <summary>True for puts and deletes.</summary>
    public bool Writes => Type != StoreOpType.Get;

    /// <summary>
    /// A generous estimate of what the op adds to an etcd txn request through the JSON gateway (base64 key and value,
    /// field names), for keeping a txn under etcd's request size limit.
    /// </summary>
    public long EstimatedBytes => StoreTxn.EstimateBytes(Key) + StoreTxn.EstimateBytes(Value) + 64;
}

/// <summary>What a <see cref="StoreOp"/> does.</summary>
public enum StoreOpType
{
    /// <summary>Write the key.</summary>
    Put,

    /// <summary>Delete the key.</summary>
    Delete,

    /// <summary>Read the key.</summary>
    Get,
}
