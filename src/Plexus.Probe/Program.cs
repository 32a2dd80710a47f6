using Plexus.Probe;

return await ProbeCommand.RunAsync(args, Console.Out, Console.Error, CancellationToken.None).ConfigureAwait(false);
