using System.Text.Json.Serialization;

namespace Plexus.Agent.Api;

/// <summary>Source-generated JSON for API bodies.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AgentStatus))]
[JsonSerializable(typeof(Health))]
public sealed partial class AgentJsonContext : JsonSerializerContext;
