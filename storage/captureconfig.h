#pragma once

#include <QJsonObject>
#include <QJsonValue>
#include <QString>

namespace patchbay {

// What the gateway keeps of each call beyond usage: config.json's gateway.capture.
// Headers are on by default (their secrets are always redacted); bodies are off, since a
// prompt or an answer may hold anything the user would not want on disk.
struct CaptureConfig
{
    static constexpr qint64 kDefaultMaxBodyBytes = 64 * 1024;
    // A bigger cap would let a few large calls fill the disk; the Requests page shows text.
    static constexpr qint64 kMaxBodyBytesLimit = 16 * 1024 * 1024;

    bool headers = true;
    bool bodies = false;
    qint64 maxBodyBytes = kDefaultMaxBodyBytes; // per body, request and response each

    bool any() const { return headers || bodies; }

    QJsonObject toJson() const;
    // Reads what toJson() writes; missing keys keep their defaults. False with a sentence
    // naming gateway.capture.<key> when a value has the wrong type or is out of range.
    static bool fromJson(const QJsonValue &value, CaptureConfig *out, QString *error);

    bool operator==(const CaptureConfig &) const = default;
};

} // namespace patchbay
