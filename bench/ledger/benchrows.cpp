#include "benchrows.h"

#include <cmath>

namespace patchbay {

namespace {

struct Model
{
    const char *provider;
    const char *name;
    double inputPerMtok;
    double outputPerMtok;
};

const Model kModels[] = {
    {"openai", "gpt-4o", 2.5, 10},          {"openai", "gpt-4o-mini", 0.15, 0.6},
    {"anthropic", "claude-sonnet-4", 3, 15}, {"anthropic", "claude-haiku-3.5", 0.8, 4},
    {"gemini", "gemini-2.5-pro", 1.25, 10},  {"gemini", "gemini-2.5-flash", 0.3, 2.5},
    {"groq", "llama-3.3-70b", 0.59, 0.79},   {"ollama", "qwen3:8b", 0, 0},
    {"mistral", "mistral-large", 2, 6},      {"deepseek", "deepseek-chat", 0.27, 1.1},
};
const char *const kClients[] = {"cursor", "aider", "workbench", "scripts", "ci"};

} // namespace

BenchRows::BenchRows(quint64 seed)
    : m_random(seed)
{
}

UsageRecord BenchRows::make(const QString &requestId, qint64 startedAtMs)
{
    std::uniform_int_distribution<int> pick(0, 999);
    std::lognormal_distribution<double> latency(6.5, 0.8); // median ~650 ms, a long tail
    std::lognormal_distribution<double> tokens(6.5, 1.2);
    const Model &m = kModels[pick(m_random) % std::size(kModels)];
    UsageRecord r;
    r.requestId = requestId;
    r.startedAtMs = startedAtMs;
    r.client = QLatin1String(kClients[pick(m_random) % std::size(kClients)]);
    r.endpoint = QStringLiteral("/v1/chat/completions");
    r.provider = QLatin1String(m.provider);
    r.upstreamModel = QLatin1String(m.name);
    r.requestedModel = r.provider + QLatin1Char('/') + r.upstreamModel;
    r.stream = pick(m_random) < 700;
    const int roll = pick(m_random);
    r.status = roll < 20 ? 502 : roll < 30 ? 429 : roll < 40 ? 499 : 200;
    r.latencyMs = static_cast<qint64>(latency(m_random));
    if (r.status != 200) {
        r.error = QStringLiteral("The provider answered %1.").arg(r.status);
        return r;
    }
    r.inputTokens = static_cast<qint64>(tokens(m_random)) + 20;
    r.outputTokens = static_cast<qint64>(tokens(m_random) / 3) + 1;
    r.cacheReadTokens = pick(m_random) < 300 ? r.inputTokens / 2 : 0;
    r.cacheWriteTokens = 0;
    r.reasoningTokens = pick(m_random) < 100 ? r.outputTokens / 2 : -1;
    r.usageSource = QStringLiteral("provider");
    if (pick(m_random) >= 50) { // 5% have no price
        r.costUsd = (static_cast<double>(r.inputTokens) * m.inputPerMtok + static_cast<double>(r.outputTokens) * m.outputPerMtok) / 1e6;
        r.catalogVersion = QStringLiteral("2025-06-01");
    }
    r.ttfbMs = r.latencyMs / 4;
    r.ttftMs = r.stream ? r.latencyMs / 3 : -1;
    return r;
}

} // namespace patchbay
