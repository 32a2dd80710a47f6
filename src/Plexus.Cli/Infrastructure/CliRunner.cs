using Plexus.Store;

namespace Plexus.Cli.Infrastructure;

/// <summary>Runs a command body and turns expected failures into a message and an exit code.</summary>
public static class CliRunner
{
    /// <summary>Runs <paramref name="body"/>; <see cref="CliException"/> and store outages become "Error: …" and exit 1 or 2.</summary>
    public static async Task<int> RunAsync(CliContext context, Func<CliContext, Task<int>> body)
    {
        try
        {
            return await body(context).ConfigureAwait(false);
        }
        catch (CliException e)
        {
            await context.Error.WriteLineAsync($"Error: {e.Message}").ConfigureAwait(false);
            return e.ExitCode;
        }
        catch (StoreUnavailableException e)
        {
            await context.Error.WriteLineAsync($"Error: store unavailable: {e.Message}").ConfigureAwait(false);
            return ExitCodes.Failed;
        }
    }
}
