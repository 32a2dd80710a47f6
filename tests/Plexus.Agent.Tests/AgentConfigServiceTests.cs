using Plexus.Agent.Configuration;
using Plexus.Model;

namespace Plexus.Agent.Tests;

/// <summary>The service flags of the agent: service CIDR, load-balancer pools, Maglev table size.</summary>
public sealed class AgentConfigServiceTests
{
    [Fact]
    public void Defaults_are_the_Kubernetes_service_CIDR_no_pool_and_a_16381_Maglev_table()
    {
        var (config, errors) = Load(Empty);

        Assert.Empty(errors);
        Assert.Equal([Cidr.Parse("10.96.0.0/12")], config!.ServiceCidrs);
        Assert.Empty(config.LoadBalancerPools);
        Assert.Equal(16381, config.MaglevTableSize);
    }

    [Fact]
    public void Flags_set_service_CIDR_pools_and_table_size()
    {
        var (config, errors) = Load(Empty with { ServiceCidr = "10.100.0.0/16", LoadBalancerPool = "172.20.1.240/28, 203.0.113.0/28", MaglevTableSize = 1021 });

        Assert.Empty(errors);
        Assert.Equal([Cidr.Parse("10.100.0.0/16")], config!.ServiceCidrs);
        Assert.Equal([Cidr.Parse("172.20.1.240/28"), Cidr.Parse("203.0.113.0/28")], config.LoadBalancerPools);
        Assert.Equal(1021, config.MaglevTableSize);
    }

    [Fact]
    public void The_config_file_sets_them_too()
    {
        var (config, errors) = AgentConfigLoader.Load("agent.yaml", """
            node: n1
            store: {url: "memory://"}
            serviceCidrs: [10.100.0.0/16]
            loadBalancerPools: [203.0.113.0/28]
            maglevTableSize: 251
            """, new AgentConfigLoader.Overrides(null, null, null, null, null, null, null, null));

        Assert.Empty(errors);
        Assert.Equal((Cidr.Parse("10.100.0.0/16"), Cidr.Parse("203.0.113.0/28"), 251), (config!.ServiceCidrs[0], config.LoadBalancerPools[0], config.MaglevTableSize));
    }

    [Theory]
    [InlineData(1000, "1000 is not a prime (divisible by 2)")]
    [InlineData(250, "250 is outside 251-131071")]
    [InlineData(131101, "131101 is outside 251-131071")]
    public void A_Maglev_table_size_must_be_a_prime_in_range(int size, string reason)
    {
        var (config, errors) = Load(Empty with { MaglevTableSize = size });

        Assert.Null(config);
        var error = Assert.Single(errors);
        Assert.Contains($"maglevTableSize: {reason}", error, StringComparison.Ordinal);
        Assert.Contains("--maglev-table-size", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Flow_ring_and_policy_map_sizes_default_and_are_refused_out_of_range_naming_their_flags()
    {
        var (config, errors) = Load(Empty);
        Assert.Empty(errors);
        Assert.Equal((65_535, 262_144), (config!.FlowRingCapacity, config.PolicyMapEntries));

        (config, errors) = Load(Empty with { FlowRingCapacity = 0, PolicyMapEntries = 100 });
        Assert.Null(config);
        Assert.Equal(2, errors.Count);
        Assert.Contains(errors, e => e.Contains("flowRingCapacity: 0 is outside 1-1048576 (flag --flow-ring-capacity)", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("policyMapEntries: 100 is outside 1024-4194304 (flag --policy-map-entries)", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("10.96.0.0/33", null, "serviceCidrs[0]:")]
    [InlineData(null, "banana", "loadBalancerPools[0]:")]
    [InlineData(null, "10.96.1.0/24", "loadBalancerPools: 10.96.1.0/24 overlaps the service CIDR 10.96.0.0/12")]
    [InlineData(null, "172.20.1.0/24,172.20.1.240/28", "loadBalancerPools[1]: 172.20.1.240/28 overlaps 172.20.1.0/24")]
    [InlineData(null, "10.1.200.0/24", "loadBalancerPools: 10.1.200.0/24 overlaps the pod CIDR 10.1.0.0/16")]
    public void Bad_service_ranges_are_refused_naming_field_and_reason(string? serviceCidr, string? pool, string expected)
    {
        var (config, errors) = Load(Empty with { ServiceCidr = serviceCidr, LoadBalancerPool = pool, PodCidr = "10.1.0.0/16" });

        Assert.Null(config);
        Assert.Contains(errors, e => e.Contains(expected, StringComparison.Ordinal));
    }

    private static (AgentConfig? Config, IReadOnlyList<string> Errors) Load(AgentConfigLoader.Overrides flags) =>
        AgentConfigLoader.Load(null, null, flags with { Node = "n1", StoreUrl = "memory://" });

    private static AgentConfigLoader.Overrides Empty => new(null, null, null, null, null, null, null, null);
}
