using System.Text.Json.Serialization;

namespace Plexus.Model.State;

/// <summary>Lifecycle state of an endpoint (names as Cilium shows them).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<EndpointState>))]
public enum EndpointState
{
    /// <summary>Created; its identity is being allocated.</summary>
    [JsonStringEnumMemberName("waiting-for-identity")]
    WaitingForIdentity,

    /// <summary>Has an identity; policy and datapath are being programmed.</summary>
    [JsonStringEnumMemberName("regenerating")]
    Regenerating,

    /// <summary>Fully programmed and forwarding.</summary>
    [JsonStringEnumMemberName("ready")]
    Ready,

    /// <summary>Programming failed; see the agent log.</summary>
    [JsonStringEnumMemberName("not-ready")]
    NotReady,

    /// <summary>Being deleted.</summary>
    [JsonStringEnumMemberName("disconnecting")]
    Disconnecting,
}
