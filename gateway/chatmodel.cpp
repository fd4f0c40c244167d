#include "chatmodel.h"

namespace patchbay {

QString ChatMessage::text() const
{
    QString out;
    for (const ContentPart &p : parts) {
        if (p.kind == ContentPart::Kind::Text)
            out += p.text;
    }
    return out;
}

} // namespace patchbay
