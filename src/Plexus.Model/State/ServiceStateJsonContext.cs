using System.Text.Json.Serialization;

namespace Plexus.Model.State;

/// <summary>Source-generated JSON for the service allocation records (kept apart from <see cref="StateJsonContext"/>).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ServiceAllocationRecord))]
internal sealed partial class ServiceStateJsonContext : JsonSerializerContext;
