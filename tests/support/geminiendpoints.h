#pragma once

#include "fakestep.h"
#include "receivedrequest.h"

#include <QString>
#include <QStringList>

#include <functional>

namespace patchbay::testing {

class FakeHttpConnection;

// The Gemini side of the fake provider, everything under /v1beta/: checks the key
// (x-goog-api-key, or ?key= which the real API also takes), validates the body as Google
// does, and answers models/{m}:generateContent and :streamGenerateContent (taking a step),
// :countTokens, and GET models and models/{m}.
class GeminiEndpoints
{
public:
    using StepSource = std::function<FakeStep()>;

    GeminiEndpoints(QString expectedKey, QStringList models, StepSource nextStep);

    static bool handles(const QByteArray &path); // /v1beta/…
    // Whether the request put a key in its URL (?key=…), which a gateway should never do.
    static bool hasKeyInUrl(const ReceivedRequest &request);
    void answer(FakeHttpConnection *connection, const ReceivedRequest &request, const QByteArray &path) const;

private:
    bool accepted(FakeHttpConnection *connection, const ReceivedRequest &request) const;
    void answerModel(FakeHttpConnection *connection, const QString &model, const QString &method,
                     const ReceivedRequest &request) const;

    QString m_expectedKey;
    QStringList m_models;
    StepSource m_nextStep;
};

} // namespace patchbay::testing
