using EVC.Stream.Cli.Commands;

namespace EVC.Stream.Cli;

/// <summary>Entry point of <c>evcstream</c>.</summary>
public static class Program
{
    /// <summary>Runs the command line; returns the process exit code.</summary>
    public static int Main(string[] args) =>
        // Spectre.Console.Cli reads a lone "-" as a nameless option; pass it on as a token no real argument can equal.
        Run(Array.ConvertAll(args, a => a == "-" ? StdioArgument : a));

    /// <summary>Checks the options, then runs the command tree (the tests call this too).</summary>
    internal static int Run(string[] args)
    {
        try
        {
            OptionChecker.Check(args);
        }
        catch (UsageException e)
        {
            return ErrorReporter.Report(e, null);
        }
        var app = new CommandApp();
        app.Configure(Configure);
        return app.Run(args);
    }

    /// <summary>The tool's version (from the assembly, set in Directory.Build.props).</summary>
    internal static string Version =>
        typeof(Program).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false) is [System.Reflection.AssemblyInformationalVersionAttribute { InformationalVersion: string v }, ..]
            ? v.Split('+')[0]
            : typeof(Program).Assembly.GetName().Version?.ToString() ?? "0";

    /// <summary>What a lone "-" (stdin or stdout) on the command line reaches commands as; "\0" never occurs in real arguments.</summary>
    internal const string StdioArgument = "\0-";

    /// <summary>
    /// Standard output as a stream that reports a closed pipe: .NET's console stream silently ignores EPIPE, so a
    /// reader that went away (<c>| head -c 3000</c>) would look like success.
    /// </summary>
    internal static System.IO.Stream OpenStandardOutput() =>
        new FileStream(new Microsoft.Win32.SafeHandles.SafeFileHandle(1, ownsHandle: false), FileAccess.Write, 1 << 16);

    /// <summary>True for "-" or <see cref="StdioArgument"/>: the argument names stdin or stdout.</summary>
    internal static bool IsStdio(string? argument) => argument is "-" or StdioArgument;

    /// <summary>The command tree, shared with the tests.</summary>
    internal static void Configure(IConfigurator config)
    {
        config.SetApplicationName("evcstream");
        config.SetApplicationVersion(Version);
        // Help and --version go to the console of this run (the tests give each run its own).
        config.ConfigureConsole(Spectre.Console.AnsiConsole.Console);
        // Unknown options and stray arguments are errors, never silently ignored.
        config.UseStrictParsing();
        config.SetExceptionHandler(ErrorReporter.Report);
        config.AddBranch("image", image =>
        {
            image.SetDescription("Encode and decode single images with an EVC model (official .bin, or deterministic with --deterministic).");
            image.AddCommand<ImageEncodeCommand>("encode").WithDescription("PNG → .bin")
                .WithExample("image", "encode", "in.png", "-o", "out.bin", "--arch", "EVC_SS", "--weights", "EVC_SS.pth.tar", "--rate-index", "1");
            image.AddCommand<ImageDecodeCommand>("decode").WithDescription(".bin → PNG")
                .WithExample("image", "decode", "out.bin", "-o", "out.png", "--arch", "EVC_SS", "--weights", "EVC_SS.pth.tar");
        });
        config.AddBranch("models", models =>
        {
            models.SetDescription("Import and inspect model weights.");
            models.AddCommand<ModelsImportCommand>("import").WithDescription("Official checkpoint → EVC.Stream safetensors.");
            models.AddCommand<ModelsInfoCommand>("info").WithDescription("Architecture, parameters, weights hash and rate anchors.");
        });
        config.AddBranch("bench", bench =>
        {
            bench.SetDescription("Measure speed and quality.");
            bench.AddCommand<DeterminismBenchCommand>("determinism")
                .WithDescription("Count scale-index differences and broken frames across batch sizes and thread counts in official and deterministic mode.")
                .WithExample("bench", "determinism");
            bench.AddCommand<ModesBenchCommand>("modes")
                .WithDescription("What deterministic mode costs: bpp and PSNR of both stream modes at every rate anchor.")
                .WithExample("bench", "modes", "--count", "4");
            bench.AddCommand<PipelineBenchCommand>("pipeline")
                .WithDescription("Pipeline throughput at 1080p with the networks stubbed (encode and decode side, target 60 fps), end to end with EVC_SS at a small size, RSS over long runs.")
                .WithExample("bench", "pipeline")
                .WithExample("bench", "pipeline", "--rss-frames", "1000");
            bench.AddCommand<RdBenchCommand>("rd")
                .WithDescription("RD curves, BD-rates and plots: EVC (both modes) against JPEG, WebP, JPEG XL, x264, x265 and AV1 intra through FFmpeg. Resumable.")
                .WithExample("bench", "rd", "--images", "../shared/datasets/kodak")
                .WithExample("bench", "rd", "--video", "clip.mp4", "--frames", "8", "--codecs", "evc,x265,jpeg");
            bench.AddCommand<SpeedBenchCommand>("speed")
                .WithDescription("Per-stage latency (encoder network, hyperprior and priors, entropy coding, decoder network) as a table, PNG and JSON.")
                .WithExample("bench", "speed", "--size", "1920x1080", "--arch", "EVC_SS", "--device-type", "cuda")
                .WithExample("bench", "speed", "--size", "256x256", "--frames", "10");
            bench.AddCommand<PrecisionBenchCommand>("precision")
                .WithDescription("Milliseconds per frame of the analysis and synthesis transforms in fp32 and bf16, NCHW and channels-last, side by side.")
                .WithExample("bench", "precision", "--sizes", "320x240,768x512");
            bench.AddCommand<TrainBenchCommand>("train")
                .WithDescription("Seconds per variable-rate RD training step (EVC_SS, batch 4, 128x128, 2 threads) against PyTorch 1.13's 0.33 s.")
                .WithExample("bench", "train");
            bench.AddCommand<ModelBenchCommand>("model")
                .WithDescription("CPU time per frame of compress and decompress against the official PyTorch figures.")
                .WithExample("bench", "model", "--arch", "EVC_SS", "--size", "768x512");
            bench.AddCommand<EntropyBenchCommand>("entropy")
                .WithDescription("rANS entropy coding speed on a realistic 1080p frame latent, against the official coder.")
                .WithExample("bench", "entropy")
                .WithExample("bench", "entropy", "--json");
            bench.AddCommand<NetworkBenchCommand>("network")
                .WithDescription("Glass-to-glass latency and lost frames of capture → srt/udp/tcp → decode over loopback, at 128x96 and 320x240.")
                .WithExample("bench", "network")
                .WithExample("bench", "network", "--transports", "srt", "--json");
            bench.AddCommand<ContainerBenchCommand>("container")
                .WithDescription(".evcs mux + demux throughput of 1080p-sized frames (60 KB), memory and file, against 5000 fps.")
                .WithExample("bench", "container")
                .WithExample("bench", "container", "--json");
        });
        config.AddCommand<CaptureCommand>("capture")
            .WithDescription("Capture a camera, the screen, a test source, a file or an image folder into an .evcs file, with a live dashboard.")
            .WithExample("capture", "--device", "0")
            .WithExample("capture", "--device", "test", "--frames", "100", "-o", "test.evcs")
            .WithExample("capture", "--input", "clip.mp4", "--bitrate", "2M", "-o", "clip.evcs");
        config.AddCommand<PlayCommand>("play")
            .WithDescription("Play an .evcs file in real time in a window (keys: space pause, ←/→ seek 5 s, f fullscreen, q/Esc quit; frames that cannot be ready in time are skipped before decoding). With -o it writes every frame at full speed, as decode does.")
            .WithExample("play", "out.evcs")
            .WithExample("play", "out.evcs", "--scale", "4", "--overlay");
        config.AddCommand<DecodeCommand>("decode")
            .WithDescription("Convert an .evcs file at full speed to .mp4/.mkv/.y4m, PNG frames (name_%05d.png) or raw rgb24 on stdout (-o -).")
            .WithExample("decode", "out.evcs", "-o", "out.y4m");
        config.AddCommand<TrainCommand>("train")
            .WithDescription("Variable-rate RD training of an EVC architecture on an image folder, with exact resume and validation by real coding.")
            .WithExample("train", "--arch", "EVC_SS", "--steps", "20000", "-o", "runs/ss")
            .WithExample("train", "-o", "runs/ss", "--resume");
        config.AddCommand<InfoCommand>("info")
            .WithDescription("Header, frame count, duration, bitrate, frame sizes and damage of an .evcs stream (- for stdin).")
            .WithExample("info", "recording.evcs")
            .WithExample("info", "recording.evcs", "--json");
        config.AddCommand<RemuxCommand>("remux")
            .WithDescription("Repair an .evcs stream: drop damaged packets, rebuild index and trailer (- for stdin/stdout); .evcs <-> MPEG-TS by the .ts extension.")
            .WithExample("remux", "damaged.evcs", "-o", "repaired.evcs")
            .WithExample("remux", "recording.evcs", "-o", "recording.ts");
    }
}
