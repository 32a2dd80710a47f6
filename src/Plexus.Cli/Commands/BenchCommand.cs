using System.CommandLine;
using System.Net;
using Plexus.Cli.Bench;
using Plexus.Cli.Infrastructure;
using Plexus.Cli.Output;
using Plexus.Lab.Processes;
using Plexus.Model.Text;

namespace Plexus.Cli.Commands;

/// <summary>
/// <c>plexus bench [--scenario NAME] [--quick] [-o table|json|yaml]</c>: Plexus against a plain-kernel VXLAN baseline
/// built in the same run (DESIGN §5); results also go to <c>bench/results/</c>.
/// </summary>
public static class BenchCommand
{
    /// <summary>How long Ctrl-C or SIGTERM waits for the lab and the baseline to be torn down.</summary>
    public static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Builds the command and its hidden helper subcommands.</summary>
    public static Command Create(Func<CliContext> context)
    {
        var scenario = new Option<string[]>("--scenario", "-s")
        {
            Description = $"Scenario to run ({string.Join(", ", BenchScenario.Names)}); repeatable; default: all",
            AllowMultipleArgumentsPerToken = true,
        };
        scenario.AcceptOnlyFromAmong([.. BenchScenario.Names]);
        var quick = new Option<bool>("--quick") { Description = "3 repetitions of 3 s instead of 5 of 8 s" };
        var repetitions = new Option<int?>("--repetitions") { Description = $"Repetitions per figure and side (1-{MaxRepetitions}); overrides the mode's" };
        var duration = new Option<string?>("--duration") { Description = "Length of one repetition (e.g. 4s; 1-60 s); overrides the mode's" };
        var output = Options.Output();
        var command = new Command("bench", "Benchmark Plexus against a plain kernel VXLAN baseline built in the same run")
        {
            scenario, quick, repetitions, duration, output, ServerCommand(), ClientCommand(), PingPongServerCommand(), PingPongClientCommand(),
        };
        command.SetAction((parse, ct) => LabCommand.RunAsync(context(), c =>
            RunAsync(c, parse.GetValue(scenario) ?? [], Settings(parse.GetValue(quick), parse.GetValue(repetitions), parse.GetValue(duration)), parse.GetValue(output), ct)));
        return command;
    }

    private const int MaxRepetitions = 50;

    /// <summary>The mode's settings (<see cref="BenchSettings.Full"/> or <see cref="BenchSettings.Short"/>) with the overrides applied; bad values are bad input.</summary>
    public static BenchSettings Settings(bool quick, int? repetitions, string? duration)
    {
        var settings = quick ? BenchSettings.Short : BenchSettings.Full;
        if (repetitions is { } count)
        {
            settings = count is >= 1 and <= MaxRepetitions ? settings with { Repetitions = count }
                : throw CliException.BadInput($"--repetitions: {count} is outside 1-{MaxRepetitions}");
        }

        if (duration is not null)
        {
            var length = Duration("--duration", duration);
            settings = length >= TimeSpan.FromSeconds(1) && length <= TimeSpan.FromSeconds(60) && length.Ticks % TimeSpan.TicksPerSecond == 0
                ? settings with { Duration = length }
                : throw CliException.BadInput($"--duration: \"{duration}\" must be whole seconds from 1s to 60s");
        }

        return settings;
    }

    /// <summary>Runs the benchmark and reports it.</summary>
    public static async Task<int> RunAsync(CliContext context, IReadOnlyList<string> scenarios, BenchSettings settings, OutputFormat output, CancellationToken cancellationToken)
    {
        if (Environment.UserName != "root")
        {
            throw CliException.Failed("plexus bench builds network namespaces and needs root");
        }

        var selected = (scenarios.Count == 0 ? BenchScenario.Names : BenchScenario.Names.Where(scenarios.Contains)).Select(BenchScenario.Create).ToList();
        var progress = output == OutputFormat.Table ? context.Out : context.Error;
        BenchReport report;
        try
        {
            report = await new BenchRunner(line => progress.WriteLine(line)).RunAsync(selected, settings, cancellationToken).ConfigureAwait(false);
        }
        catch (BenchException e)
        {
            throw CliException.Failed(e.Message);
        }

        var directory = Path.Combine(Binaries.RepositoryRoot() ?? Environment.CurrentDirectory, "bench", "results");
        var saved = await report.SaveAsync(directory, cancellationToken).ConfigureAwait(false);
        if (output == OutputFormat.Table)
        {
            await context.Out.WriteLineAsync().ConfigureAwait(false);
            await context.Out.WriteAsync(report.ToTable()).ConfigureAwait(false);
            await context.Out.WriteLineAsync($"\nsaved {saved} and {Path.ChangeExtension(saved, ".md")}").ConfigureAwait(false);
        }
        else
        {
            await Documents.WriteAsync(context.Out, report.ToJson(), output).ConfigureAwait(false);
            await context.Error.WriteLineAsync($"saved {saved}").ConfigureAwait(false);
        }

        return ExitCodes.Ok;
    }

    // plexus bench connrate-server --port P [--workers N] [--lifetime 1800s]: the server side of the connrate scenario.
    private static Command ServerCommand()
    {
        var port = new Option<int>("--port") { Description = "TCP port", Required = true };
        var workers = new Option<int>("--workers") { Description = "Accepting threads", DefaultValueFactory = _ => 2 };
        var lifetime = new Option<string>("--lifetime") { Description = "Exit after this long", DefaultValueFactory = _ => "1800s" };
        var command = new Command("connrate-server", "Answer 1-byte TCP transactions (used by the connrate scenario)") { port, workers, lifetime };
        command.Hidden = true;
        command.SetAction(parse => ConnRate.Serve(parse.GetValue(port), Math.Max(1, parse.GetValue(workers)), Duration("--lifetime", parse.GetValue(lifetime)!)));
        return command;
    }

    // plexus bench connrate-client IP:PORT --duration 8s [--workers 4] [--max N]: the client side, prints one JSON line.
    private static Command ClientCommand()
    {
        var target = new Argument<string>("target") { Description = "IP:PORT of a connrate-server" };
        var duration = new Option<string>("--duration") { Description = "How long to open connections", DefaultValueFactory = _ => "5s" };
        var workers = new Option<int>("--workers") { Description = "Parallel connections", DefaultValueFactory = _ => 4 };
        var max = new Option<long>("--max") { Description = "Stop after this many connections", DefaultValueFactory = _ => 1_000_000 };
        var command = new Command("connrate-client", "Open 1-byte TCP transactions and print the rate (used by the connrate scenario)") { target, duration, workers, max };
        command.Hidden = true;
        command.SetAction(parse =>
        {
            var text = parse.GetValue(target)!;
            if (!IPEndPoint.TryParse(text, out var endpoint) || endpoint.Port == 0)
            {
                Console.Error.WriteLine($"Error: target: \"{text}\" is not IP:PORT");
                return ExitCodes.BadInput;
            }

            return ConnRate.Run(endpoint, Math.Max(1, parse.GetValue(workers)), Duration("--duration", parse.GetValue(duration)!), parse.GetValue(max), parse.InvocationConfiguration.Output);
        });
        return command;
    }

    // plexus bench pingpong-server --port P [--lifetime 1800s]: the echo server of the latency scenario.
    private static Command PingPongServerCommand()
    {
        var port = new Option<int>("--port") { Description = "TCP port", Required = true };
        var lifetime = new Option<string>("--lifetime") { Description = "Exit after this long", DefaultValueFactory = _ => "1800s" };
        var command = new Command("pingpong-server", "Echo TCP ping-pong messages (used by the latency scenario)") { port, lifetime };
        command.Hidden = true;
        command.SetAction(parse => PingPong.Serve(parse.GetValue(port), Duration("--lifetime", parse.GetValue(lifetime)!)));
        return command;
    }

    // plexus bench pingpong-client [NETNS=]IP:PORT... --samples N --sample-duration 1s --slice 20ms: one JSON line per sample.
    private static Command PingPongClientCommand()
    {
        var targets = new Argument<string[]>("targets") { Description = "[NETNS=]IP:PORT of pingpong-servers, measured in turn", Arity = ArgumentArity.OneOrMore };
        var samples = new Option<int>("--samples") { Description = "Samples to measure", DefaultValueFactory = _ => 10 };
        var sampleDuration = new Option<string>("--sample-duration") { Description = "Length of a sample, shared by the targets", DefaultValueFactory = _ => "1s" };
        var slice = new Option<string>("--slice") { Description = "How long one target is measured before the next", DefaultValueFactory = _ => "20ms" };
        var command = new Command("pingpong-client", "Time TCP ping-pong round trips to several servers in alternating slices (used by the latency scenario)") { targets, samples, sampleDuration, slice };
        command.Hidden = true;
        command.SetAction(parse =>
        {
            var parsed = new List<NetnsEndpoint>();
            foreach (var text in parse.GetValue(targets)!)
            {
                if (NetnsEndpoint.Parse(text) is not { } target)
                {
                    Console.Error.WriteLine($"Error: targets: \"{text}\" is not [NETNS=]IP:PORT");
                    return ExitCodes.BadInput;
                }

                parsed.Add(target);
            }

            if (parse.GetValue(samples) is < 1 or > 10_000)
            {
                Console.Error.WriteLine($"Error: --samples: {parse.GetValue(samples)} is not between 1 and 10000");
                return ExitCodes.BadInput;
            }

            var length = Duration("--sample-duration", parse.GetValue(sampleDuration)!);
            var turn = Duration("--slice", parse.GetValue(slice)!);
            if (length <= TimeSpan.Zero || length > TimeSpan.FromMinutes(1) || turn <= TimeSpan.Zero || turn > length)
            {
                Console.Error.WriteLine("Error: --sample-duration must be positive and at most 1m, --slice positive and at most the sample");
                return ExitCodes.BadInput;
            }

            return PingPong.Run(parsed, parse.GetValue(samples), length, turn, parse.InvocationConfiguration.Output);
        });
        return command;
    }

    private static TimeSpan Duration(string option, string text) =>
        Durations.TryParse(text, out var value) ? value : throw CliException.BadInput($"{option}: \"{text}\" is not a duration (e.g. 5s, 2m)");
}
