#pragma once

#include "apierror.h"
#include "appconfig.h"
#include "chatmodel.h"
#include "sseparser.h"
#include "upstreamcall.h"

#include <QByteArray>
#include <QList>
#include <memory>

namespace patchbay {

enum class Dialect { OpenAi, Anthropic, Gemini };

// Reads a provider's stream event by event into the gateway's terms. Also used beside a
// passthrough relay, where only usage() matters.
class StreamReader
{
public:
    virtual ~StreamReader() = default;
    virtual QList<StreamEvent> read(const SseEvent &event) = 0;
    // The latest usage figures the stream reported so far.
    virtual TokenUsage usage() const = 0;
};

// Writes the gateway's stream events in a client's dialect, as SSE bytes.
class StreamWriter
{
public:
    virtual ~StreamWriter() = default;
    virtual QByteArray write(const StreamEvent &event) = 0;
    // After the last event: whatever the dialect ends a stream with (OpenAI's [DONE]).
    virtual QByteArray finish() = 0;
};

// How a client dialect's requests are read and its answers written.
class ClientCodec
{
public:
    virtual ~ClientCodec() = default;
    virtual Dialect dialect() const = 0;
    // False with a 400 in *error naming the field that is wrong or cannot be carried.
    virtual bool readRequest(const QJsonObject &body, ChatRequest *out, ApiError *error) const = 0;
    virtual QByteArray writeResponse(const ChatResponse &response) const = 0;
    virtual std::unique_ptr<StreamWriter> streamWriter(const ChatRequest &request) const = 0;
    virtual QByteArray writeError(const ApiError &error) const = 0;
};

// How a provider dialect's requests are made and its answers read.
class ProviderCodec
{
public:
    virtual ~ProviderCodec() = default;
    virtual Dialect dialect() const = 0;
    // The chat call for this provider: URL, auth headers (never the key in the URL), body.
    // False with a 400 in *error when the request uses something this dialect cannot express.
    virtual bool buildRequest(const ProviderConfig &provider, const QString &apiKey, const QString &upstreamModel,
                              const ChatRequest &request, UpstreamRequest *out, ApiError *error) const = 0;
    // Where the chat call goes and how it is authorised, for a body passed through untouched.
    virtual UpstreamRequest passthroughRequest(const ProviderConfig &provider, const QString &apiKey,
                                               const QString &upstreamModel, bool stream, const QByteArray &body) const = 0;
    // For a passthrough: the client's headers that must reach the provider with the body it
    // wrote (Anthropic's beta switches). None by default.
    virtual void forwardClientHeaders(const HttpHeaders &clientHeaders, UpstreamRequest *out) const
    {
        Q_UNUSED(clientHeaders);
        Q_UNUSED(out);
    }
    virtual bool readResponse(const QByteArray &body, ChatResponse *out, QString *error) const = 0;
    virtual std::unique_ptr<StreamReader> streamReader() const = 0;
    // The provider's own message from an error body, or "" when it has none.
    virtual QString errorMessage(const QByteArray &body) const = 0;
    // Usage from any answer of this dialect that carries a top-level usage report (embeddings,
    // token counts); nothing known by default.
    virtual TokenUsage usageOf(const QByteArray &body) const
    {
        Q_UNUSED(body);
        return {};
    }
};

} // namespace patchbay
