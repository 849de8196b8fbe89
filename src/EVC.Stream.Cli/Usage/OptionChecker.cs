using System.Reflection;

namespace EVC.Stream.Cli.Usage;

/// <summary>
/// Checks a command line against the options its command declares before anything runs: an unknown option is an
/// error naming it and suggesting the nearest valid one (Spectre.Console.Cli's strict parsing names it but suggests
/// nothing).
/// </summary>
internal static class OptionChecker
{
    /// <summary>One option of a command: its spellings and whether a value follows it.</summary>
    internal sealed record OptionSpec(IReadOnlyList<string> Names, bool TakesValue, Type ValueType);

    /// <summary>Throws <see cref="UsageException"/> for the first unknown option of <paramref name="args"/>.</summary>
    public static void Check(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        (string? command, int start) = FindCommand(args);
        if (command is null)
            return;  // no command (help, --version) or an unknown one: Spectre answers those
        Type settings = CommandCatalog.SettingsByCommand[command];
        IReadOnlyList<OptionSpec> options = Options(settings);
        int arguments = settings.GetProperties().Count(p => p.GetCustomAttribute<CommandArgumentAttribute>() is not null);
        int positional = 0;
        for (int i = start; i < args.Count; i++)
        {
            string token = args[i];
            if (token == "--")
                return;  // everything after is positional
            if (token.Length < 2 || token[0] != '-' || token == Program.StdioArgument || IsNumber(token))
            {
                if (++positional > arguments)
                    throw new UsageException(arguments == 0
                        ? $"unexpected argument '{token}': '{command}' takes options only (see evcstream {command} --help)"
                        : $"unexpected argument '{token}': '{command}' takes {arguments} argument(s) (see evcstream {command} --help)");
                continue;
            }
            string name = token.Split('=', 2)[0];
            if (name is "-h" or "--help" or "-?")
                return;
            OptionSpec? spec = options.FirstOrDefault(o => o.Names.Contains(name, StringComparer.Ordinal));
            if (spec is null)
                throw new UsageException(UnknownMessage(command, name, options));
            if (!spec.TakesValue)
                continue;
            int equals = token.IndexOf('=', StringComparison.Ordinal);
            string? value = equals >= 0 ? token[(equals + 1)..] : i + 1 < args.Count ? args[++i] : null;  // its value, whatever it looks like
            if (value is not null)
                CheckValue(name, value, spec.ValueType);
        }
    }

    /// <summary>The command path of <paramref name="args"/> ("capture", "image encode") and the index after it.</summary>
    internal static (string? Command, int Next) FindCommand(IReadOnlyList<string> args)
    {
        if (args.Count == 0)
            return (null, 0);
        if (CommandCatalog.Branches.Contains(args[0]))
        {
            if (args.Count < 2)
                return (null, 0);
            string path = args[0] + " " + args[1];
            return CommandCatalog.SettingsByCommand.ContainsKey(path) ? (path, 2) : (null, 0);
        }
        return CommandCatalog.SettingsByCommand.ContainsKey(args[0]) ? (args[0], 1) : (null, 0);
    }

    /// <summary>The options declared on <paramref name="settingsType"/> and its base types.</summary>
    internal static IReadOnlyList<OptionSpec> Options(Type settingsType)
    {
        var options = new List<OptionSpec>();
        foreach (PropertyInfo property in settingsType.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetCustomAttribute<CommandOptionAttribute>() is not { } option)
                continue;
            var names = new List<string>();
            names.AddRange(option.LongNames.Select(n => "--" + n));
            names.AddRange(option.ShortNames.Select(n => "-" + n));
            bool isFlag = property.PropertyType == typeof(bool) || property.PropertyType == typeof(bool?);
            options.Add(new OptionSpec(names, !isFlag, Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType));
        }
        return options;
    }

    private static string UnknownMessage(string command, string name, IReadOnlyList<OptionSpec> options)
    {
        string? nearest = Nearest(name, options.SelectMany(o => o.Names).Where(n => n.StartsWith("--", StringComparison.Ordinal)));
        return nearest is null
            ? $"unknown option {name} for '{command}' (see evcstream {command} --help)"
            : $"unknown option {name} for '{command}'; did you mean {nearest}? (see evcstream {command} --help)";
    }

    /// <summary>The candidate closest to <paramref name="name"/> by edit distance, if close enough to be a typo.</summary>
    internal static string? Nearest(string name, IEnumerable<string> candidates)
    {
        string bare = name.TrimStart('-');
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (string candidate in candidates)
        {
            string other = candidate.TrimStart('-');
            int distance = other.StartsWith(bare, StringComparison.Ordinal) && bare.Length >= 3 ? 1 : EditDistance(bare, other);
            if (distance < bestDistance)
                (best, bestDistance) = (candidate, distance);
        }
        return bestDistance <= Math.Max(2, bare.Length / 3) ? best : null;
    }

    /// <summary>Levenshtein distance with adjacent transpositions (a typo's "sise" → "size" is one).</summary>
    internal static int EditDistance(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (int i = 0; i <= a.Length; i++)
            d[i, 0] = i;
        for (int j = 0; j <= b.Length; j++)
            d[0, j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            for (int j = 1; j <= b.Length; j++)
            {
                int cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
            }
        }
        return d[a.Length, b.Length];
    }

    /// <summary>Numbers are parsed here so the message names the option (Spectre's says "Failed to convert 'ten' to Nullable`1") and NaN/Infinity never pass.</summary>
    private static void CheckValue(string option, string value, Type type)
    {
        const NumberStyles Integer = NumberStyles.AllowLeadingSign;
        if (type == typeof(int) && !int.TryParse(value, Integer, CultureInfo.InvariantCulture, out _)
            || type == typeof(long) && !long.TryParse(value, Integer, CultureInfo.InvariantCulture, out _))
            throw new UsageException($"{option} {value}: expected a whole number");
        if (type == typeof(double) && !(double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double number) && double.IsFinite(number)))
            throw new UsageException($"{option} {value}: expected a finite number");
    }

    private static bool IsNumber(string token) =>
        double.TryParse(token, NumberStyles.Float, CultureInfo.InvariantCulture, out _);
}
