#include "snippets.h"

#include <QCoreApplication>

namespace patchbay {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("patchbay::Snippets", text);
}

} // namespace

QString tokenPlaceholder()
{
    return QStringLiteral("pb-YOUR-TOKEN");
}

QString anthropicBaseUrl(const QString &baseUrl)
{
    QString root = baseUrl;
    while (root.endsWith(QLatin1Char('/')))
        root.chop(1);
    if (root.endsWith(QLatin1String("/v1")))
        root.chop(3);
    return root;
}

QList<Snippet> gatewaySnippets(const QString &baseUrl, const QString &token, const QString &model)
{
    const QString key = token.isEmpty() ? tokenPlaceholder() : token;
    const QString root = anthropicBaseUrl(baseUrl);
    QList<Snippet> out;
    out.append({QStringLiteral("env"), tr("Environment"),
                QStringLiteral("export OPENAI_BASE_URL=%1\n"
                               "export OPENAI_API_KEY=%2\n"
                               "export ANTHROPIC_BASE_URL=%3\n"
                               "export ANTHROPIC_API_KEY=%2")
                    .arg(baseUrl, key, root)});
    out.append({QStringLiteral("curl"), tr("curl"),
                QStringLiteral("curl %1/chat/completions \\\n"
                               "  -H \"Authorization: Bearer %2\" \\\n"
                               "  -H \"Content-Type: application/json\" \\\n"
                               "  -d '{\"model\": \"%3\", \"messages\": [{\"role\": \"user\", \"content\": \"Hello\"}]}'")
                    .arg(baseUrl, key, model)});
    out.append({QStringLiteral("openai-python"), tr("OpenAI · Python"),
                QStringLiteral("from openai import OpenAI\n\n"
                               "client = OpenAI(base_url=\"%1\", api_key=\"%2\")\n"
                               "reply = client.chat.completions.create(\n"
                               "    model=\"%3\",\n"
                               "    messages=[{\"role\": \"user\", \"content\": \"Hello\"}],\n"
                               ")\n"
                               "print(reply.choices[0].message.content)")
                    .arg(baseUrl, key, model)});
    out.append({QStringLiteral("openai-js"), tr("OpenAI · JavaScript"),
                QStringLiteral("import OpenAI from \"openai\";\n\n"
                               "const client = new OpenAI({ baseURL: \"%1\", apiKey: \"%2\" });\n"
                               "const reply = await client.chat.completions.create({\n"
                               "  model: \"%3\",\n"
                               "  messages: [{ role: \"user\", content: \"Hello\" }],\n"
                               "});\n"
                               "console.log(reply.choices[0].message.content);")
                    .arg(baseUrl, key, model)});
    out.append({QStringLiteral("anthropic-python"), tr("Anthropic · Python"),
                QStringLiteral("import anthropic\n\n"
                               "client = anthropic.Anthropic(base_url=\"%1\", api_key=\"%2\")\n"
                               "message = client.messages.create(\n"
                               "    model=\"%3\",\n"
                               "    max_tokens=1024,\n"
                               "    messages=[{\"role\": \"user\", \"content\": \"Hello\"}],\n"
                               ")\n"
                               "print(message.content[0].text)")
                    .arg(root, key, model)});
    out.append({QStringLiteral("anthropic-js"), tr("Anthropic · JavaScript"),
                QStringLiteral("import Anthropic from \"@anthropic-ai/sdk\";\n\n"
                               "const client = new Anthropic({ baseURL: \"%1\", apiKey: \"%2\" });\n"
                               "const message = await client.messages.create({\n"
                               "  model: \"%3\",\n"
                               "  max_tokens: 1024,\n"
                               "  messages: [{ role: \"user\", content: \"Hello\" }],\n"
                               "});\n"
                               "console.log(message.content[0].text);")
                    .arg(root, key, model)});
    return out;
}

} // namespace patchbay
