using System.CommandLine;
using Plexus.Agent;
using Plexus.Agent.Configuration;

var configOption = new Option<FileInfo?>("--config", "-c") { Description = "YAML config file (fields: node, cluster, clusterId, store{url,caFile,certFile,keyFile}, api{socket}, stateDir, leaseTtl, addresses, logLevel, metricsPort, flowExport{file,maxSize,maxFiles}, …)" };
var nodeOption = new Option<string?>("--node") { Description = "Node name (overrides the file)" };
var clusterOption = new Option<string?>("--cluster") { Description = "Cluster name (default: default)" };
var clusterIdOption = new Option<int?>("--cluster-id") { Description = "Cluster id 0-255" };
var storeOption = new Option<string?>("--store") { Description = "Store URL, e.g. etcd://127.0.0.1:2379" };
var socketOption = new Option<string?>("--api-socket") { Description = "REST API unix socket (default /run/plexus/<node>/agent.sock)" };
var stateOption = new Option<string?>("--state-dir") { Description = "State directory (default /var/lib/plexus/<node>)" };
var leaseOption = new Option<string?>("--lease-ttl") { Description = "Node lease TTL (default 15s)" };
var logOption = new Option<string?>("--log-level") { Description = "trace|debug|information|warning|error" };
var podCidrOption = new Option<string?>("--pod-cidr") { Description = "Cluster pod CIDR, e.g. 10.1.0.0/16 (enables the datapath; the node claims a /24 of it)" };
var addressOption = new Option<string?>("--address") { Description = "The node's underlay address (default: detected)" };
var underlayOption = new Option<string?>("--underlay") { Description = "Underlay device (default eth0)" };
var gcIntervalOption = new Option<string?>("--identity-gc-interval") { Description = "How often unused identities are collected (default 1m)" };
var gcGraceOption = new Option<string?>("--identity-gc-grace") { Description = "How long an identity stays unused before deletion (default 10m)" };
var serviceCidrOption = new Option<string?>("--service-cidr") { Description = "Service CIDR(s) cluster IPs come from, comma-separated (default 10.96.0.0/12)" };
var lbPoolOption = new Option<string?>("--lb-pool") { Description = "Load-balancer address pool(s), comma-separated CIDRs (default: none; LoadBalancer Services stay pending)" };
var maglevOption = new Option<int?>("--maglev-table-size") { Description = "Maglev table size per service: a prime 251-131071 (default 16381)" };
var auditOption = new Option<bool?>("--policy-audit-mode") { Description = "Policy audit mode: policy drops are reported as AUDIT and forwarded" };
var flowRingOption = new Option<int?>("--flow-ring-capacity") { Description = "How many flows the node keeps for plexus observe (default 65535)" };
var policyMapOption = new Option<int?>("--policy-map-entries") { Description = "Entries of the policy map the node's endpoints share (default 262144)" };
var metricsPortOption = new Option<int?>("--metrics-port") { Description = "TCP port of the Prometheus endpoint /metrics in the node's network namespace (default 9962; 0 disables)" };
var exportFileOption = new Option<string?>("--flow-export-file") { Description = "Write every flow as a JSON line (Hubble's GetFlowsResponse) to this file (default: no export)" };
var exportSizeOption = new Option<string?>("--flow-export-max-size") { Description = "Rotate the flow export file at this size, e.g. 10MiB (default 10MiB)" };
var exportFilesOption = new Option<int?>("--flow-export-max-files") { Description = "Rotated flow export files kept besides the live one (default 5)" };
var pinOption = new Option<string?>("--bpf-pin-dir") { Description = "bpffs directory for this node's maps (default /sys/fs/bpf/plexus/<cluster>-<node>)" };

var root = new RootCommand("plexus-agent: the Plexus node agent (programs the datapath, registers the node, serves the API)")
{
    configOption, nodeOption, clusterOption, clusterIdOption, storeOption, socketOption, stateOption, leaseOption, logOption,
    podCidrOption, addressOption, underlayOption, pinOption, gcIntervalOption, gcGraceOption, serviceCidrOption, lbPoolOption, maglevOption, auditOption, flowRingOption, policyMapOption,
    metricsPortOption, exportFileOption, exportSizeOption, exportFilesOption,
};
var parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    foreach (var error in parsed.Errors)
    {
        Console.Error.WriteLine($"plexus-agent: {error.Message}");
    }

    return 2;
}

if (parsed.Action is not null && parsed.CommandResult.Command == root && parsed.Tokens.Any(t => t.Value is "-h" or "--help" or "-?" or "--version"))
{
    return await parsed.InvokeAsync().ConfigureAwait(false);
}

var file = parsed.GetValue(configOption);
string? yaml = null;
if (file is not null)
{
    if (!file.Exists)
    {
        Console.Error.WriteLine($"plexus-agent: {file.FullName}: config file not found");
        return 2;
    }

    yaml = await File.ReadAllTextAsync(file.FullName).ConfigureAwait(false);
}

var (config, errors) = AgentConfigLoader.Load(file?.FullName, yaml, new AgentConfigLoader.Overrides(
    parsed.GetValue(nodeOption), parsed.GetValue(clusterOption), parsed.GetValue(clusterIdOption), parsed.GetValue(storeOption),
    parsed.GetValue(socketOption), parsed.GetValue(stateOption), parsed.GetValue(leaseOption), parsed.GetValue(logOption))
{
    PodCidr = parsed.GetValue(podCidrOption),
    Address = parsed.GetValue(addressOption),
    Underlay = parsed.GetValue(underlayOption),
    BpfPinDir = parsed.GetValue(pinOption),
    IdentityGcInterval = parsed.GetValue(gcIntervalOption),
    IdentityGcGrace = parsed.GetValue(gcGraceOption),
    ServiceCidr = parsed.GetValue(serviceCidrOption),
    LoadBalancerPool = parsed.GetValue(lbPoolOption),
    MaglevTableSize = parsed.GetValue(maglevOption),
    PolicyAuditMode = parsed.GetValue(auditOption),
    FlowRingCapacity = parsed.GetValue(flowRingOption),
    PolicyMapEntries = parsed.GetValue(policyMapOption),
    MetricsPort = parsed.GetValue(metricsPortOption),
    FlowExportFile = parsed.GetValue(exportFileOption),
    FlowExportMaxSize = parsed.GetValue(exportSizeOption),
    FlowExportMaxFiles = parsed.GetValue(exportFilesOption),
});
if (config is null)
{
    foreach (var error in errors)
    {
        Console.Error.WriteLine($"plexus-agent: {error}");
    }

    return 2;
}

var app = AgentHost.Build(config);
await app.RunAsync().ConfigureAwait(false);
return 0;
