// Shim for TorchSharp's libLibTorchSharp.so on systems whose libstdc++ predates GCC 13.
//
// GCC 13 moved iostream initialisation into libstdc++.so and made every object that includes
// <iostream> reference std::ios_base_library_init() (_ZSt21ios_base_library_initv@GLIBCXX_3.4.32)
// so it cannot be loaded against an older libstdc++. build/TorchSharpNativeFix.targets clears
// that symbol's version, marks the GLIBCXX_3.4.32 requirement weak and adds this library as
// DT_NEEDED, so the (unversioned) symbol resolves here instead.
//
// Older libstdc++ does not initialise std::cout & co. by itself: including <iostream> gives this
// library a static std::ios_base::Init object (pre-GCC 13 headers), which does it at load time.
#include <iostream>

namespace std
{
    // Exported as _ZSt21ios_base_library_initv (checked by the targets' verification step).
    __attribute__((visibility("default"))) void ios_base_library_init()
    {
        static ios_base::Init init;
    }
}
