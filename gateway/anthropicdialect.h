#pragma once

#include "dialect.h"

#include <QJsonObject>
#include <QString>

namespace patchbay {

class JsonReader;

// Anthropic's Messages API (POST /v1/messages), both as clients speak it to Patchbay (Claude
// Code, the Anthropic SDKs) and as Patchbay speaks it to Anthropic or a compatible service.
class AnthropicDialect : public ClientCodec, public ProviderCodec
{
public:
    // The version of the Messages API this codec writes and reads.
    static constexpr const char *kApiVersion = "2023-06-01";

    Dialect dialect() const override { return Dialect::Anthropic; }

    // ClientCodec
    bool readRequest(const QJsonObject &body, ChatRequest *out, ApiError *error) const override;
    QByteArray writeResponse(const ChatResponse &response) const override;
    std::unique_ptr<StreamWriter> streamWriter(const ChatRequest &request) const override;
    QByteArray writeError(const ApiError &error) const override;

    // ProviderCodec
    bool buildRequest(const ProviderConfig &provider, const QString &apiKey, const QString &upstreamModel,
                      const ChatRequest &request, UpstreamRequest *out, ApiError *error) const override;
    UpstreamRequest passthroughRequest(const ProviderConfig &provider, const QString &apiKey,
                                       const QString &upstreamModel, bool stream, const QByteArray &body) const override;
    bool readResponse(const QByteArray &body, ChatResponse *out, QString *error) const override;
    std::unique_ptr<StreamReader> streamReader() const override;
    QString errorMessage(const QByteArray &body) const override;
    TokenUsage usageOf(const QByteArray &body) const override;

    // Anthropic clients choose API features with anthropic-beta (Claude Code always sends some,
    // and beta fields in the body are refused without them) and may pin anthropic-version. A body
    // passed through untouched needs both to mean upstream what it meant to the client.
    void forwardClientHeaders(const HttpHeaders &clientHeaders, UpstreamRequest *out) const override;

    // The max_tokens sent when the client gave none (Anthropic requires one).
    static qint64 defaultMaxTokens(const QString &upstreamModel);
    // The thinking budget an OpenAI reasoning_effort stands for; 0 for no extended thinking.
    static qint64 thinkingBudgetForEffort(const QString &effort);
};

// Wire pieces shared by the codec and its stream reader and writer.
namespace anthropic {

// Anthropic's usage object. Its input_tokens leaves out cache reads and writes, where
// TokenUsage::input counts every prompt token, so the two differ by the cache figures.
QJsonObject usageJson(const TokenUsage &usage);
// Reads the figures an Anthropic usage object has into *usage, keeping the rest. *raw keeps
// Anthropic's own three input figures: a stream may report them apart, and the total needs all.
struct RawInput
{
    qint64 uncached = -1;
    qint64 cacheRead = -1;
    qint64 cacheWrite = -1;
};
void readUsage(const QJsonObject &json, RawInput *raw, TokenUsage *usage);
// The same from the usage object at the reader's cursor, without building a document; false when
// the bytes do not settle it, and *raw and *usage are left as they were.
bool readUsage(JsonReader &reader, RawInput *raw, TokenUsage *usage);

QJsonValue stopReasonJson(StopReason reason);
StopReason stopReasonFrom(const QString &name);
// "msg_…" as Anthropic clients expect it, from whatever id the provider gave.
QString messageId(const QString &upstreamId);
// Anthropic's error type for an HTTP status.
QString errorTypeForStatus(int status);
// The error type to show an Anthropic client for a type another dialect reported.
QString errorTypeFrom(const QString &type);
QByteArray errorJson(const QString &type, const QString &message);

} // namespace anthropic

} // namespace patchbay
