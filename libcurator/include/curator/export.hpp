#pragma once
// CURATOR_API marks the symbols the shared library exports; everything else is
// hidden (-fvisibility=hidden), so the ABI is exactly what the headers promise.

#if defined(_WIN32)
#define CURATOR_API
#else
#define CURATOR_API __attribute__((visibility("default")))
#endif
