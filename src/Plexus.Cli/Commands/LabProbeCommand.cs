using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using Plexus.Cli.Infrastructure;
using Plexus.Lab.Agents;
using Plexus.Lab.Processes;
using Plexus.Lab.Runtime;

namespace Plexus.Cli.Commands;

/// <summary>
/// <c>plexus lab probe &lt;namespace&gt;/&lt;pod&gt; &lt;ip|namespace/pod&gt;:&lt;port&gt;/&lt;tcp|udp&gt; [--timeout 1s]</c>:
/// runs <c>plexus-probe connect</c> inside the source's namespace; exit 0 when connected (UDP: a reply came back),
/// 1 when not. The reply (the server's name) is printed.
/// </summary>
public static class LabProbeCommand
{
    /// <summary>Builds the command.</summary>
    public static Command Create(Func<CliContext> context)
    {
        var source = new Argument<string>("source") { Description = "Where to probe from: NAMESPACE/POD, node/CLUSTER/NODE or ext/NAME" };
        var target = new Argument<string>("target") { Description = "IP:PORT/PROTO or NAMESPACE/POD:PORT/PROTO (also ext/NAME, node/CLUSTER/NODE), e.g. x/b:80/tcp" };
        var timeout = new Option<string>("--timeout") { Description = "How long to wait for the connection or reply", DefaultValueFactory = _ => "1s" };
        var command = new Command("probe", "Probe a TCP or UDP port from inside a pod (exit 0 connected, 1 not)") { source, target, timeout };
        command.SetAction((parse, ct) => LabCommand.RunAsync(context(), c =>
            RunAsync(c, parse.GetValue(source)!, parse.GetValue(target)!, parse.GetValue(timeout)!, ct)));
        return command;
    }

    /// <summary>Runs <c>lab probe</c>.</summary>
    public static async Task<int> RunAsync(CliContext context, string sourceText, string targetText, string timeoutText, CancellationToken cancellationToken)
    {
        LabCommand.Duration("--timeout", timeoutText);
        var (host, port, protocol) = ParseTarget(targetText);
        var lab = LabCommand.Select(context, null);
        var source = LabCommand.Target(lab, sourceText);
        var address = LabTarget.IsName(host) ? await AddressOfAsync(lab, LabCommand.Target(lab, host), cancellationToken).ConfigureAwait(false) : host;
        var probe = Binaries.FindPlexus("plexus-probe") ?? throw CliException.Failed("bin/plexus-probe not found: run ./build.sh build");
        var info = NetnsCommand.StartInfo(source.Netns,
            [probe, "connect", $"{address}:{port.ToString(CultureInfo.InvariantCulture)}", "--protocol", protocol, "--timeout", timeoutText]);
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        using var process = Process.Start(info) ?? throw CliException.Failed("could not run plexus-probe");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        await context.Out.WriteAsync(await stdout.ConfigureAwait(false)).ConfigureAwait(false);
        await context.Error.WriteAsync(await stderr.ConfigureAwait(false)).ConfigureAwait(false);
        return process.ExitCode switch
        {
            0 => ExitCodes.Ok,
            2 => ExitCodes.BadInput,
            _ => ExitCodes.Failed,
        };
    }

    /// <summary>Splits <c>HOST:PORT/PROTO</c>; HOST is an IPv4 address or a lab name.</summary>
    internal static (string Host, int Port, string Protocol) ParseTarget(string text)
    {
        var colon = text.LastIndexOf(':');
        var slash = text.LastIndexOf('/');
        if (colon <= 0 || slash < colon)
        {
            throw CliException.BadInput($"target \"{text}\" is not HOST:PORT/PROTO (e.g. 10.1.0.5:80/tcp or x/b:80/udp)");
        }

        var host = text[..colon];
        var protocol = text[(slash + 1)..].ToLowerInvariant();
        if (!int.TryParse(text.AsSpan(colon + 1, slash - colon - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            throw CliException.BadInput($"target \"{text}\": \"{text[(colon + 1)..slash]}\" is not a port (1-65535)");
        }

        if (protocol is not ("tcp" or "udp"))
        {
            throw CliException.BadInput($"target \"{text}\": \"{protocol}\" is not tcp or udp");
        }

        if (!LabTarget.IsName(host) && IPAddress.Parse(host).AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork)
        {
            throw CliException.BadInput($"target \"{text}\": labs are IPv4 only");
        }

        return (host, port, protocol);
    }

    // A pod's address comes from its node's agent; nodes and external hosts have theirs in the topology.
    private static async Task<string> AddressOfAsync(LabInstance lab, LabTarget target, CancellationToken cancellationToken)
    {
        if (target.Pod is not { } pod)
        {
            return (target.Node?.Address ?? target.External!.Address).ToString();
        }

        var node = lab.NodeOf(pod);
        using var agent = new AgentClient(node.Socket);
        IReadOnlyList<AgentEndpoint> endpoints;
        try
        {
            endpoints = await agent.EndpointsAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw CliException.Failed($"cannot resolve {pod.FullName}: agent {node.FullName} does not answer ({e.Message})");
        }

        return endpoints.FirstOrDefault(e => e.Namespace == pod.Namespace && e.Pod == pod.Name)?.Ip
            ?? throw CliException.Failed($"pod {pod.FullName} has no address yet (no endpoint on {node.FullName})");
    }
}
