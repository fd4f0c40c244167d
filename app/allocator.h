#pragma once

#include <QString>

namespace patchbay {

// Which malloc the program runs on. Both programs link mimalloc when the build found it: a
// proxied call allocates and frees a few hundred small blocks (Qt strings, byte arrays, QObjects,
// socket buffers), and glibc's malloc spent ~20% of the gateway thread's instructions on them,
// much of it consolidating free lists whenever a socket buffer of 4 KiB was taken (callgrind:
// 127k instructions a call with glibc, 102k with mimalloc). See docs/benchmarks.md.
class Allocator
{
public:
    // "mimalloc 2.0.9" or "glibc malloc"; naming it also keeps the link from being dropped by
    // linkers that only keep libraries whose symbols are used (--as-needed).
    static QString name();
};

} // namespace patchbay
