#pragma once

#include <QList>
#include <QString>

namespace patchbay {

// One copy-ready way of calling the gateway, e.g. the OpenAI SDK for Python.
struct Snippet
{
    QString id;    // stable, for tests and object names: "curl", "openai-python", …
    QString title; // shown on the tab
    QString code;
};

// What a program needs to call the gateway at baseUrl (".../v1") with token, in the forms users
// paste most: curl, the OpenAI and Anthropic SDKs (Python and JavaScript), and the environment
// variables those SDKs and many tools read. model is the example model name. The Anthropic SDKs
// add /v1 themselves, so they get the base URL without it.
QList<Snippet> gatewaySnippets(const QString &baseUrl, const QString &token, const QString &model);

// "http://127.0.0.1:7229/v1" → "http://127.0.0.1:7229", what ANTHROPIC_BASE_URL wants.
QString anthropicBaseUrl(const QString &baseUrl);

// Shown in the snippets where the user's token goes, until they paste theirs.
QString tokenPlaceholder();

} // namespace patchbay
