#pragma once

#include "requestcapture.h"

#include <QMetaType>
#include <QString>

#include <optional>

namespace patchbay {

// One call through the gateway, as the ledger stores it. A plain value: it crosses threads.
struct UsageRecord
{
    QString requestId;
    qint64 startedAtMs = 0; // ms since the Unix epoch, UTC
    QString client;         // the access token's name, or "" when tokens are off
    QString endpoint;       // e.g. "/v1/chat/completions"
    QString provider;       // provider id, "" when the call never reached one
    QString requestedModel; // as the client wrote it
    QString upstreamModel;  // as sent to the provider
    bool stream = false;
    int status = 0;         // HTTP status of the outcome; a stream that failed after its 200 went
                            // out keeps the failure's status (502, 504), 499 = client left
    QString error;          // what went wrong, "" on success
    qint64 inputTokens = -1;  // all prompt tokens, cached included; -1 when unknown
    qint64 outputTokens = -1; // all completion tokens, reasoning included
    qint64 cacheReadTokens = -1;
    qint64 cacheWriteTokens = -1;
    qint64 reasoningTokens = -1;
    QString usageSource;      // "provider" (its own report), "estimated" (from the text), "" (none)
    std::optional<double> costUsd; // unset: unknown (no price for this model), never 0 by default
    QString catalogVersion;   // the price catalog the cost was computed from
    qint64 latencyMs = 0;     // total time, until the last byte went to the client
    qint64 ttfbMs = -1;       // until the first byte of the provider's answer; -1 if none came
    qint64 ttftMs = -1;       // until the first token (content) reached the client; -1 if none
    int attempt = 1;          // 1 for the first try; retries and fallbacks count up
    QString retryOf;          // request id of the attempt this one retried or fell back from
    // Headers and bodies, when the gateway captured any. Not a column of the requests row:
    // the writer puts it in request_captures, in the same transaction.
    CaptureRef capture;

    bool operator==(const UsageRecord &) const = default;
};

} // namespace patchbay

Q_DECLARE_METATYPE(patchbay::UsageRecord)
