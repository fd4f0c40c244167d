#pragma once

#include "dialect.h"

namespace patchbay {

// OpenAI's chat completions, both sides: what OpenAI SDKs send to Patchbay, and what OpenAI
// and every OpenAI-compatible service (Groq, Mistral, DeepSeek, Ollama …) take.
class OpenAiDialect final : public ClientCodec, public ProviderCodec
{
public:
    Dialect dialect() const override { return Dialect::OpenAi; }

    bool readRequest(const QJsonObject &body, ChatRequest *out, ApiError *error) const override;
    QByteArray writeResponse(const ChatResponse &response) const override;
    std::unique_ptr<StreamWriter> streamWriter(const ChatRequest &request) const override;
    QByteArray writeError(const ApiError &error) const override;

    bool buildRequest(const ProviderConfig &provider, const QString &apiKey, const QString &upstreamModel,
                      const ChatRequest &request, UpstreamRequest *out, ApiError *error) const override;
    UpstreamRequest passthroughRequest(const ProviderConfig &provider, const QString &apiKey,
                                       const QString &upstreamModel, bool stream, const QByteArray &body) const override;
    bool readResponse(const QByteArray &body, ChatResponse *out, QString *error) const override;
    std::unique_ptr<StreamReader> streamReader() const override;
    QString errorMessage(const QByteArray &body) const override;
    TokenUsage usageOf(const QByteArray &body) const override;

    static QString finishReason(StopReason reason);
    // Models that take reasoning_effort; others refuse it.
    static bool isReasoningModel(const QString &model);
    static StopReason stopReason(const QString &finishReason);
    static QJsonObject usageJson(const TokenUsage &usage);
};

} // namespace patchbay
