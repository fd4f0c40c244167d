#include "allocator.h"

#ifdef PATCHBAY_MIMALLOC
#include <mimalloc.h>
#endif

namespace patchbay {

QString Allocator::name()
{
#ifdef PATCHBAY_MIMALLOC
    const int v = mi_version(); // major * 100 + minor * 10 + patch, as mimalloc encodes it
    return QStringLiteral("mimalloc %1.%2.%3").arg(v / 100).arg(v / 10 % 10).arg(v % 10);
#else
    return QStringLiteral("glibc malloc");
#endif
}

} // namespace patchbay
