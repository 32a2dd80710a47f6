using System.Text.Json.Serialization;

namespace Plexus.Model.State;

/// <summary>Source-generated JSON for store records.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(NodeRecord))]
[JsonSerializable(typeof(IpamBlockRecord))]
[JsonSerializable(typeof(IpamAddressRecord))]
[JsonSerializable(typeof(IpCacheRecord))]
[JsonSerializable(typeof(EndpointRecord))]
[JsonSerializable(typeof(ServiceAllocationRecord))]
[JsonSerializable(typeof(ServiceStatusRecord))]
internal sealed partial class StateJsonContext : JsonSerializerContext;
