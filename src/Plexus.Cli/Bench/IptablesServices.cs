using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Plexus.Interop.Namespaces;
using Plexus.Lab.Processes;
using Plexus.Lab.Runtime;

namespace Plexus.Cli.Bench;

/// <summary>
/// The baseline's services: kube-proxy's iptables mode, rendered as kube-proxy renders it and loaded into the client
/// node's namespace with one <c>iptables-restore</c> of the whole nat table (as kube-proxy does on every sync). A new
/// connection from the client pod enters <c>PREROUTING → KUBE-SERVICES</c>, whose rules are tried in order, one per
/// service; the last service's rule is the last one tried. Its <c>KUBE-SVC-…</c> chain marks off-cluster clients for
/// masquerade and jumps to the endpoint's <c>KUBE-SEP-…</c> chain, which marks hairpin traffic and DNATs to the server
/// pod. Conntrack translates the rest of the connection. Everything lives in the baseline's namespaces and goes with them.
/// </summary>
/// <param name="nodeNetns">The client node's namespace, where the client pod's packets are routed.</param>
/// <param name="backend">The server pod's address.</param>
/// <param name="clusterCidr">The pod CIDR: clients outside it are masqueraded, as kube-proxy's <c>--cluster-cidr</c>.</param>
public sealed class IptablesServices(string nodeNetns, IPAddress backend, string clusterCidr) : BenchServices
{
    /// <summary>
    /// How long conntrack keeps a closed (TIME_WAIT) connection in the node's namespace, in seconds: as long as Plexus's
    /// conntrack keeps a closing one (<c>CT_LIFETIME_TCP_CLOSING</c>). The kernel's 120 s would fill the 262,144-entry
    /// table within one figure of the full suite (~8,000 connections/s), and then new SYNs are dropped.
    /// </summary>
    public const int TimeWaitSeconds = 10;

    /// <summary>Rules per service in the nat table: KUBE-SERVICES match, KUBE-SVC masquerade mark and jump, KUBE-SEP hairpin mark and DNAT.</summary>
    public const int RulesPerService = 5;

    /// <summary>Rules outside the per-service chains: the three hook jumps, the mark chain, three postrouting rules and the node-port rule.</summary>
    public const int FixedRules = 8;

    private static readonly TimeSpan RestoreTimeout = TimeSpan.FromMinutes(3);

    /// <inheritdoc/>
    public override async Task InstallAsync(int count, int targetPort, Action<string> progress, CancellationToken cancellationToken)
    {
        var file = Path.Combine(Path.GetTempPath(), $"plexus-{nodeNetns}-nat-{count.ToString(CultureInfo.InvariantCulture)}.rules");
        var rules = Rules(count, new IPEndPoint(backend, targetPort), clusterCidr);
        await File.WriteAllTextAsync(file, rules, cancellationToken).ConfigureAwait(false);
        try
        {
            var clock = Stopwatch.StartNew();
            var restore = Binaries.FindOnPath("iptables-restore") ?? throw new BenchException("iptables-restore is not installed (Debian package iptables; ./build.sh deps)");
            await BenchProcess.RunAsync(nodeNetns, [restore, file], RestoreTimeout, cancellationToken).ConfigureAwait(false);
            using (var node = NetNs.Open(nodeNetns))
            {
                NetNs.Run(node, () => Sysctl.Write("net.netfilter.nf_conntrack_tcp_timeout_time_wait", TimeWaitSeconds.ToString(CultureInfo.InvariantCulture)));
            }

            Count = count;
            progress($"baseline: iptables-restore of {count.ToString("N0", CultureInfo.InvariantCulture)} services ({(RulesPerService * count + FixedRules).ToString("N0", CultureInfo.InvariantCulture)} nat rules, {(rules.Length / 1024.0 / 1024.0).ToString("0.0", CultureInfo.InvariantCulture)} MiB) took {clock.Elapsed.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture)} s");
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>
    /// The nat table kube-proxy would write for services 1 … <paramref name="count"/> (<see cref="BenchServices.Vip"/>
    /// port 80/TCP) with <paramref name="endpoint"/> as their one endpoint, in <c>iptables-restore</c> format.
    /// </summary>
    public static string Rules(int count, IPEndPoint endpoint, string clusterCidr)
    {
        var text = new StringBuilder(count * 600);
        text.Append("*nat\n:PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]\n");
        text.Append(":KUBE-SERVICES - [0:0]\n:KUBE-NODEPORTS - [0:0]\n:KUBE-POSTROUTING - [0:0]\n:KUBE-MARK-MASQ - [0:0]\n");
        for (var i = 1; i <= count; i++)
        {
            text.Append(CultureInfo.InvariantCulture, $":{Chain("KUBE-SVC-", i)} - [0:0]\n:{Chain("KUBE-SEP-", i)} - [0:0]\n");
        }

        text.Append("-A PREROUTING -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES\n");
        text.Append("-A OUTPUT -m comment --comment \"kubernetes service portals\" -j KUBE-SERVICES\n");
        text.Append("-A POSTROUTING -m comment --comment \"kubernetes postrouting rules\" -j KUBE-POSTROUTING\n");
        text.Append("-A KUBE-MARK-MASQ -j MARK --or-mark 0x4000\n");
        text.Append("-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN\n");
        text.Append("-A KUBE-POSTROUTING -j MARK --xor-mark 0x4000\n");
        text.Append("-A KUBE-POSTROUTING -m comment --comment \"kubernetes service traffic requiring SNAT\" -j MASQUERADE --random-fully\n");
        var port = Port.ToString(CultureInfo.InvariantCulture);
        for (var i = 1; i <= count; i++)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"-A KUBE-SERVICES -d {Vip(i)}/32 -p tcp -m comment --comment \"bench/{Name(i)}:http cluster IP\" -m tcp --dport {port} -j {Chain("KUBE-SVC-", i)}\n");
        }

        text.Append("-A KUBE-SERVICES -m comment --comment \"kubernetes service nodeports; NOTE: this must be the last rule in this chain\" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS\n");
        for (var i = 1; i <= count; i++)
        {
            var svc = Chain("KUBE-SVC-", i);
            var sep = Chain("KUBE-SEP-", i);
            text.Append(CultureInfo.InvariantCulture, $"-A {svc} ! -s {clusterCidr} -d {Vip(i)}/32 -p tcp -m comment --comment \"bench/{Name(i)}:http cluster IP\" -m tcp --dport {port} -j KUBE-MARK-MASQ\n");
            text.Append(CultureInfo.InvariantCulture, $"-A {svc} -m comment --comment \"bench/{Name(i)}:http -> {endpoint}\" -j {sep}\n");
            text.Append(CultureInfo.InvariantCulture, $"-A {sep} -s {endpoint.Address}/32 -m comment --comment \"bench/{Name(i)}:http\" -j KUBE-MARK-MASQ\n");
            text.Append(CultureInfo.InvariantCulture, $"-A {sep} -p tcp -m comment --comment \"bench/{Name(i)}:http\" -m tcp -j DNAT --to-destination {endpoint}\n");
        }

        text.Append("COMMIT\n");
        return text.ToString();
    }

    // kube-proxy's chain names: a prefix and 16 base32 characters of a hash of the service port (and endpoint).
    private static string Chain(string prefix, int index)
    {
        var hash = SHA256.HashData(Encoding.ASCII.GetBytes($"bench/{Name(index)}:http/{prefix}"));
        const string Base32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        var name = new StringBuilder(prefix, prefix.Length + 16);
        for (var i = 0; i < 16; i++)
        {
            name.Append(Base32[hash[i] & 31]);
        }

        return name.ToString();
    }
}
