namespace EVC.Stream.Evaluation;

/// <summary>What an RD run wrote: the summary, the title of its tables and the label of every codec.</summary>
public sealed record RdRunReport(string Title, RdSummary Summary, IReadOnlyDictionary<string, string> Labels, string MarkdownPath)
{
    /// <summary>The label of <paramref name="codec"/>, or its name.</summary>
    public string Label(string codec) => Labels.TryGetValue(codec, out string? label) ? label : codec;
}
