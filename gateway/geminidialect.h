#pragma once

#include "dialect.h"

#include <QJsonObject>
#include <QString>

namespace patchbay {

// Google's Gemini API (models/…:generateContent and :streamGenerateContent), as Patchbay speaks
// it to Google. Provider side only: no client speaks Gemini to Patchbay.
class GeminiDialect final : public ProviderCodec
{
public:
    Dialect dialect() const override { return Dialect::Gemini; }

    bool buildRequest(const ProviderConfig &provider, const QString &apiKey, const QString &upstreamModel,
                      const ChatRequest &request, UpstreamRequest *out, ApiError *error) const override;
    UpstreamRequest passthroughRequest(const ProviderConfig &provider, const QString &apiKey,
                                       const QString &upstreamModel, bool stream, const QByteArray &body) const override;
    bool readResponse(const QByteArray &body, ChatResponse *out, QString *error) const override;
    std::unique_ptr<StreamReader> streamReader() const override;
    QString errorMessage(const QByteArray &body) const override;

    // The thinking budget Patchbay asks Gemini for in place of an OpenAI reasoning_effort, or
    // -1 for an effort it does not know. The figures are the ones Google's own OpenAI
    // compatibility layer uses.
    static qint64 thinkingBudgetForEffort(const QString &effort);
};

// Wire pieces shared by the codec and its stream reader.
namespace gemini {

// Sent as the thoughtSignature of a replayed function call that has none. Gemini 3 refuses a
// history whose function calls lack their signature; Google documents this value for calls that
// did not come from Gemini (or whose signature a client could not keep, as every OpenAI and
// Anthropic client must), and older models ignore it.
inline constexpr const char *kSkipSignature = "skip_thought_signature_validator";

// usageMetadata in the gateway's terms: thoughts count as output, as TokenUsage wants.
TokenUsage usageFrom(const QJsonObject &usageMetadata);
// A candidate's finishReason; a natural stop after function calls is a tool-use stop.
StopReason stopReasonFrom(const QString &finishReason, bool sawToolCall);
// A function call's id: Gemini's own when it gives one, else one made from the response id and
// the call's place in the answer, so that ids stay distinct across the turns of a conversation.
QString toolCallId(const QJsonObject &functionCall, const QString &responseId, int index);
// A sentence for an answer Gemini refused to give because of the prompt, or "" when it did not.
QString blockedPromptMessage(const QJsonObject &response);
// The error object of an error body: {"error":{…}} or, from the streaming endpoint, [{"error":{…}}].
QJsonObject errorObject(const QJsonValue &body);
// An OpenAI-style error type for Gemini's error status ("INVALID_ARGUMENT" …).
QString errorTypeFor(const QString &status);

} // namespace gemini

} // namespace patchbay
