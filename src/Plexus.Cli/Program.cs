using Plexus.Cli;
using Plexus.Cli.Infrastructure;

var context = new CliContext { Out = Console.Out, Error = Console.Error, In = Console.In };
return await CliApp.RunAsync(args, context).ConfigureAwait(false);
