using System.CommandLine;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using Plexus.Cli.Infrastructure;
using Plexus.Cli.Output;

namespace Plexus.Cli.Commands;

/// <summary><c>plexus version [-o json]</c>.</summary>
public static class VersionCommand
{
    /// <summary>The CLI's version.</summary>
    public static string Version { get; } =
        typeof(VersionCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    /// <summary>Builds the command.</summary>
    public static Command Create(Func<CliContext> context)
    {
        var output = Options.Output();
        var command = new Command("version", "Print the Plexus version") { output };
        command.SetAction((parse, _) => CliRunner.RunAsync(context(), async c =>
        {
            var runtime = RuntimeInformation.FrameworkDescription;
            if (parse.GetValue(output) == OutputFormat.Table)
            {
                await c.Out.WriteLineAsync($"plexus {Version} ({runtime}, {RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant()})").ConfigureAwait(false);
            }
            else
            {
                var doc = new JsonObject { ["version"] = Version, ["runtime"] = runtime, ["arch"] = RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant() };
                await Documents.WriteAsync(c.Out, doc, parse.GetValue(output)).ConfigureAwait(false);
            }

            return ExitCodes.Ok;
        }));
        return command;
    }
}
