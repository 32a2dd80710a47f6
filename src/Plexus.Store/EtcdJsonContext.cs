using System.Text.Json.Serialization;

namespace Plexus.Store;

/// <summary>Source-generated serializers for the etcd gateway's JSON (snake_case names, int64 as strings).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    NumberHandling = JsonNumberHandling.AllowReadingFromString | JsonNumberHandling.WriteAsString,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(EtcdRangeRequest))]
[JsonSerializable(typeof(EtcdRangeResponse))]
[JsonSerializable(typeof(EtcdPutRequest))]
[JsonSerializable(typeof(EtcdDeleteRangeRequest))]
[JsonSerializable(typeof(EtcdWriteResponse))]
[JsonSerializable(typeof(EtcdTxnRequest))]
[JsonSerializable(typeof(EtcdTxnResponse))]
[JsonSerializable(typeof(EtcdLeaseRequest))]
[JsonSerializable(typeof(EtcdLeaseResponse))]
[JsonSerializable(typeof(EtcdStreamMessage<EtcdLeaseResponse>))]
[JsonSerializable(typeof(EtcdCompactionRequest))]
[JsonSerializable(typeof(EtcdWatchRequest))]
[JsonSerializable(typeof(EtcdStreamMessage<EtcdWatchResponse>))]
[JsonSerializable(typeof(EtcdError))]
internal sealed partial class EtcdJsonContext : JsonSerializerContext;
