namespace EVC.Stream.Cli.Commands;

/// <summary><c>evcstream decode IN.evcs -o OUT</c>: conversion at full speed.</summary>
internal sealed class DecodeCommand : Command<PlaybackSettings>
{
    public override int Execute(CommandContext context, PlaybackSettings settings, CancellationToken cancellationToken)
    {
        if (settings.Output is null)
            throw new ArgumentException("decode needs -o out.mp4|out.mkv|out.y4m|frames_%05d.png (or - for raw frames)");
        return settings.RunAsync(pace: false, cancellationToken).GetAwaiter().GetResult();
    }
}
