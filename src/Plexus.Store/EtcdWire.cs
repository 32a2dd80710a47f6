using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Plexus.Store;

// The etcd v3 JSON gateway's messages (the gRPC messages in proto3 JSON form). Byte fields are base64,
// int64 fields are JSON strings, and fields holding their default value (0, false, empty) are omitted.

/// <summary>Header carried by every etcd response.</summary>
internal sealed record EtcdHeader(long Revision);

/// <summary>An etcd mvccpb.KeyValue.</summary>
internal sealed record EtcdKeyValue(byte[] Key, byte[]? Value, long CreateRevision, long ModRevision, long Version, long Lease)
{
    /// <summary>Decodes the UTF-8 key and value.</summary>
    public KeyValue ToKeyValue() =>
        new(Encoding.UTF8.GetString(Key), Value is null ? string.Empty : Encoding.UTF8.GetString(Value), CreateRevision, ModRevision, Version, Lease);
}

/// <summary>RangeRequest: one key, or [key, range_end).</summary>
internal sealed record EtcdRangeRequest(byte[] Key, byte[]? RangeEnd = null);

/// <summary>RangeResponse.</summary>
internal sealed record EtcdRangeResponse(EtcdHeader Header, IReadOnlyList<EtcdKeyValue>? Kvs);

/// <summary>PutRequest.</summary>
internal sealed record EtcdPutRequest(byte[] Key, byte[] Value, long Lease);

/// <summary>DeleteRangeRequest.</summary>
internal sealed record EtcdDeleteRangeRequest(byte[] Key, byte[]? RangeEnd = null);

/// <summary>Response of put and delete-range; <see cref="Deleted"/> is set by delete-range only.</summary>
internal sealed record EtcdWriteResponse(EtcdHeader Header, long Deleted);

/// <summary>A txn compare on the create or mod revision or the value of a key (target "CREATE", "MOD" or "VALUE", result "EQUAL").</summary>
internal sealed record EtcdCompare(byte[] Key, string Target, string Result, long? CreateRevision = null, long? ModRevision = null, byte[]? Value = null);

/// <summary>One txn operation: a put, a delete or a range read.</summary>
internal sealed record EtcdRequestOp(
    EtcdPutRequest? RequestPut = null, EtcdDeleteRangeRequest? RequestDeleteRange = null, EtcdRangeRequest? RequestRange = null);

/// <summary>TxnRequest.</summary>
internal sealed record EtcdTxnRequest(IReadOnlyList<EtcdCompare> Compare, IReadOnlyList<EtcdRequestOp> Success, IReadOnlyList<EtcdRequestOp>? Failure = null);

/// <summary>TxnResponse: one response per op of the branch that ran, in op order.</summary>
internal sealed record EtcdTxnResponse(EtcdHeader Header, bool Succeeded, IReadOnlyList<EtcdResponseOp>? Responses = null);

/// <summary>One op's response inside a TxnResponse; only range responses are read.</summary>
internal sealed record EtcdResponseOp(EtcdTxnRange? ResponseRange);

/// <summary>The part of a RangeResponse inside a txn that is read: the keys found.</summary>
internal sealed record EtcdTxnRange(IReadOnlyList<EtcdKeyValue>? Kvs);

/// <summary>Lease grant, keep-alive and revoke requests (grant sets TTL, the others ID).</summary>
internal sealed record EtcdLeaseRequest([property: JsonPropertyName("ID")] long Id, [property: JsonPropertyName("TTL")] long Ttl = 0);

/// <summary>LeaseGrantResponse and LeaseKeepAliveResponse: TTL is absent when the lease does not exist.</summary>
internal sealed record EtcdLeaseResponse(
    [property: JsonPropertyName("ID")] long Id, [property: JsonPropertyName("TTL")] long Ttl, string? Error);

/// <summary>One message of a gateway stream (keep-alive, watch): a result, or an error object.</summary>
internal sealed record EtcdStreamMessage<T>(T? Result, JsonElement? Error);

/// <summary>CompactionRequest.</summary>
internal sealed record EtcdCompactionRequest(long Revision, bool Physical);

/// <summary>WatchRequest carrying a create request.</summary>
internal sealed record EtcdWatchRequest(EtcdWatchCreateRequest CreateRequest);

/// <summary>WatchCreateRequest.</summary>
internal sealed record EtcdWatchCreateRequest(byte[] Key, byte[] RangeEnd, long StartRevision, bool ProgressNotify);

/// <summary>WatchResponse: created, canceled (with compact_revision after compaction), events, or a progress notification.</summary>
internal sealed record EtcdWatchResponse(
    EtcdHeader? Header, bool Created, bool Canceled, long CompactRevision, string? CancelReason, IReadOnlyList<EtcdEvent>? Events);

/// <summary>A watch event; <see cref="Type"/> is absent for PUT and "DELETE" for deletes.</summary>
internal sealed record EtcdEvent(string? Type, EtcdKeyValue Kv);

/// <summary>The gateway's error body for a failed unary call.</summary>
internal sealed record EtcdError(string? Error, string? Message, int Code);
