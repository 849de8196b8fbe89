using System.Net;
using System.Net.Sockets;

namespace EVC.Stream.Cli.Tests;

/// <summary>
/// A seeded UDP relay that drops and reorders datagrams at given rates (the kernel here has no netem): what arrives on
/// <see cref="Port"/> goes to <c>127.0.0.1:target</c>, minus the drops, with some neighbours swapped. The first
/// <c>protectedDatagrams</c> pass untouched: they carry the tables and the stream header a receiver must see
/// first (without them it starts at the header's next repeat, a second later, and the frames before are not lost but
/// never joined).
/// </summary>
internal sealed class LossyUdpRelay : IAsyncDisposable
{
    private readonly UdpClient _listener = new(new IPEndPoint(IPAddress.Loopback, 0));
    private readonly UdpClient _sender = new();
    private readonly IPEndPoint _target;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _relay;

    public LossyUdpRelay(int targetPort, double dropRate, double swapRate, int seed, int protectedDatagrams)
    {
        _target = new IPEndPoint(IPAddress.Loopback, targetPort);
        _relay = Task.Run(() => RelayAsync(new Random(seed), dropRate, swapRate, protectedDatagrams));
    }

    /// <summary>The port the sender sends to.</summary>
    public int Port => ((IPEndPoint)_listener.Client.LocalEndPoint!).Port;

    public int Forwarded { get; private set; }

    public int Dropped { get; private set; }

    public int Swapped { get; private set; }

    private async Task RelayAsync(Random random, double dropRate, double swapRate, int protectedDatagrams)
    {
        byte[]? held = null;  // a datagram waiting to go out after its successor
        int seen = 0;
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                UdpReceiveResult datagram = await _listener.ReceiveAsync(_stop.Token);
                double draw = seen++ < protectedDatagrams ? 1 : random.NextDouble();
                if (draw < dropRate)
                {
                    Dropped++;
                    continue;
                }
                if (held is null && draw < dropRate + swapRate)
                {
                    held = datagram.Buffer;
                    continue;
                }
                await SendAsync(datagram.Buffer);
                if (held is not null)
                {
                    await SendAsync(held);
                    held = null;
                    Swapped += 2;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        if (held is not null)
            await SendAsync(held);
    }

    private async Task SendAsync(byte[] datagram)
    {
        await _sender.SendAsync(datagram, _target);
        Forwarded++;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _relay;
        _listener.Dispose();
        _sender.Dispose();
        _stop.Dispose();
    }
}
