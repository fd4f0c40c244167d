#pragma once

#include "dialect.h"

#include <QByteArrayView>
#include <QString>

namespace patchbay {

// What the gateway must know of a chat request to route it, read from the body's bytes:
// for a passthrough (client and provider speak one dialect) that is all it needs, and parsing
// the whole body cost more than the rest of the call.
struct ChatPeek
{
    QString model;
    bool stream = false;
    bool clientWantsStreamUsage = false;

    // False when the body must be parsed whole: anything unusual (escapes in the model's
    // name, a stream that is not true or false, a malformed top level) goes the long way,
    // where it gets the full parser's checks and error messages.
    static bool read(Dialect client, QByteArrayView body, ChatPeek *out);
};

} // namespace patchbay
