namespace EVC.Stream.Pipeline.Tests;

/// <summary>A clock that moves only when told: time is a <see cref="TimeSpan"/>, one tick per timestamp unit.</summary>
internal sealed class ManualClock : TimeProvider
{
    public TimeSpan Now { get; set; }

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp() => Now.Ticks;
}
