using EVC.Stream.Cli.Commands;
using Spectre.Console.Cli;

namespace EVC.Stream.Cli;

/// <summary>Entry point of <c>evcstream</c>.</summary>
public static class Program
{
    /// <summary>Runs the command line; returns the process exit code.</summary>
    public static int Main(string[] args)
    {
        var app = new CommandApp();
        app.Configure(Configure);
        return app.Run(args);
    }

    /// <summary>The command tree, shared with the tests.</summary>
    internal static void Configure(IConfigurator config)
    {
        config.SetApplicationName("evcstream");
        config.SetExceptionHandler(ErrorReporter.Report);
        config.AddBranch("bench", bench =>
        {
            bench.SetDescription("Measure speed and quality.");
            bench.AddCommand<EntropyBenchCommand>("entropy")
                .WithDescription("rANS entropy coding speed on a realistic 1080p frame latent, against the official coder.")
                .WithExample("bench", "entropy")
                .WithExample("bench", "entropy", "--json");
        });
    }
}
