using System.Runtime.InteropServices;

namespace EVC.Stream.Media.Video;

/// <summary>
/// The few SDL2 calls a player window needs (the library FFmpeg's SDL output and ffplay use; no package).
/// Constants are SDL 2.0's ABI values.
/// </summary>
internal static partial class SdlNative
{
    private const string Library = "SDL2-2.0.so.0";

    public const uint InitVideo = 0x20;
    public const int WindowPosCentered = 0x2FFF0000;
    public const uint WindowShown = 0x4, WindowResizable = 0x20, WindowFullscreenDesktop = 0x1001;
    public const uint PixelFormatRgb24 = 0x17101803;
    public const int TextureAccessStreaming = 1;

    public const uint EventQuit = 0x100, EventWindow = 0x200, EventKeyDown = 0x300;
    public const byte WindowEventExposed = 3;
    public const int KeyEscape = 27, KeySpace = 32, KeyF = 'f', KeyP = 'p', KeyQ = 'q', KeyRight = 0x4000004F, KeyLeft = 0x40000050;

    /// <summary>SDL_Event is a 56-byte union; the type is at 0, a key's keysym.sym at 20, a window event's kind at 12.</summary>
    public const int EventSize = 56, KeySymOffset = 20, WindowEventOffset = 12;

    static SdlNative() => NativeLibrary.SetDllImportResolver(typeof(SdlNative).Assembly, Resolve);

    /// <summary>Other platforms name the library differently.</summary>
    private static IntPtr Resolve(string name, System.Reflection.Assembly assembly, DllImportSearchPath? path)
    {
        if (name != Library)
            return IntPtr.Zero;
        foreach (string candidate in new[] { Library, "libSDL2-2.0.so.0", "libSDL2.so", "SDL2.dll", "libSDL2-2.0.0.dylib" })
        {
            if (NativeLibrary.TryLoad(candidate, assembly, path, out IntPtr handle))
                return handle;
        }
        return IntPtr.Zero;
    }

    [LibraryImport(Library, EntryPoint = "SDL_Init")]
    public static partial int Init(uint flags);

    [LibraryImport(Library, EntryPoint = "SDL_QuitSubSystem")]
    public static partial void QuitSubSystem(uint flags);

    [LibraryImport(Library, EntryPoint = "SDL_GetError")]
    public static partial IntPtr GetError();

    [LibraryImport(Library, EntryPoint = "SDL_SetHint", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int SetHint(string name, string value);

    [LibraryImport(Library, EntryPoint = "SDL_CreateWindow", StringMarshalling = StringMarshalling.Utf8)]
    public static partial IntPtr CreateWindow(string title, int x, int y, int width, int height, uint flags);

    [LibraryImport(Library, EntryPoint = "SDL_DestroyWindow")]
    public static partial void DestroyWindow(IntPtr window);

    [LibraryImport(Library, EntryPoint = "SDL_SetWindowFullscreen")]
    public static partial int SetWindowFullscreen(IntPtr window, uint flags);

    [LibraryImport(Library, EntryPoint = "SDL_GetWindowFlags")]
    public static partial uint GetWindowFlags(IntPtr window);

    [LibraryImport(Library, EntryPoint = "SDL_CreateRenderer")]
    public static partial IntPtr CreateRenderer(IntPtr window, int index, uint flags);

    [LibraryImport(Library, EntryPoint = "SDL_DestroyRenderer")]
    public static partial void DestroyRenderer(IntPtr renderer);

    [LibraryImport(Library, EntryPoint = "SDL_RenderSetLogicalSize")]
    public static partial int RenderSetLogicalSize(IntPtr renderer, int width, int height);

    [LibraryImport(Library, EntryPoint = "SDL_CreateTexture")]
    public static partial IntPtr CreateTexture(IntPtr renderer, uint format, int access, int width, int height);

    [LibraryImport(Library, EntryPoint = "SDL_DestroyTexture")]
    public static partial void DestroyTexture(IntPtr texture);

    [LibraryImport(Library, EntryPoint = "SDL_UpdateTexture")]
    public static unsafe partial int UpdateTexture(IntPtr texture, IntPtr rect, byte* pixels, int pitch);

    [LibraryImport(Library, EntryPoint = "SDL_RenderClear")]
    public static partial int RenderClear(IntPtr renderer);

    [LibraryImport(Library, EntryPoint = "SDL_RenderCopy")]
    public static partial int RenderCopy(IntPtr renderer, IntPtr texture, IntPtr source, IntPtr destination);

    [LibraryImport(Library, EntryPoint = "SDL_RenderPresent")]
    public static partial void RenderPresent(IntPtr renderer);

    [LibraryImport(Library, EntryPoint = "SDL_PollEvent")]
    public static unsafe partial int PollEvent(byte* sdlEvent);

    /// <summary>SDL's last error message.</summary>
    public static string LastError() => Marshal.PtrToStringUTF8(GetError()) ?? "unknown SDL error";
}
