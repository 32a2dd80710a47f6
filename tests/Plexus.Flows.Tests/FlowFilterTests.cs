namespace Plexus.Flows.Tests;

public sealed class FlowFilterTests
{
    private static readonly FlowEndpoint A = Flows.Pod("x", "a", 65792, "pod=a", "app=web");
    private static readonly FlowEndpoint B = Flows.Pod("y", "b", 65793, "pod=b");

    private static FlowFilter Filter(params (string, string)[] conditions)
    {
        var errors = new List<string>();
        var filter = FlowFilter.Create(conditions, errors);
        Assert.Empty(errors);
        return filter;
    }

    [Theory]
    [InlineData("pod", "x/a", true)]
    [InlineData("pod", "y/b", true)]
    [InlineData("pod", "x/b", false)]
    [InlineData("pod", "a", true)]
    [InlineData("from-pod", "x/a", true)]
    [InlineData("from-pod", "y/b", false)]
    [InlineData("to-pod", "y/", true)]
    [InlineData("namespace", "y", true)]
    [InlineData("from-namespace", "y", false)]
    [InlineData("label", "app=web", true)]
    [InlineData("to-label", "app=web", false)]
    [InlineData("from-label", "k8s:pod=a,app", true)]
    [InlineData("from-label", "pod=a,!app", false)]
    [InlineData("ip", "10.1.1.0/24", true)]
    [InlineData("from-ip", "10.1.1.2", false)]
    [InlineData("to-port", "80", true)]
    [InlineData("port", "40000", true)]
    [InlineData("from-port", "80", false)]
    [InlineData("identity", "65793", true)]
    [InlineData("to-identity", "65792", false)]
    [InlineData("protocol", "TCP", true)]
    [InlineData("protocol", "udp", false)]
    [InlineData("verdict", "dropped", true)]
    [InlineData("verdict", "FORWARDED", false)]
    [InlineData("type", "drop", true)]
    [InlineData("type", "trace", false)]
    [InlineData("type", "policy-verdict", true)]
    [InlineData("drop-reason", "POLICY_DENIED", true)]
    [InlineData("drop-reason", "181", false)]
    [InlineData("node-name", "n1", true)]
    [InlineData("node-name", "c1/n*", true)]
    [InlineData("node-name", "n2", false)]
    public void One_condition_matches_the_flows_hubble_would(string kind, string value, bool expected)
    {
        var flow = Flows.Tcp(A, B, 80, "DROPPED", 133);
        Assert.Equal(expected, Filter((kind, value)).Matches(flow));
    }

    [Fact]
    public void Kinds_are_and_values_of_one_kind_are_or()
    {
        var flow = Flows.Tcp(A, B, 80);
        Assert.True(Filter(("to-pod", "y/c"), ("to-pod", "y/b"), ("to-port", "80")).Matches(flow));
        Assert.False(Filter(("to-pod", "y/b"), ("to-port", "81")).Matches(flow));
        Assert.True(FlowFilter.Empty.Matches(flow));
    }

    [Fact]
    public void Every_bad_condition_is_reported_with_its_flag_and_reason()
    {
        var errors = new List<string>();
        FlowFilter.Create([("ip", "10.1.300.1"), ("port", "70000"), ("verdict", "MAYBE"), ("protocol", "sctp"), ("colour", "red"), ("type", "l8")], errors);
        Assert.Equal(6, errors.Count);
        Assert.Contains(errors, e => e.StartsWith("--ip 10.1.300.1: not an IP address or CIDR", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("--port 70000:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("--verdict MAYBE: not one of FORWARDED", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("--protocol sctp:", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("--colour: unknown filter", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("--type l8:", StringComparison.Ordinal));
    }

    [Fact]
    public void A_query_excludes_what_its_not_filter_matches_and_keeps_its_time_window()
    {
        var errors = new List<string>();
        var query = FlowQuery.Parse(
        [
            KeyValuePair.Create("namespace", "x"),
            KeyValuePair.Create("not-to-pod", "y/b"),
            KeyValuePair.Create("since", "2026-11-21T10:00:05Z"),
        ], errors);
        Assert.Empty(errors);
        Assert.False(query.Matches(Flows.Tcp(A, B, 80, seconds: 10)));
        Assert.True(query.Matches(Flows.Tcp(A, Flows.Pod("x", "c", 65794), 80, seconds: 10)));
        Assert.False(query.Matches(Flows.Tcp(A, Flows.Pod("x", "c", 65794), 80, seconds: 1)));
    }

    [Fact]
    public void A_query_survives_its_query_string()
    {
        var errors = new List<string>();
        var query = new FlowQuery
        {
            Include = FlowFilter.Create([("from-pod", "x/a"), ("label", "app=web,!canary")], errors),
            Exclude = FlowFilter.Create([("verdict", "FORWARDED")], errors),
            Last = 100,
            Since = Flows.T0,
            Follow = true,
        };
        var pairs = query.ToQueryString().Split('&').Select(p => p.Split('=', 2))
            .Select(p => KeyValuePair.Create(Uri.UnescapeDataString(p[0]), Uri.UnescapeDataString(p[1])));
        var back = FlowQuery.Parse(pairs, errors);
        Assert.Empty(errors);
        Assert.Equal(query.ToQueryString(), back.ToQueryString());
        Assert.Equal(100, back.Last);
        Assert.True(back.Follow);
    }

    [Fact]
    public void Bad_query_parameters_name_the_parameter()
    {
        var errors = new List<string>();
        FlowQuery.Parse([KeyValuePair.Create("last", "ten"), KeyValuePair.Create("since", "yesterday")], errors);
        Assert.Equal(["last=ten: not a count", "since=yesterday: not an RFC 3339 time"], errors);
    }
}
