using System.Text.Json;
using System.Text.Json.Nodes;

namespace Plexus.Flows.Tests;

public sealed class FlowFormatTests
{
    private static readonly Flow Denied = Flows.Tcp(Flows.Pod("x", "a", 65792), Flows.Pod("x", "b", 65793), 8080, "DROPPED", 181) with
    {
        IngressDeniedBy = [new FlowPolicy("deny-a", "x", "CiliumNetworkPolicy")],
    };

    [Fact]
    public void Json_uses_hubbles_field_names_and_a_utc_time()
    {
        var json = JsonNode.Parse(JsonSerializer.Serialize(new FlowResponse { Flow = Denied, NodeName = "c1/n1", Time = Denied.Time }, FlowsJsonContext.Default.FlowResponse))!;
        var flow = json["flow"]!;
        Assert.Equal("2026-11-21T10:00:00.0000000Z", flow["time"]!.GetValue<string>());
        Assert.Equal("DROPPED", flow["verdict"]!.GetValue<string>());
        Assert.Equal("POLICY_DENY", flow["drop_reason_desc"]!.GetValue<string>());
        Assert.Equal("10.1.0.2", flow["IP"]!["source"]!.GetValue<string>());
        Assert.Equal(8080, flow["l4"]!["TCP"]!["destination_port"]!.GetValue<int>());
        Assert.True(flow["l4"]!["TCP"]!["flags"]!["SYN"]!.GetValue<bool>());
        Assert.Null(flow["l4"]!["TCP"]!["flags"]!["ACK"]);
        Assert.Equal(65792u, flow["source"]!["identity"]!.GetValue<uint>());
        Assert.Equal("b", flow["destination"]!["pod_name"]!.GetValue<string>());
        Assert.Equal("INGRESS", flow["traffic_direction"]!.GetValue<string>());
        Assert.Equal("TO_ENDPOINT", flow["trace_observation_point"]!.GetValue<string>());
        Assert.Equal("deny-a", flow["ingress_denied_by"]![0]!["name"]!.GetValue<string>());
        Assert.Equal(1, flow["event_type"]!["type"]!.GetValue<int>());
        Assert.Equal("L3_L4", flow["Type"]!.GetValue<string>());
        Assert.Equal("c1/n1", json["node_name"]!.GetValue<string>());
        var back = JsonSerializer.Deserialize(json.ToJsonString(), FlowsJsonContext.Default.FlowResponse)!;
        Assert.Equal(Denied.Time, back.Time);
    }

    [Fact]
    public void Compact_reads_like_hubble_and_names_the_deciding_policy()
    {
        Assert.Equal(
            "Nov 21 10:00:00.000: x/a:40000 (ID:65792) -> x/b:8080 (ID:65793) Policy denied by denylist DROPPED (TCP Flags: SYN) by CiliumNetworkPolicy/x/deny-a",
            FlowFormatter.Compact(Denied));
        var world = Denied with
        {
            Source = new FlowEndpoint { Identity = 2, Labels = ["reserved:world"] },
            Verdict = "FORWARDED",
            DropReason = 0,
            EventType = new FlowEventType(4, 101),
            IngressDeniedBy = null,
        };
        Assert.Equal("Nov 21 10:00:00.000: 10.1.0.2:40000 (world) -> x/b:8080 (ID:65793) to-endpoint FORWARDED (TCP Flags: SYN)", FlowFormatter.Compact(world));
    }

    [Fact]
    public void Rule_sources_name_their_policies_once()
    {
        var policies = FlowPolicy.FromSources(
        [
            "CiliumNetworkPolicy/x/web rule#0 ingressDeny#1",
            "CiliumNetworkPolicy/x/web rule#1",
            "CiliumClusterwideNetworkPolicy/global rule#0",
            "NetworkPolicy/y/allow ingress#0",
            "garbage",
        ]);
        Assert.Equal(
            [new FlowPolicy("web", "x", "CiliumNetworkPolicy"), new FlowPolicy("global", "", "CiliumClusterwideNetworkPolicy"), new FlowPolicy("allow", "y", "NetworkPolicy")],
            policies);
        Assert.Equal("CiliumClusterwideNetworkPolicy/global", policies[1].ToString());
    }
}
