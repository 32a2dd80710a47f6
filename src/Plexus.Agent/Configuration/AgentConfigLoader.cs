using System.Net;
using Plexus.Model.Text;
using System.Text.RegularExpressions;
using Plexus.Model;
using Plexus.Store;
using YamlDotNet.Core;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Plexus.Agent.Configuration;

/// <summary>Reads the agent's YAML config file and merges command-line overrides; every problem is reported with file and field.</summary>
public static partial class AgentConfigLoader
{
    /// <summary>The config file as written by users (camelCase YAML); all fields optional so flags can fill them.</summary>
    internal sealed class FileModel
    {
        public string? Node { get; set; }
        public string? Cluster { get; set; }
        public int? ClusterId { get; set; }
        public StoreSettings? Store { get; set; }
        public ApiSection? Api { get; set; }
        public string? StateDir { get; set; }
        public string? LeaseTtl { get; set; }
        public List<string>? Addresses { get; set; }
        public string? LogLevel { get; set; }
        public string? PodCidr { get; set; }
        public string? Underlay { get; set; }
        public string? BpfPinDir { get; set; }
        public string? IdentityGcInterval { get; set; }
        public string? IdentityGcGrace { get; set; }
        public List<string>? ServiceCidrs { get; set; }
        public List<string>? LoadBalancerPools { get; set; }
        public int? MaglevTableSize { get; set; }
        public bool? PolicyAuditMode { get; set; }
        public int? FlowRingCapacity { get; set; }
        public int? PolicyMapEntries { get; set; }
        public int? MetricsPort { get; set; }
        public FlowExportSection? FlowExport { get; set; }
    }

    internal sealed class FlowExportSection
    {
        public string? File { get; set; }
        public string? MaxSize { get; set; }
        public int? MaxFiles { get; set; }
    }

    internal sealed class ApiSection
    {
        public string? Socket { get; set; }
    }

    /// <summary>Values given on the command line; null means "not given".</summary>
    public sealed record Overrides(string? Node, string? Cluster, int? ClusterId, string? StoreUrl, string? ApiSocket, string? StateDir, string? LeaseTtl, string? LogLevel)
    {
        /// <summary>Pod CIDR of the cluster (enables the datapath).</summary>
        public string? PodCidr { get; init; }

        /// <summary>The node's underlay address.</summary>
        public string? Address { get; init; }

        /// <summary>Underlay device name.</summary>
        public string? Underlay { get; init; }

        /// <summary>bpffs pin directory.</summary>
        public string? BpfPinDir { get; init; }

        /// <summary>Identity GC interval.</summary>
        public string? IdentityGcInterval { get; init; }

        /// <summary>Identity GC grace period.</summary>
        public string? IdentityGcGrace { get; init; }

        /// <summary>Service CIDRs, comma-separated.</summary>
        public string? ServiceCidr { get; init; }

        /// <summary>Load-balancer address pools, comma-separated.</summary>
        public string? LoadBalancerPool { get; init; }

        /// <summary>Maglev table size.</summary>
        public int? MaglevTableSize { get; init; }

        /// <summary>Policy audit mode for every local endpoint.</summary>
        public bool? PolicyAuditMode { get; init; }

        /// <summary>How many flows the node's flow ring keeps.</summary>
        public int? FlowRingCapacity { get; init; }

        /// <summary>Entries of the node's policy map.</summary>
        public int? PolicyMapEntries { get; init; }
        /// <summary>Prometheus metrics port (0 disables).</summary>
        public int? MetricsPort { get; init; }

        /// <summary>Flow export file.</summary>
        public string? FlowExportFile { get; init; }

        /// <summary>Flow export rotation size (<c>10MiB</c>, <c>512KiB</c>, bytes).</summary>
        public string? FlowExportMaxSize { get; init; }

        /// <summary>Rotated flow export files kept.</summary>
        public int? FlowExportMaxFiles { get; init; }
    }

    /// <summary>Loads and validates; returns the config or the list of errors (each naming the source and field).</summary>
    public static (AgentConfig? Config, IReadOnlyList<string> Errors) Load(string? file, string? yamlText, Overrides flags)
    {
        var errors = new List<string>();
        var model = new FileModel();
        var source = file ?? "flags";
        if (yamlText is not null)
        {
            try
            {
                var deserializer = new DeserializerBuilder().WithNamingConvention(CamelCaseNamingConvention.Instance).Build();
                model = deserializer.Deserialize<FileModel?>(yamlText) ?? new FileModel();
            }
            catch (YamlException e)
            {
                var reason = (e.InnerException?.Message ?? e.Message).Split('\n')[0];
                errors.Add($"{source}:{e.Start.Line}:{e.Start.Column}: {DescribeYamlError(reason)}");
                return (null, errors);
            }
        }

        var node = flags.Node ?? model.Node;
        var cluster = flags.Cluster ?? model.Cluster ?? "default";
        var clusterId = flags.ClusterId ?? model.ClusterId ?? 0;
        var storeUrl = flags.StoreUrl ?? model.Store?.Url;
        var stateDir = flags.StateDir ?? model.StateDir ?? (node is null ? null : $"/var/lib/plexus/{node}");
        var apiSocket = flags.ApiSocket ?? model.Api?.Socket ?? (node is null ? null : $"/run/plexus/{node}/agent.sock");
        var leaseText = flags.LeaseTtl ?? model.LeaseTtl ?? "15s";
        var logLevel = (flags.LogLevel ?? model.LogLevel ?? "information").ToLowerInvariant();

        if (string.IsNullOrEmpty(node))
        {
            errors.Add($"{source}: node: required (the node's name; flag --node)");
        }
        else if (!DnsLabel().IsMatch(node))
        {
            errors.Add($"{source}: node: \"{node}\" is not a valid name (lower-case letters, digits and '-', at most 63 characters)");
        }

        if (!DnsLabel().IsMatch(cluster) || cluster.Length > 32)
        {
            errors.Add($"{source}: cluster: \"{cluster}\" is not a valid cluster name (lower-case letters, digits and '-', at most 32 characters)");
        }

        if (clusterId is < 0 or > 255)
        {
            errors.Add($"{source}: clusterId: {clusterId} is out of range 0-255");
        }

        if (string.IsNullOrEmpty(storeUrl))
        {
            errors.Add($"{source}: store.url: required (e.g. etcd://127.0.0.1:2379; flag --store)");
        }
        else if (!(storeUrl.StartsWith("etcd://", StringComparison.Ordinal) || storeUrl.StartsWith("etcds://", StringComparison.Ordinal) || storeUrl == "memory://"))
        {
            errors.Add($"{source}: store.url: \"{storeUrl}\" must start with etcd://, etcds:// or be memory://");
        }

        if (!Durations.TryParse(leaseText, out var leaseTtl) || leaseTtl < TimeSpan.FromSeconds(2) || leaseTtl > TimeSpan.FromHours(1))
        {
            errors.Add($"{source}: leaseTtl: \"{leaseText}\" must be a duration between 2s and 1h (e.g. 15s)");
        }

        if (logLevel is not ("trace" or "debug" or "information" or "warning" or "error"))
        {
            errors.Add($"{source}: logLevel: \"{logLevel}\" must be trace, debug, information, warning or error");
        }

        var podCidrText = flags.PodCidr ?? model.PodCidr;
        Cidr? podCidr = null;
        if (podCidrText is not null)
        {
            if (!Cidr.TryParse(podCidrText, out var parsed, out var problem))
            {
                errors.Add($"{source}: podCidr: {problem}");
            }
            else if (parsed.IsIPv6 || parsed.PrefixLength > 24)
            {
                errors.Add($"{source}: podCidr: {parsed} must be an IPv4 prefix of /24 or shorter (nodes claim /24 blocks of it)");
            }
            else
            {
                podCidr = parsed;
            }
        }

        var gcInterval = ReadDuration(flags.IdentityGcInterval ?? model.IdentityGcInterval, "identityGcInterval", TimeSpan.FromMinutes(1));
        var gcGrace = ReadDuration(flags.IdentityGcGrace ?? model.IdentityGcGrace, "identityGcGrace", TimeSpan.FromMinutes(10));
        TimeSpan ReadDuration(string? text, string field, TimeSpan fallback)
        {
            if (text is null)
            {
                return fallback;
            }

            if (Durations.TryParse(text, out var value) && value >= TimeSpan.FromSeconds(1))
            {
                return value;
            }

            errors.Add($"{source}: {field}: \"{text}\" must be a duration of at least 1s (e.g. 30s, 10m)");
            return fallback;
        }

        var addresses = flags.Address is not null ? [flags.Address] : model.Addresses ?? [];
        var underlay = flags.Underlay ?? model.Underlay ?? "eth0";
        if (underlay.Length is 0 or > 15 || underlay.Contains('/', StringComparison.Ordinal))
        {
            errors.Add($"{source}: underlay: \"{underlay}\" is not a device name");
        }

        foreach (var (address, i) in addresses.Select((a, i) => (a, i)))
        {
            if (!IPAddress.TryParse(address, out _))
            {
                errors.Add($"{source}: addresses[{i}]: \"{address}\" is not an IP address");
            }
        }

        var serviceCidrs = ReadCidrs(SplitList(flags.ServiceCidr) ?? model.ServiceCidrs ?? ["10.96.0.0/12"], "serviceCidrs", "--service-cidr");
        var pools = ReadCidrs(SplitList(flags.LoadBalancerPool) ?? model.LoadBalancerPools ?? [], "loadBalancerPools", "--lb-pool");
        List<Cidr> ReadCidrs(List<string> texts, string field, string flag)
        {
            var result = new List<Cidr>();
            foreach (var (text, i) in texts.Select((t, i) => (t, i)))
            {
                if (!Cidr.TryParse(text, out var cidr, out var problem))
                {
                    errors.Add($"{source}: {field}[{i}]: {problem} (flag {flag})");
                }
                else if (cidr.IsIPv6)
                {
                    errors.Add($"{source}: {field}[{i}]: {cidr} is IPv6; services are IPv4 only for now (flag {flag})");
                }
                else if (result.Where(o => o.Overlaps(cidr)).Select(o => (Cidr?)o).FirstOrDefault() is { } other)
                {
                    errors.Add($"{source}: {field}[{i}]: {cidr} overlaps {other} (flag {flag})");
                }
                else
                {
                    result.Add(cidr);
                }
            }

            return result;
        }

        if (serviceCidrs.Count == 0 && errors.Count == 0)
        {
            errors.Add($"{source}: serviceCidrs: at least one service CIDR is required (flag --service-cidr)");
        }

        foreach (var pool in pools)
        {
            if (serviceCidrs.Where(c => c.Overlaps(pool)).Select(c => (Cidr?)c).FirstOrDefault() is { } clash)
            {
                errors.Add($"{source}: loadBalancerPools: {pool} overlaps the service CIDR {clash}; load-balancer addresses need their own range (flag --lb-pool)");
            }
        }

        foreach (var range in serviceCidrs.Concat(pools))
        {
            if (podCidr is { } pods && pods.Overlaps(range))
            {
                errors.Add($"{source}: {(pools.Contains(range) ? "loadBalancerPools" : "serviceCidrs")}: {range} overlaps the pod CIDR {pods}");
            }
        }

        var maglev = flags.MaglevTableSize ?? model.MaglevTableSize ?? AgentConfig.DefaultMaglevTableSize;
        if (MaglevSizeError(maglev) is { } maglevProblem)
        {
            errors.Add($"{source}: maglevTableSize: {maglevProblem} (flag --maglev-table-size)");
        }

        var flowRing = flags.FlowRingCapacity ?? model.FlowRingCapacity ?? AgentConfig.DefaultFlowRingCapacity;
        if (flowRing is < 1 or > AgentConfig.MaxFlowRingCapacity)
        {
            errors.Add($"{source}: flowRingCapacity: {flowRing} is outside 1-{AgentConfig.MaxFlowRingCapacity} (flag --flow-ring-capacity)");
        }

        var policyEntries = flags.PolicyMapEntries ?? model.PolicyMapEntries ?? Plexus.Datapath.Node.DatapathConfig.DefaultPolicyMapEntries;
        if (policyEntries is < Plexus.Datapath.Node.DatapathConfig.MinPolicyMapEntries or > Plexus.Datapath.Node.DatapathConfig.MaxPolicyMapEntries)
        {
            errors.Add($"{source}: policyMapEntries: {policyEntries} is outside {Plexus.Datapath.Node.DatapathConfig.MinPolicyMapEntries}-{Plexus.Datapath.Node.DatapathConfig.MaxPolicyMapEntries} (flag --policy-map-entries)");
        }

        var metricsPort = flags.MetricsPort ?? model.MetricsPort ?? AgentConfig.DefaultMetricsPort;
        if (metricsPort is < 0 or > 65535)
        {
            errors.Add($"{source}: metricsPort: {metricsPort} is outside 0-65535 (0 disables metrics; flag --metrics-port)");
        }

        var exportFile = flags.FlowExportFile ?? model.FlowExport?.File;
        if (exportFile is { Length: 0 } || exportFile?.EndsWith('/') == true)
        {
            errors.Add($"{source}: flowExport.file: \"{exportFile}\" is not a file path (flag --flow-export-file)");
        }

        var exportSizeText = flags.FlowExportMaxSize ?? model.FlowExport?.MaxSize;
        var exportSize = Plexus.Agent.Flows.FlowExporter.DefaultMaxSize;
        if (exportSizeText is not null && (!TryParseSize(exportSizeText, out exportSize) || exportSize < 1024))
        {
            errors.Add($"{source}: flowExport.maxSize: \"{exportSizeText}\" must be a size of at least 1KiB, e.g. 10MiB, 512KiB or a number of bytes (flag --flow-export-max-size)");
        }

        var exportFiles = flags.FlowExportMaxFiles ?? model.FlowExport?.MaxFiles ?? Plexus.Agent.Flows.FlowExporter.DefaultMaxFiles;
        if (exportFiles is < 1 or > 1000)
        {
            errors.Add($"{source}: flowExport.maxFiles: {exportFiles} is outside 1-1000 (flag --flow-export-max-files)");
        }

        if (errors.Count > 0)
        {
            return (null, errors);
        }

        return (new AgentConfig
        {
            Node = node!,
            Cluster = cluster,
            ClusterId = clusterId,
            Store = (model.Store ?? new StoreSettings()).ToOptions(storeUrl!),
            ApiSocket = apiSocket!,
            StateDir = stateDir!,
            LeaseTtl = leaseTtl,
            Addresses = addresses,
            PodCidr = podCidr,
            UnderlayDevice = underlay,
            IdentityGcInterval = gcInterval,
            IdentityGcGrace = gcGrace,
            BpfPinDirectory = flags.BpfPinDir ?? model.BpfPinDir ?? $"/sys/fs/bpf/plexus/{cluster}-{node}",
            LogLevel = logLevel,
            ServiceCidrs = serviceCidrs,
            LoadBalancerPools = pools,
            MaglevTableSize = maglev,
            PolicyAuditMode = flags.PolicyAuditMode ?? model.PolicyAuditMode ?? false,
            FlowRingCapacity = flowRing,
            PolicyMapEntries = policyEntries,
            MetricsPort = metricsPort,
            FlowExportFile = exportFile,
            FlowExportMaxSize = exportSize,
            FlowExportMaxFiles = exportFiles,
        }, errors);
    }

    /// <summary>Why <paramref name="size"/> cannot be a Maglev table size (a prime 251–131071); null when it can.</summary>
    public static string? MaglevSizeError(int size)
    {
        if (size is < 251 or > 131071)
        {
            return $"{size} is outside 251-131071 (default {AgentConfig.DefaultMaglevTableSize})";
        }

        for (var d = 2; d * d <= size; d++)
        {
            if (size % d == 0)
            {
                return $"{size} is not a prime (divisible by {d}); Maglev needs a prime table size, e.g. 251, 1021, 4093, 16381, 65521, 131071";
            }
        }

        return null;
    }

    /// <summary>Parses a size: bytes, or a number with KiB/MiB/GiB (also Ki/Mi/Gi, K/M/G, KB/MB/GB as binary units).</summary>
    public static bool TryParseSize(string text, out long bytes)
    {
        ArgumentNullException.ThrowIfNull(text);
        bytes = 0;
        var m = Regex.Match(text.Trim(), "^([0-9]+)\\s*([KMG]?)(i?B?)$", RegexOptions.IgnoreCase);
        if (!m.Success || !long.TryParse(m.Groups[1].Value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number))
        {
            return false;
        }

        var shift = char.ToUpperInvariant(m.Groups[2].Value.FirstOrDefault()) switch
        {
            'K' => 10,
            'M' => 20,
            'G' => 30,
            _ => 0,
        };
        if (shift == 0 && m.Groups[3].Value.Length > 0 && !m.Groups[3].Value.Equals("B", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        if (number > (long.MaxValue >> shift))
        {
            return false;
        }

        bytes = number << shift;
        return true;
    }

    private static List<string>? SplitList(string? text) =>
        text?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList();

    private static string DescribeYamlError(string reason)
    {
        // YamlDotNet says "Property 'x' not found on type '…FileModel'": name the field and list the valid ones instead.
        var m = Regex.Match(reason, "Property '([^']+)' not found on type '[^']*[.+]([A-Za-z]+)'");
        if (!m.Success)
        {
            return reason;
        }

        var valid = m.Groups[2].Value switch
        {
            nameof(StoreSettings) => "url, caFile, certFile, keyFile",
            nameof(ApiSection) => "socket",
            nameof(FlowExportSection) => "file, maxSize, maxFiles",
            _ => "node, cluster, clusterId, store, api, stateDir, leaseTtl, addresses, logLevel, podCidr, underlay, bpfPinDir, identityGcInterval, identityGcGrace, serviceCidrs, loadBalancerPools, maglevTableSize, policyAuditMode, flowRingCapacity, policyMapEntries, metricsPort, flowExport",
        };
        return $"unknown field \"{m.Groups[1].Value}\"; valid fields: {valid}";
    }

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")]
    private static partial Regex DnsLabel();
}
