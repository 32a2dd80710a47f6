using System.Text.Json.Serialization;

namespace Plexus.Flows;

/// <summary>Source-generated JSON for flows (field names are explicit: Hubble's).</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, Converters = [typeof(UtcTimeConverter)])]
[JsonSerializable(typeof(Flow))]
[JsonSerializable(typeof(FlowResponse))]
public sealed partial class FlowsJsonContext : JsonSerializerContext;
