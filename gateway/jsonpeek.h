#pragma once

#include <QByteArrayView>

namespace patchbay {

// Reads one top-level member of a JSON object straight from its bytes, without building a
// document: the hot path needs a request's "model" or a response's "usage", and parsing a
// whole body into QJsonDocument for that costs more than relaying it.
struct JsonPeek
{
    enum class Result {
        Found,  // value holds the member's raw JSON text
        Absent, // a well-formed object without that member
        Unsure  // not an object, malformed, or written in a way this reader does not settle
                // (escaped keys, a duplicate key): parse the whole document instead
    };

    static Result member(QByteArrayView json, QByteArrayView key, QByteArrayView *value);
};

} // namespace patchbay
