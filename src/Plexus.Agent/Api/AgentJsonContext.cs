using System.Text.Json.Serialization;

namespace Plexus.Agent.Api;

/// <summary>Source-generated JSON for API bodies.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AgentStatus))]
[JsonSerializable(typeof(Health))]
[JsonSerializable(typeof(Plexus.Agent.Endpoints.LocalEndpoint))]
[JsonSerializable(typeof(Plexus.Agent.Endpoints.EndpointRequest))]
[JsonSerializable(typeof(List<Plexus.Agent.Endpoints.LocalEndpoint>))]
[JsonSerializable(typeof(ApiError))]
[JsonSerializable(typeof(FlowStatus))]
[JsonSerializable(typeof(Dictionary<string, string>))]
[JsonSerializable(typeof(DatapathView))]
[JsonSerializable(typeof(List<ServiceFrontendView>))]
[JsonSerializable(typeof(Plexus.Agent.ControlPlane.Services.ServiceSyncState))]
[JsonSerializable(typeof(PolicyTraceView))]
public sealed partial class AgentJsonContext : JsonSerializerContext;
