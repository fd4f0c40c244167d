#pragma once

#include "tokenusage.h"

#include <QJsonObject>
#include <QList>
#include <QString>

#include <optional>

namespace patchbay {

// The gateway's own form of a chat call, between the wire dialects (OpenAI chat completions,
// Anthropic Messages, Gemini generateContent). A dialect reads its wire format into these and
// writes them back out; what a dialect cannot express is refused with the field's name, never
// dropped.

struct ContentPart
{
    enum class Kind { Text, Image, ToolCall, ToolResult, Thinking };
    Kind kind = Kind::Text;

    QString text;      // Text, Thinking; ToolResult's text
    QString signature; // Thinking: Anthropic's signature, carried so a round trip stays valid

    // Image: either inline data or a URL.
    QString mediaType; // e.g. image/png
    QString data;      // base64
    QString url;

    // ToolCall: id, name, argumentsJson (a JSON object as text). ToolResult: id (the call it
    // answers), name when the dialect gives it (Gemini needs it), text, isError.
    QString toolCallId;
    QString toolName;
    QString argumentsJson;
    bool isError = false;

    static ContentPart makeText(const QString &text)
    {
        ContentPart p;
        p.text = text;
        return p;
    }
};

struct ChatMessage
{
    enum class Role { User, Assistant, Tool };
    Role role = Role::User;
    QList<ContentPart> parts;

    QString text() const; // the text parts joined
};

struct ToolDefinition
{
    QString name;
    QString description;
    QJsonObject parameters; // JSON Schema
};

struct ToolChoice
{
    enum class Mode { Auto, None, Required, Named };
    Mode mode = Mode::Auto;
    QString name;              // Named
    bool parallelAllowed = true;
};

struct ResponseFormat
{
    enum class Kind { Text, JsonObject, JsonSchema };
    Kind kind = Kind::Text;
    QString name;
    QJsonObject schema;
};

enum class StopReason { None, EndTurn, MaxTokens, StopSequence, ToolUse, ContentFilter, Error };

struct ChatRequest
{
    QString model;
    QString system; // system / developer instructions, joined
    QList<ChatMessage> messages;
    QList<ToolDefinition> tools;
    std::optional<ToolChoice> toolChoice;
    std::optional<qint64> maxTokens;
    std::optional<double> temperature;
    std::optional<double> topP;
    QStringList stop;
    ResponseFormat responseFormat;
    std::optional<qint64> thinkingBudget; // tokens the model may think; Anthropic and Gemini
    QString reasoningEffort;              // OpenAI's low/medium/high
    bool stream = false;
    bool clientWantsStreamUsage = false;  // OpenAI stream_options.include_usage
    QString user;                         // the end user's id, where a dialect carries one

    // Fields the client sent that have no place here ("seed", "n", "logprobs" …). Harmless when
    // the body is passed through untouched; a 400 naming them when it must be translated.
    QStringList untranslatable;
};

struct ChatResponse
{
    QString id;
    QString model;
    QList<ContentPart> content; // Text, Thinking and ToolCall parts in order
    StopReason stopReason = StopReason::None;
    QString stopSequence;
    TokenUsage usage;
};

// One step of a streamed answer, in the gateway's own terms.
struct StreamEvent
{
    enum class Kind {
        Start,         // id, model; once, first
        TextDelta,     // text
        ThinkingDelta, // text (and signature when a dialect sends one)
        ToolCallStart, // index, toolCallId, toolName
        ToolCallDelta, // index, text = a fragment of the arguments' JSON
        Finish,        // stopReason, stopSequence
        Usage,         // usage (the latest totals)
        Error          // text = message, errorType
    };
    Kind kind = Kind::TextDelta;
    QString id;
    QString model;
    QString text;
    QString signature;
    int index = 0; // tool call index among this answer's tool calls
    QString toolCallId;
    QString toolName;
    StopReason stopReason = StopReason::None;
    QString stopSequence;
    TokenUsage usage;
    QString errorType;
    QString errorCode; // Error: a machine-readable detail such as provider_timeout, when known
};

} // namespace patchbay
