#pragma once

#include "fakestep.h"
#include "receivedrequest.h"

#include <QString>
#include <QStringList>

#include <functional>

namespace patchbay::testing {

class FakeHttpConnection;

// The Anthropic side of the fake provider: checks x-api-key and anthropic-version,
// validates the body as the Messages API does, and answers POST /v1/messages (taking a
// step), POST /v1/messages/count_tokens and GET /v1/models in Anthropic's shapes.
class AnthropicEndpoints
{
public:
    using StepSource = std::function<FakeStep()>;

    AnthropicEndpoints(QString expectedKey, QStringList models, StepSource nextStep);

    // POST /v1/messages and /v1/messages/count_tokens always; GET /v1/models and
    // /v1/models/<id> only when the request carries x-api-key or anthropic-version, which
    // no OpenAI client sends.
    static bool handles(const ReceivedRequest &request, const QByteArray &path);
    void answer(FakeHttpConnection *connection, const ReceivedRequest &request, const QByteArray &path) const;

private:
    bool accepted(FakeHttpConnection *connection, const ReceivedRequest &request) const;
    void answerMessages(FakeHttpConnection *connection, const ReceivedRequest &request, bool countTokens) const;
    void answerModels(FakeHttpConnection *connection, const QByteArray &path) const;

    QString m_expectedKey;
    QStringList m_models;
    StepSource m_nextStep;
};

} // namespace patchbay::testing
