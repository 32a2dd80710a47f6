using System.Net;
using Plexus.Model;
using Plexus.Model.State;

namespace Plexus.Policy.Tests;

/// <summary>
/// The Kubernetes NetworkPolicy e2e model: namespaces x, y, z; pods a, b, c in each, labelled <c>pod=&lt;name&gt;</c>,
/// serving TCP/UDP 80 and 81 with named ports <c>serve-80-tcp</c> …; every pod is a local endpoint with its own
/// identity and address 10.1.&lt;ns&gt;.&lt;pod&gt;. Policies come as YAML.
/// </summary>
internal sealed class Cluster
{
    public static readonly string[] Namespaces = ["x", "y", "z"];
    public static readonly string[] Pods = ["a", "b", "c"];

    private readonly Dictionary<string, Dictionary<string, string>> _podLabels = [];
    private readonly Dictionary<string, Dictionary<string, string>> _namespaceLabels = [];

    public Cluster()
    {
        foreach (var ns in Namespaces)
        {
            _namespaceLabels[ns] = [];
            foreach (var pod in Pods)
            {
                _podLabels[$"{ns}/{pod}"] = new() { ["pod"] = pod };
            }
        }

        foreach (var ns in Namespaces)
        {
            Repository.UpsertNamespace(new PolicyNamespace(ns, _namespaceLabels[ns]));
        }

        foreach (var name in PodNames)
        {
            Repository.UpsertIdentity(IdentityOf(name));
            Repository.UpsertEndpoint(EndpointOf(name));
        }
    }

    public PolicyRepository Repository { get; } = new();

    public static IEnumerable<string> PodNames => Namespaces.SelectMany(ns => Pods.Select(p => $"{ns}/{p}"));

    public static IReadOnlyList<NamedPort> ServedPorts { get; } =
    [
        new("serve-80-tcp", IpProtocols.Tcp, 80), new("serve-81-tcp", IpProtocols.Tcp, 81),
        new("serve-80-udp", IpProtocols.Udp, 80), new("serve-81-udp", IpProtocols.Udp, 81),
    ];

    public static int EndpointId(string pod) => (Array.IndexOf(Namespaces, pod[..1]) * 3) + Array.IndexOf(Pods, pod[2..]) + 1;

    public static uint Identity(string pod) => IdentityNumbers.FirstAllocatable + (uint)EndpointId(pod);

    public static IPAddress Address(string pod) => IPAddress.Parse($"10.1.{Array.IndexOf(Namespaces, pod[..1]) + 1}.{Array.IndexOf(Pods, pod[2..]) + 10}");

    /// <summary>A readable name for an identity number in expectations.</summary>
    public string NameOf(uint identity)
    {
        if (identity == 0)
        {
            return "*";
        }

        if (PodNames.FirstOrDefault(p => Identity(p) == identity) is { } pod)
        {
            return pod;
        }

        if (Repository.CidrIdentities.FirstOrDefault(c => c.Number == identity) is { } cidr)
        {
            return "cidr:" + cidr.Cidr;
        }

        return identity < 256 ? IdentityNumbers.LabelName((ReservedIdentity)identity) : identity.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    public Cluster Apply(string yaml)
    {
        var result = ManifestLoader.Parse(yaml, "test.yaml");
        Assert.True(result.Ok, "unexpected errors:\n" + string.Join("\n", result.Errors));
        foreach (var resource in result.Resources)
        {
            Repository.UpsertPolicy(resource);
        }

        return this;
    }

    public void Delete(string yaml)
    {
        var result = ManifestLoader.Parse(yaml, "test.yaml");
        Assert.True(Repository.RemovePolicy(Assert.Single(result.Resources).Key));
    }

    public void LabelNamespace(string ns, string key, string value)
    {
        _namespaceLabels[ns][key] = value;
        Repository.UpsertNamespace(new PolicyNamespace(ns, new Dictionary<string, string>(_namespaceLabels[ns])));
    }

    /// <summary>Pod label change: a new identity (as the identity allocator would give) and the endpoint moves to it.</summary>
    public uint LabelPod(string pod, string key, string value, uint newIdentity)
    {
        _podLabels[pod][key] = value;
        Repository.RemoveIdentity(Identity(pod));
        Repository.UpsertIdentity(IdentityOf(pod) with { Number = newIdentity });
        Repository.UpsertEndpoint(EndpointOf(pod) with { Identity = newIdentity });
        _relabelled[pod] = newIdentity;
        return newIdentity;
    }

    private readonly Dictionary<string, uint> _relabelled = [];

    public uint CurrentIdentity(string pod) => _relabelled.TryGetValue(pod, out var id) ? id : Identity(pod);

    public PolicyUpdate Compute() => Repository.Compute();

    public EndpointPolicy PolicyOf(string pod) => Repository.Policies[EndpointId(pod)];

    /// <summary>Whether a connection from <paramref name="from"/> to <paramref name="to"/> passes egress of one and ingress of the other.</summary>
    public bool Allowed(string from, string to, byte protocol, int port) =>
        PolicyEvaluator.Decide(PolicyOf(from), PolicyDirection.Egress, CurrentIdentity(to), protocol, port).Forwarded
        && PolicyEvaluator.Decide(PolicyOf(to), PolicyDirection.Ingress, CurrentIdentity(from), protocol, port).Forwarded;

    /// <summary>Every denied pair as <c>from→to</c> (pod to itself ignored), sorted.</summary>
    public List<string> Denials(byte protocol, int port)
    {
        Compute();
        return PodNames.SelectMany(from => PodNames.Where(to => to != from && !Allowed(from, to, protocol, port)).Select(to => $"{from}→{to}"))
            .Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>Entries of <paramref name="pod"/> as <c>direction peer proto port verdict</c> lines, peers by name.</summary>
    public List<string> Entries(string pod)
    {
        Compute();
        return PolicyOf(pod).Entries.Select(e =>
            $"{e.Key.Direction.ToString().ToLowerInvariant()} {NameOf(e.Key.Identity)} {IpProtocols.Name(e.Key.Protocol)}"
            + (e.Key.Protocol == IpProtocols.Any ? "" : " " + e.Key.Ports) + " " + e.Verdict.ToString().ToLowerInvariant()).ToList();
    }

    private PolicyIdentity IdentityOf(string pod) => new()
    {
        Number = Identity(pod),
        Labels = IdentityLabels.ForPod("c1", pod[..1], _podLabels[pod]),
        Addresses = [Address(pod)],
        NamedPorts = ServedPorts,
    };

    private PolicyEndpoint EndpointOf(string pod) => new()
    {
        Id = EndpointId(pod),
        Identity = Identity(pod),
        Namespace = pod[..1],
        Labels = _podLabels[pod],
        NamedPorts = ServedPorts,
    };
}
