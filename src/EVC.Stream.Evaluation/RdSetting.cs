namespace EVC.Stream.Evaluation;

/// <summary>One point of a codec's sweep: its name in the results (<c>crf 28</c>, <c>r1</c>) and the value the codec is given.</summary>
public sealed record RdSetting(string Name, double Parameter);
