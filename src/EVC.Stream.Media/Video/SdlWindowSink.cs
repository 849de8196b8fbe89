using System.Threading.Channels;

namespace EVC.Stream.Media.Video;

/// <summary>
/// A player window of its own through SDL2 (not FFmpeg's SDL output, which only knows q/Esc and reads keys only when
/// a frame arrives): resizable, scaled with the aspect kept, keys space/p pause, ←/→ seek, f fullscreen, q/Esc quit,
/// reported as <see cref="Commands"/> for the player to act on. All SDL calls run on one thread of the sink's own,
/// which keeps polling keys and redrawing while no frame comes (paused).
/// </summary>
public sealed class SdlWindowSink : IFrameSink, IPlayerControls
{
    /// <summary>How often the window thread looks for keys when no frame arrives.</summary>
    private static readonly TimeSpan s_poll = TimeSpan.FromMilliseconds(10);

    // One frame in hand at most: the player decides when a frame is due, the window shows it at once.
    private readonly Channel<RawFrame> _frames = Channel.CreateBounded<RawFrame>(new BoundedChannelOptions(1) { SingleReader = true, SingleWriter = true });
    private readonly Channel<PlayerCommand> _commands = Channel.CreateBounded<PlayerCommand>(new BoundedChannelOptions(16) { FullMode = BoundedChannelFullMode.DropWrite, SingleWriter = true });
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();
    private readonly int _width, _height, _windowWidth, _windowHeight;
    private readonly string _title;
    private int _disposed;

    private SdlWindowSink(string title, int width, int height, double scale)
    {
        _title = title;
        _width = width;
        _height = height;
        _windowWidth = Math.Max(1, (int)Math.Round(width * scale));
        _windowHeight = Math.Max(1, (int)Math.Round(height * scale));
        var thread = new Thread(Run) { IsBackground = true, Name = "evcstream window" };
        thread.Start();
    }

    /// <inheritdoc />
    public ChannelReader<PlayerCommand> Commands => _commands.Reader;

    /// <summary>Opens a window of <paramref name="scale"/> times the picture size; fails if SDL2 or a display is missing.</summary>
    /// <exception cref="VideoIOException">SDL2 is not installed, or no window could be made.</exception>
    public static async Task<SdlWindowSink> OpenAsync(string title, int width, int height, double scale, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 1);
        if (!(scale > 0) || double.IsInfinity(scale))
            throw new ArgumentOutOfRangeException(nameof(scale), "the scale must be positive");
        var sink = new SdlWindowSink(title, width, height, scale);
        try
        {
            await sink._ready.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            return sink;
        }
        catch
        {
            await sink.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc />
    public async ValueTask WriteAsync(RawFrame frame, CancellationToken cancellationToken)
    {
        if (!await FrameQueue.TryQueueAsync(_frames.Writer, frame, cancellationToken).ConfigureAwait(false))
            throw new VideoIOException("the window is closed");
    }

    /// <inheritdoc />
    public async ValueTask CompleteAsync(CancellationToken cancellationToken)
    {
        // Let the last frame reach the screen before the window goes.
        _frames.Writer.TryComplete();
        await _ended.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        _frames.Writer.TryComplete();
        await _stop.CancelAsync().ConfigureAwait(false);
        await _ended.Task.ConfigureAwait(false);
        while (_frames.Reader.TryRead(out RawFrame? left))
            left.Dispose();
        _stop.Dispose();
    }

    private void Run()
    {
        IntPtr window = IntPtr.Zero, renderer = IntPtr.Zero, texture = IntPtr.Zero;
        bool initialised = false;
        try
        {
            try
            {
                if (SdlNative.Init(SdlNative.InitVideo) != 0)
                    throw new VideoIOException($"SDL could not open the display: {SdlNative.LastError()}");
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                throw new VideoIOException("SDL2 (libSDL2-2.0.so.0) is not installed", e);
            }
            initialised = true;
            SdlNative.SetHint("SDL_RENDER_SCALE_QUALITY", "linear");
            window = SdlNative.CreateWindow(_title, SdlNative.WindowPosCentered, SdlNative.WindowPosCentered, _windowWidth, _windowHeight,
                SdlNative.WindowShown | SdlNative.WindowResizable);
            if (window == IntPtr.Zero)
                throw new VideoIOException($"SDL could not make a window: {SdlNative.LastError()}");
            renderer = SdlNative.CreateRenderer(window, -1, 0);
            if (renderer == IntPtr.Zero)
                throw new VideoIOException($"SDL could not make a renderer: {SdlNative.LastError()}");
            if (SdlNative.RenderSetLogicalSize(renderer, _width, _height) != 0)  // any window size: scaled, aspect kept
                throw new VideoIOException($"SDL could not scale the picture: {SdlNative.LastError()}");
            texture = SdlNative.CreateTexture(renderer, SdlNative.PixelFormatRgb24, SdlNative.TextureAccessStreaming, _width, _height);
            if (texture == IntPtr.Zero)
                throw new VideoIOException($"SDL could not make a texture: {SdlNative.LastError()}");
            Draw(renderer, texture);
            _ready.TrySetResult();
            Loop(window, renderer, texture);
        }
        catch (Exception e)
        {
            if (!_ready.TrySetException(e))
                _frames.Writer.TryComplete(e);
        }
        finally
        {
            _frames.Writer.TryComplete();
            _commands.Writer.TryComplete();
            if (texture != IntPtr.Zero)
                SdlNative.DestroyTexture(texture);
            if (renderer != IntPtr.Zero)
                SdlNative.DestroyRenderer(renderer);
            if (window != IntPtr.Zero)
                SdlNative.DestroyWindow(window);
            if (initialised)
                SdlNative.QuitSubSystem(SdlNative.InitVideo);
            _ended.TrySetResult();
        }
    }

    private void Loop(IntPtr window, IntPtr renderer, IntPtr texture)
    {
        while (!_stop.IsCancellationRequested)
        {
            if (PollEvents(window))
                Draw(renderer, texture);  // uncovered or resized: show the last frame again
            if (_frames.Reader.TryRead(out RawFrame? frame))
            {
                using (frame)
                    Upload(texture, frame);
                Draw(renderer, texture);
                continue;
            }
            if (_frames.Reader.Completion.IsCompleted)
                return;
            try
            {
                // Blocking is fine: this thread is the window's own.
                _frames.Reader.WaitToReadAsync(_stop.Token).AsTask().Wait(s_poll);
            }
            catch (AggregateException e) when (e.InnerException is OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Turns pending SDL events into commands; true when the window needs redrawing.</summary>
    private unsafe bool PollEvents(IntPtr window)
    {
        byte* sdlEvent = stackalloc byte[SdlNative.EventSize];
        bool redraw = false;
        while (SdlNative.PollEvent(sdlEvent) != 0)
        {
            uint type = *(uint*)sdlEvent;
            if (type == SdlNative.EventQuit)
                _commands.Writer.TryWrite(PlayerCommand.Quit);
            else if (type == SdlNative.EventWindow)
                redraw = true;
            else if (type == SdlNative.EventKeyDown)
            {
                int key = *(int*)(sdlEvent + SdlNative.KeySymOffset);
                switch (key)
                {
                    case SdlNative.KeyQ or SdlNative.KeyEscape:
                        _commands.Writer.TryWrite(PlayerCommand.Quit);
                        break;
                    case SdlNative.KeySpace or SdlNative.KeyP:
                        _commands.Writer.TryWrite(PlayerCommand.TogglePause);
                        break;
                    case SdlNative.KeyLeft:
                        _commands.Writer.TryWrite(PlayerCommand.SeekBackward);
                        break;
                    case SdlNative.KeyRight:
                        _commands.Writer.TryWrite(PlayerCommand.SeekForward);
                        break;
                    case SdlNative.KeyF:
                        bool fullscreen = (SdlNative.GetWindowFlags(window) & SdlNative.WindowFullscreenDesktop) == SdlNative.WindowFullscreenDesktop;
                        _ = SdlNative.SetWindowFullscreen(window, fullscreen ? 0 : SdlNative.WindowFullscreenDesktop);  // refused: stays as it is
                        redraw = true;
                        break;
                }
            }
        }
        return redraw;
    }

    private unsafe void Upload(IntPtr texture, RawFrame frame)
    {
        fixed (byte* pixels = frame.Rgb)
        {
            if (SdlNative.UpdateTexture(texture, IntPtr.Zero, pixels, 3 * _width) != 0)
                throw new VideoIOException($"SDL could not take a frame: {SdlNative.LastError()}");
        }
    }

    private static void Draw(IntPtr renderer, IntPtr texture)
    {
        // A failed draw leaves the previous picture up; the next frame tries again.
        _ = SdlNative.RenderClear(renderer);
        _ = SdlNative.RenderCopy(renderer, texture, IntPtr.Zero, IntPtr.Zero);
        SdlNative.RenderPresent(renderer);
    }
}
