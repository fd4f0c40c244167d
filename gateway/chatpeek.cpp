#include "chatpeek.h"

#include "jsonpeek.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace patchbay {

namespace {

// true, false, or absent/null (false); anything else is for the full parser to refuse.
bool readFlag(QByteArrayView body, QByteArrayView key, bool *flag)
{
    QByteArrayView value;
    switch (JsonPeek::member(body, key, &value)) {
    case JsonPeek::Result::Absent:
        *flag = false;
        return true;
    case JsonPeek::Result::Found:
        if (value == "true" || value == "false" || value == "null") {
            *flag = value == "true";
            return true;
        }
        return false;
    case JsonPeek::Result::Unsure:
        return false;
    }
    return false;
}

} // namespace

bool ChatPeek::read(Dialect client, QByteArrayView body, ChatPeek *out)
{
    if (client != Dialect::OpenAi && client != Dialect::Anthropic)
        return false;
    QByteArrayView model;
    if (JsonPeek::member(body, "model", &model) != JsonPeek::Result::Found || model.size() < 2 || !model.startsWith('"')
        || !model.endsWith('"') || model.contains('\\'))
        return false;
    ChatPeek peek;
    peek.model = QString::fromUtf8(model.sliced(1, model.size() - 2));
    if (!readFlag(body, "stream", &peek.stream))
        return false;
    if (client == Dialect::Anthropic) {
        peek.clientWantsStreamUsage = peek.stream; // Anthropic streams always carry usage
    } else {
        QByteArrayView options;
        switch (JsonPeek::member(body, "stream_options", &options)) {
        case JsonPeek::Result::Absent:
            break;
        case JsonPeek::Result::Found: {
            if (options == "null")
                break;
            const QJsonDocument doc = QJsonDocument::fromJson(options.toByteArray());
            if (!doc.isObject())
                return false;
            peek.clientWantsStreamUsage = doc.object().value(QLatin1String("include_usage")).toBool(false);
            break;
        }
        case JsonPeek::Result::Unsure:
            return false;
        }
    }
    *out = std::move(peek);
    return true;
}

} // namespace patchbay
