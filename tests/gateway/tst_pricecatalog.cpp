// Every expected cost below is worked out by hand from the catalog entry it names (the bundled
// resources/pricing/data.json, or data/pricing/shapes.json for the shapes no real model has
// yet), with the arithmetic beside it. Prices are USD per million tokens.
#include "pricecatalog.h"

#include <QFile>
#include <QTest>
#include <QTimeZone>

using namespace patchbay;

#define COMPARE_COST(quote, usd)                                                  \
    do {                                                                          \
        const PriceQuote &q_ = (quote);                                           \
        QVERIFY2(q_.costUsd.has_value(), "the cost is unknown but should not be"); \
        QCOMPARE(*q_.costUsd, double(usd));                                       \
    } while (false)

namespace {

ProviderConfig provider(const char *id, const char *baseUrl)
{
    ProviderConfig p;
    p.id = QLatin1String(id);
    p.baseUrl = QLatin1String(baseUrl);
    return p;
}

TokenUsage tokens(qint64 input, qint64 output, qint64 cacheRead = -1, qint64 cacheWrite = -1)
{
    TokenUsage u;
    u.input = input;
    u.output = output;
    u.cacheRead = cacheRead;
    u.cacheWrite = cacheWrite;
    return u;
}

QDateTime utc(const char *iso)
{
    const QDateTime t = QDateTime::fromString(QLatin1String(iso), Qt::ISODate);
    Q_ASSERT(t.isValid() && t.timeSpec() == Qt::UTC);
    return t;
}

const QDateTime someDay = QDateTime(QDate(2026, 8, 1), QTime(12, 0), Qt::UTC);

} // namespace

class TestPriceCatalog : public QObject
{
    Q_OBJECT

    PriceCatalog m_real;
    PriceCatalog m_shapes;
    ProviderConfig m_anthropic = provider("anthropic", "https://api.anthropic.com/v1");
    ProviderConfig m_openRouter = provider("openrouter", "https://openrouter.ai/api/v1");
    ProviderConfig m_shapesApi = provider("shapes", "https://api.shapes.example/v1");

    PriceQuote shape(const char *model, const TokenUsage &usage, const QDateTime &at = someDay) const
    {
        return m_shapes.price(m_shapesApi, QLatin1String(model), usage, at);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QString error;
        QVERIFY2(m_real.loadBundled(&error), qPrintable(error));
        QFile f(QFINDTESTDATA("data/pricing/shapes.json"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        QVERIFY2(m_shapes.load(f.readAll(), QStringLiteral("shapes@test"), &error), qPrintable(error));
    }

    // --- the bundled catalog ---------------------------------------------------------------

    void bundledCatalogLoadsWhole()
    {
        QCOMPARE(m_real.version(), QStringLiteral("genai-prices@47df840a"));
        QCOMPARE(m_real.providerCount(), 34);
        QCOMPARE(m_real.modelCount(), 1442); // model entries in data.json, some ids repeat across providers
        QCOMPARE(PriceCatalog::bundled().version(), m_real.version());
    }

    void anthropicFlatPart()
    {
        // anthropic / claude-sonnet-4-5 (starts_with "claude-sonnet-4-5"): $3 in, $15 out below 200k.
        // 1000 in × $3/M + 500 out × $15/M = 3000 + 7500 = 10500 µ$ = $0.0105
        const PriceQuote q = m_real.price(m_anthropic, QStringLiteral("claude-sonnet-4-5-20250929"), tokens(1000, 500, 0, 0), someDay);
        COMPARE_COST(q, 0.0105);
        QCOMPARE(q.source, QStringLiteral("catalog"));
        QCOMPARE(q.matchedProvider, QStringLiteral("anthropic"));
        QCOMPARE(q.matchedModel, QStringLiteral("claude-sonnet-4-5"));
        QCOMPARE(q.catalogVersion, QStringLiteral("genai-prices@47df840a"));
    }

    void openRouterAndAnthropicPriceTheirOwnNames()
    {
        // The "same" Claude 3.5 Haiku, 10,000 prompt tokens of which 8,000 cache reads and 1,000
        // cache writes, 1,000 out.
        const TokenUsage usage = tokens(10'000, 1000, 8000, 1000);

        // anthropic / claude-3-5-haiku-latest: $0.8 in, $4 out, $0.08 cache read, $1 cache write.
        // uncached 10000 − 8000 − 1000 = 1000 × 0.8 = 800; 8000 × 0.08 = 640; 1000 × 1 = 1000;
        // 1000 out × 4 = 4000; total 6440 µ$ = $0.00644
        const PriceQuote direct = m_real.price(m_anthropic, QStringLiteral("claude-3-5-haiku-20241022"), usage, someDay);
        COMPARE_COST(direct, 0.00644);
        QCOMPARE(direct.matchedProvider, QStringLiteral("anthropic"));
        QCOMPARE(direct.matchedModel, QStringLiteral("claude-3-5-haiku-latest"));

        // openrouter / anthropic/claude-3.5-haiku: $0.8 in, $4 out, no cache prices, so cached
        // tokens pay the input price: 10000 × 0.8 = 8000; 1000 × 4 = 4000; 12000 µ$ = $0.012
        const PriceQuote routed = m_real.price(m_openRouter, QStringLiteral("anthropic/claude-3.5-haiku"), usage, someDay);
        COMPARE_COST(routed, 0.012);
        QCOMPARE(routed.matchedProvider, QStringLiteral("openrouter"));
        QCOMPARE(routed.matchedModel, QStringLiteral("anthropic/claude-3.5-haiku"));

        // Each provider's names are its own: neither knows the other's spelling.
        QVERIFY(!m_real.price(m_anthropic, QStringLiteral("anthropic/claude-3.5-haiku"), usage, someDay).costUsd);
        QVERIFY(!m_real.price(m_openRouter, QStringLiteral("claude-3-5-haiku-20241022"), usage, someDay).costUsd);
    }

    void openRouterClaudeSonnetMatchesAnthropic()
    {
        // openrouter / anthropic/claude-sonnet-4.5 mirrors Anthropic: $3 in, $15 out below 200k.
        // 1000 × 3 + 500 × 15 = 10500 µ$ = $0.0105
        COMPARE_COST(m_real.price(m_openRouter, QStringLiteral("anthropic/claude-sonnet-4.5"), tokens(1000, 500), someDay), 0.0105);
    }

    void tieredIsACliffOnThePrompt()
    {
        // anthropic / claude-sonnet-4-5: input {base 3, >200000: 6}, output {base 15, >200000: 22.5}.
        // At exactly 200,000 prompt tokens the tier has not been crossed:
        // 200000 × 3 + 1000 × 15 = 600000 + 15000 = 615000 µ$ = $0.615
        COMPARE_COST(m_real.price(m_anthropic, QStringLiteral("claude-sonnet-4-5"), tokens(200'000, 1000, 0, 0), someDay), 0.615);
        // At 250,000 every token, output too, pays the tier's rate:
        // 250000 × 6 + 1000 × 22.5 = 1500000 + 22500 = 1522500 µ$ = $1.5225
        COMPARE_COST(m_real.price(m_anthropic, QStringLiteral("claude-sonnet-4-5"), tokens(250'000, 1000, 0, 0), someDay), 1.5225);
        // Cached tokens count towards the threshold and pay their tier rate:
        // 250000 prompt, 200000 cache reads: 50000 × 6 = 300000; 200000 × 0.6 = 120000;
        // 1000 × 22.5 = 22500; total 442500 µ$ = $0.4425
        COMPARE_COST(m_real.price(m_anthropic, QStringLiteral("claude-sonnet-4-5"), tokens(250'000, 1000, 200'000, 0), someDay), 0.4425);
    }

    void datedPriceChangesAtMidnightUtc()
    {
        // anthropic / claude-sonnet-5: $2 in / $10 out, then from 2026-09-01 $3 / $15.
        // Before: 1000 × 2 + 500 × 10 = 7000 µ$ = $0.007; after: 1000 × 3 + 500 × 15 = $0.0105
        const QString model = QStringLiteral("claude-sonnet-5");
        COMPARE_COST(m_real.price(m_anthropic, model, tokens(1000, 500, 0, 0), utc("2026-08-31T23:59:59Z")), 0.007);
        COMPARE_COST(m_real.price(m_anthropic, model, tokens(1000, 500, 0, 0), utc("2026-09-01T00:00:00Z")), 0.0105);
        // 01:00 on 1 September in UTC+2 is still 31 August in UTC.
        const QDateTime cest(QDate(2026, 9, 1), QTime(1, 0), QTimeZone(2 * 3600));
        COMPARE_COST(m_real.price(m_anthropic, model, tokens(1000, 500, 0, 0), cest), 0.007);
    }

    void datedEntryReplacesATieredOne()
    {
        // anthropic / claude-opus-4-6: tiered {5 → 10 in, 25 → 37.5 out, over 200000} until
        // 2026-03-13, flat $5 / $25 from then.
        // 2026-03-12: 250000 × 10 + 1000 × 37.5 = 2500000 + 37500 = 2537500 µ$ = $2.5375
        // 2026-03-13: 250000 × 5 + 1000 × 25 = 1250000 + 25000 = 1275000 µ$ = $1.275
        const QString model = QStringLiteral("claude-opus-4-6");
        COMPARE_COST(m_real.price(m_anthropic, model, tokens(250'000, 1000, 0, 0), utc("2026-03-12T12:00:00Z")), 2.5375);
        COMPARE_COST(m_real.price(m_anthropic, model, tokens(250'000, 1000, 0, 0), utc("2026-03-13T12:00:00Z")), 1.275);
    }

    void openAiPriceCut()
    {
        // openai / o3: $10 in / $40 out, from 2025-06-10 $2 / $8.
        // 1000 × 10 + 1000 × 40 = 50000 µ$ = $0.05; then 1000 × 2 + 1000 × 8 = $0.01
        const ProviderConfig openAi = provider("openai", "https://api.openai.com/v1");
        COMPARE_COST(m_real.price(openAi, QStringLiteral("o3"), tokens(1000, 1000, 0), utc("2025-06-09T23:00:00Z")), 0.05);
        COMPARE_COST(m_real.price(openAi, QStringLiteral("o3-2025-04-16"), tokens(1000, 1000, 0), utc("2025-06-10T00:00:00Z")), 0.01);
    }

    void deepSeekOffPeakHours()
    {
        // deepseek / deepseek-chat: $0.27 in / $1.1 out from 00:30 to 16:30 UTC, else $0.135 / $0.55.
        // Peak: 1000 × 0.27 + 1000 × 1.1 = 270 + 1100 = 1370 µ$ = $0.00137
        // Off-peak: 1000 × 0.135 + 1000 × 0.55 = 135 + 550 = 685 µ$ = $0.000685
        const ProviderConfig deepSeek = provider("deepseek", "https://api.deepseek.com/v1");
        const QString model = QStringLiteral("deepseek-chat");
        COMPARE_COST(m_real.price(deepSeek, model, tokens(1000, 1000, 0), utc("2026-08-01T10:00:00Z")), 0.00137);
        COMPARE_COST(m_real.price(deepSeek, model, tokens(1000, 1000, 0), utc("2026-08-01T00:30:00Z")), 0.00137);
        COMPARE_COST(m_real.price(deepSeek, model, tokens(1000, 1000, 0), utc("2026-08-01T00:29:59Z")), 0.000685);
        COMPARE_COST(m_real.price(deepSeek, model, tokens(1000, 1000, 0), utc("2026-08-01T16:30:00Z")), 0.000685);
    }

    void perplexityChargesPerRequest()
    {
        // perplexity / sonar: $1 in, $1 out, $12 per 1000 requests.
        // 1000 × 1 + 500 × 1 = 1500 µ$ = $0.0015; + 12 / 1000 = $0.012; total $0.0135
        const ProviderConfig perplexity = provider("perplexity", "https://api.perplexity.ai");
        COMPARE_COST(m_real.price(perplexity, QStringLiteral("sonar"), tokens(1000, 500), someDay), 0.0135);
    }

    void regexMatchesDatedNames()
    {
        // x-ai / grok-4.3 (regex "^grok-4\.3-\d{8}$"): $1.25 in, $2.5 out.
        // 1000 × 1.25 + 1000 × 2.5 = 1250 + 2500 = 3750 µ$ = $0.00375
        const ProviderConfig xai = provider("xai", "https://api.x.ai/v1");
        const PriceQuote q = m_real.price(xai, QStringLiteral("grok-4.3-20260101"), tokens(1000, 1000, 0), someDay);
        COMPARE_COST(q, 0.00375);
        QCOMPARE(q.matchedModel, QStringLiteral("grok-4.3"));
    }

    void geminiResourceNamesAndOmittedCacheCount()
    {
        // google / gemini-2.5-pro: input {base 1.25}, output {base 10} below 200k. Gemini leaves
        // cachedContentTokenCount out when nothing was cached (cacheRead -1): nothing was.
        // 1000 × 1.25 + 100 × 10 = 1250 + 1000 = 2250 µ$ = $0.00225
        const ProviderConfig gemini = provider("gemini", "https://generativelanguage.googleapis.com/v1beta");
        const PriceQuote q = m_real.price(gemini, QStringLiteral("models/gemini-2.5-pro"), tokens(1000, 100), someDay);
        COMPARE_COST(q, 0.00225);
        QCOMPARE(q.matchedProvider, QStringLiteral("google"));
    }

    void geminiAudioTokens()
    {
        // google / gemini-2.0-flash (ends_with "gemini-2.0-flash"): $0.1 in, $0.025 cache read,
        // $0.4 out, $0.7 audio in, $0.175 cached audio. 10,000 prompt tokens: 2,000 of them
        // audio (500 of those cached), 1,500 cache reads (the 500 audio ones included).
        // cached text 1500 − 500 = 1000 × 0.025 = 25; audio 2000 − 500 = 1500 × 0.7 = 1050;
        // cached audio 500 × 0.175 = 87.5; plain text 10000 − 1000 − 1500 − 500 = 7000 × 0.1 = 700;
        // output 1000 × 0.4 = 400; total 2262.5 µ$ = $0.0022625
        const ProviderConfig gemini = provider("gemini", "https://generativelanguage.googleapis.com/v1beta");
        BillableUsage u;
        u.input = 10'000;
        u.output = 1000;
        u.cacheRead = 1500;
        u.cacheWrite = 0;
        u.inputAudio = 2000;
        u.cacheAudioRead = 500;
        COMPARE_COST(m_real.price(gemini, QStringLiteral("gemini-2.0-flash"), u, someDay), 0.0022625);
    }

    void azureFallsBackToOpenAi()
    {
        // azure lists no gpt-4o; its fallback openai / gpt-4o does: $2.5 in, $10 out.
        // 1000 × 2.5 + 1000 × 10 = 12500 µ$ = $0.0125
        const ProviderConfig azure = provider("azure", "https://myresource.openai.azure.com/openai/v1");
        const PriceQuote q = m_real.price(azure, QStringLiteral("gpt-4o"), tokens(1000, 1000, 0), someDay);
        COMPARE_COST(q, 0.0125);
        QCOMPARE(q.matchedProvider, QStringLiteral("openai"));
    }

    void proxyIsRecognisedByProviderId()
    {
        // A Cloudflare AI Gateway URL says nothing; the id "anthropic" does (provider_match
        // "contains anthropic"). claude-sonnet-4-5: 1000 × 3 + 500 × 15 = $0.0105
        const ProviderConfig proxied = provider("anthropic", "https://gateway.ai.cloudflare.com/v1/acct/gw/anthropic");
        COMPARE_COST(m_real.price(proxied, QStringLiteral("claude-sonnet-4-5"), tokens(1000, 500, 0, 0), someDay), 0.0105);
    }

    void localServerIsNeverPricedFromTheCatalog()
    {
        const ProviderConfig local = provider("openai", "http://localhost:1234/v1");
        const PriceQuote q = m_real.price(local, QStringLiteral("gpt-4o"), tokens(1000, 1000, 0), someDay);
        QVERIFY(!q.costUsd);
        QCOMPARE(q.source, QString());
        QCOMPARE(q.catalogVersion, QStringLiteral("genai-prices@47df840a"));
    }

    void unknownModelHasNoCost()
    {
        const PriceQuote q = m_real.price(m_anthropic, QStringLiteral("claude-imaginary-9"), tokens(1000, 500, 0, 0), someDay);
        QVERIFY(!q.costUsd); // unset, never 0
        QCOMPARE(q.source, QString());
        QCOMPARE(q.matchedModel, QString());
        QCOMPARE(q.catalogVersion, QStringLiteral("genai-prices@47df840a"));
        const ProviderConfig nowhere = provider("acme", "https://llm.acme.example/v1");
        QVERIFY(!m_real.price(nowhere, QStringLiteral("gpt-4o"), tokens(1000, 500), someDay).costUsd);
    }

    void overrideStarMakesALocalServerFree()
    {
        ProviderConfig ollama = provider("ollama", "http://127.0.0.1:11434/v1");
        ollama.prices.insert(QStringLiteral("*"), ModelPrice{0.0, 0.0, {}, {}});
        // 0 × anything = 0, even when the server reported no usage at all.
        for (const TokenUsage &u : {tokens(1000, 500), tokens(-1, -1)}) {
            const PriceQuote q = m_real.price(ollama, QStringLiteral("llama3.2"), u, someDay);
            COMPARE_COST(q, 0.0);
            QCOMPARE(q.source, QStringLiteral("override"));
            QCOMPARE(q.matchedProvider, QStringLiteral("ollama"));
            QCOMPARE(q.matchedModel, QStringLiteral("*"));
            QCOMPARE(q.catalogVersion, QStringLiteral("genai-prices@47df840a"));
        }
    }

    void overrideForOneModelWins()
    {
        ProviderConfig openAi = provider("openai", "https://api.openai.com/v1");
        openAi.prices.insert(QStringLiteral("gpt-4o"), ModelPrice{1.0, 2.0, {}, {}});
        // Override: 1000 × 1 + 1000 × 2 = 3000 µ$ = $0.003 (the catalog would say $0.0125).
        const PriceQuote q = m_real.price(openAi, QStringLiteral("gpt-4o"), tokens(1000, 1000, 0), someDay);
        COMPARE_COST(q, 0.003);
        QCOMPARE(q.source, QStringLiteral("override"));
        QCOMPARE(q.matchedModel, QStringLiteral("gpt-4o"));
        // Other models keep the catalog's price. openai / gpt-4o-mini: $0.15 in, $0.6 out:
        // 1000 × 0.15 + 1000 × 0.6 = 150 + 600 = 750 µ$ = $0.00075
        const PriceQuote other = m_real.price(openAi, QStringLiteral("gpt-4o-mini"), tokens(1000, 1000, 0), someDay);
        COMPARE_COST(other, 0.00075);
        QCOMPARE(other.source, QStringLiteral("catalog"));
    }

    void overrideCachePrices()
    {
        ProviderConfig p = m_shapesApi;
        // Without a cache price, cached tokens pay the input price: 10000 × 1 + 1000 × 2 = $0.012
        p.prices.insert(QStringLiteral("cached"), ModelPrice{1.0, 2.0, {}, {}});
        COMPARE_COST(m_shapes.price(p, QStringLiteral("cached"), tokens(10'000, 1000, 6000, 2000), someDay), 0.012);
        // With them: uncached 2000 × 1 = 2000; 6000 × 0.1 = 600; 2000 × 1.5 = 3000; 1000 × 2 = 2000;
        // total 7600 µ$ = $0.0076
        p.prices.insert(QStringLiteral("cached"), ModelPrice{1.0, 2.0, 0.1, 1.5});
        COMPARE_COST(m_shapes.price(p, QStringLiteral("cached"), tokens(10'000, 1000, 6000, 2000), someDay), 0.0076);
    }

    // --- the shapes catalog ----------------------------------------------------------------

    void flat()
    {
        // flat: $2 in, $8 out. 1000 × 2 + 500 × 8 = 2000 + 4000 = 6000 µ$ = $0.006
        const PriceQuote q = shape("flat", tokens(1000, 500, 0, 0));
        COMPARE_COST(q, 0.006);
        QCOMPARE(q.catalogVersion, QStringLiteral("shapes@test"));
        // Reasoning tokens are inside the output count and are not charged twice.
        TokenUsage thinking = tokens(1000, 500, 0, 0);
        thinking.reasoning = 400;
        COMPARE_COST(shape("flat", thinking), 0.006);
    }

    void cacheReadsAndWrites()
    {
        // cached: $3 in, $15 out, $0.3 cache read, $3.75 cache write. 10,000 prompt tokens:
        // 6,000 read from the cache, 2,000 written to it; 1,000 out.
        // uncached 10000 − 6000 − 2000 = 2000 × 3 = 6000; 6000 × 0.3 = 1800; 2000 × 3.75 = 7500;
        // 1000 × 15 = 15000; total 30300 µ$ = $0.0303
        COMPARE_COST(shape("cached", tokens(10'000, 1000, 6000, 2000)), 0.0303);
    }

    void cacheWithoutItsOwnPricePaysInput()
    {
        // uncached: $1 in, $2 out, no cache prices. 10000 × 1 + 1000 × 2 = 12000 µ$ = $0.012
        COMPARE_COST(shape("uncached", tokens(10'000, 1000, 6000, 2000)), 0.012);
    }

    void inconsistentCacheCountNeverGoesNegative()
    {
        // cached, a report with more cache reads (300) than prompt tokens (100): uncached is 0,
        // not −200. 300 × 0.3 = 90 µ$ = $0.00009
        COMPARE_COST(shape("cached", tokens(100, 0, 300, 0)), 0.00009);
    }

    void perRequest()
    {
        // per-request: $1 in, $1 out, $5 per 1000 requests.
        // 1000 × 1 + 1000 × 1 = 2000 µ$ = $0.002; + 5 / 1000 = $0.005; total $0.007
        COMPARE_COST(shape("per-request", tokens(1000, 1000, 0, 0)), 0.007);
        // requests-only: no token prices, so unknown counts do not matter: $5 / 1000 = $0.005
        COMPARE_COST(shape("requests-only", tokens(-1, -1)), 0.005);
    }

    void tiers()
    {
        // tiered: input {base 1, >1000: 2, >5000: 4} (listed out of order in the file),
        // output {base 10, >1000: 20, >5000: 40}, cache read $0.1 flat.
        // 1000 prompt tokens is not over 1000: 1000 × 1 + 100 × 10 = 2000 µ$ = $0.002
        COMPARE_COST(shape("tiered", tokens(1000, 100, 0, 0)), 0.002);
        // 1001: 1001 × 2 + 100 × 20 = 2002 + 2000 = 4002 µ$ = $0.004002
        COMPARE_COST(shape("tiered", tokens(1001, 100, 0, 0)), 0.004002);
        // 6000 with 2000 cached: 4000 × 4 = 16000; 2000 × 0.1 = 200; 100 × 40 = 4000;
        // total 20200 µ$ = $0.0202
        COMPARE_COST(shape("tiered", tokens(6000, 100, 2000, 0)), 0.0202);
        // The tier cannot be chosen without the prompt's size.
        QVERIFY(!shape("tiered", tokens(-1, 100)).costUsd);
    }

    void datedPrices()
    {
        // dated: $1 / $2, from 2025-06-01 $0.5 / $1, from 2026-01-01 $0.25 / $0.5. 1000 in, 1000 out:
        // 1000 + 2000 = 3000 µ$; 500 + 1000 = 1500 µ$; 250 + 500 = 750 µ$
        COMPARE_COST(shape("dated", tokens(1000, 1000, 0, 0), utc("2025-05-31T23:59:59Z")), 0.003);
        COMPARE_COST(shape("dated", tokens(1000, 1000, 0, 0), utc("2025-06-01T00:00:00Z")), 0.0015);
        COMPARE_COST(shape("dated", tokens(1000, 1000, 0, 0), utc("2025-12-31T23:59:59Z")), 0.0015);
        COMPARE_COST(shape("dated", tokens(1000, 1000, 0, 0), utc("2026-02-01T00:00:00Z")), 0.00075);
        // future: every entry starts after the call, so the first applies, as the schema says.
        // 1000 × 9 + 1000 × 9 = $0.018, and from 2031 1000 × 7 + 1000 × 7 = $0.014
        COMPARE_COST(shape("future", tokens(1000, 1000, 0, 0), utc("2029-01-01T00:00:00Z")), 0.018);
        COMPARE_COST(shape("future", tokens(1000, 1000, 0, 0), utc("2031-06-01T00:00:00Z")), 0.014);
    }

    void dailyWindowAcrossMidnight()
    {
        // night: $1 / $1, but $0.5 / $0.5 from 22:00 to 02:00 UTC. 1000 in, 1000 out:
        // window 500 + 500 = 1000 µ$ = $0.001; otherwise 1000 + 1000 = $0.002
        COMPARE_COST(shape("night", tokens(1000, 1000, 0, 0), utc("2026-08-01T22:00:00Z")), 0.001);
        COMPARE_COST(shape("night", tokens(1000, 1000, 0, 0), utc("2026-08-02T01:59:59Z")), 0.001);
        COMPARE_COST(shape("night", tokens(1000, 1000, 0, 0), utc("2026-08-02T02:00:00Z")), 0.002);
        COMPARE_COST(shape("night", tokens(1000, 1000, 0, 0), utc("2026-08-02T21:59:59Z")), 0.002);
    }

    void audio()
    {
        // audio: $2.5 in, $1.25 cache read, $10 out, $40 audio in, $2.5 cached audio, $80 audio out.
        // 10,000 prompt tokens: 2,000 audio (500 of them cached); 1,500 cache reads (those 500
        // included). 1,000 out, 200 of them audio.
        // cached text 1500 − 500 = 1000 × 1.25 = 1250; audio in 2000 − 500 = 1500 × 40 = 60000;
        // cached audio 500 × 2.5 = 1250; text in 10000 − 1000 − 1500 − 500 = 7000 × 2.5 = 17500;
        // text out 1000 − 200 = 800 × 10 = 8000; audio out 200 × 80 = 16000;
        // total 104000 µ$ = $0.104
        BillableUsage u;
        u.input = 10'000;
        u.output = 1000;
        u.cacheRead = 1500;
        u.cacheWrite = 0;
        u.inputAudio = 2000;
        u.cacheAudioRead = 500;
        u.outputAudio = 200;
        COMPARE_COST(m_shapes.price(m_shapesApi, QStringLiteral("audio"), u, someDay), 0.104);
    }

    void unknownCounts()
    {
        // A count that a non-zero price applies to is missing: the cost is unknown.
        QVERIFY(!shape("flat", tokens(1000, -1)).costUsd);
        QVERIFY(!shape("flat", tokens(-1, 500)).costUsd);
        QVERIFY(!shape("flat", tokens(-1, -1)).costUsd);
        // A missing cache figure beside a known prompt means nothing came from the cache:
        // cached, 1000 × 3 + 100 × 15 = 3000 + 1500 = 4500 µ$ = $0.0045
        COMPARE_COST(shape("cached", tokens(1000, 100)), 0.0045);
        // embed has no output price, so a missing output count does not matter: 1000 × 0.02 = $0.00002
        COMPARE_COST(shape("embed", tokens(1000, -1)), 0.00002);
        // free: every price is 0, so every count may be missing.
        COMPARE_COST(shape("free", tokens(-1, -1)), 0.0);
    }

    void matchRules()
    {
        const TokenUsage u = tokens(1000, 0, 0, 0);
        const auto model = [&](const char *name) { return shape(name, u).matchedModel; };
        // or: an equals arm and a starts_with arm
        QCOMPARE(model("or-a"), QStringLiteral("or-rule"));
        QCOMPARE(model("or-b-7"), QStringLiteral("or-rule"));
        QCOMPARE(model("or-c"), QString());
        // and: starts_with "acme-", contains "-pro-", ends_with "-v2"
        QCOMPARE(model("acme-pro-v2"), QStringLiteral("and-rule"));
        QCOMPARE(model("acme-pro-v3"), QString());
        QCOMPARE(model("acme-lite-v2"), QString());
        // regex "^rx-\d{4}$"
        QCOMPARE(model("rx-1234"), QStringLiteral("regex-rule"));
        QCOMPARE(model("rx-12345"), QString());
        // Case never matters, on either side.
        QCOMPARE(model("RX-1234"), QStringLiteral("regex-rule"));
        QCOMPARE(model("mixed-case-model"), QStringLiteral("Mixed-Case"));
        QCOMPARE(model("MIXED-CASE-MODEL"), QStringLiteral("Mixed-Case"));
        QCOMPARE(model("FLAT"), QStringLiteral("flat"));
        // The first matching model in file order wins, however it matches.
        QCOMPARE(model("order-exact"), QStringLiteral("prefix-first"));
        QCOMPARE(model("alpha-exact"), QStringLiteral("exact-first"));
        QCOMPARE(model("alpha-other"), QStringLiteral("prefix-later"));
        // regex-rule: 1000 × 4 = 4000 µ$ = $0.004
        COMPARE_COST(shape("rx-0001", u), 0.004);
    }

    void fallbackProvider()
    {
        const ProviderConfig reseller = provider("reseller", "https://resell.example/v1");
        // reseller's own flat: 1000 × 3 + 500 × 9 = 3000 + 4500 = 7500 µ$ = $0.0075
        const PriceQuote own = m_shapes.price(reseller, QStringLiteral("flat"), tokens(1000, 500, 0, 0), someDay);
        COMPARE_COST(own, 0.0075);
        QCOMPARE(own.matchedProvider, QStringLiteral("reseller"));
        // cached is the shapes provider's: 10000 prompt, 6000 read, 2000 written, 1000 out = $0.0303
        const PriceQuote borrowed = m_shapes.price(reseller, QStringLiteral("cached"), tokens(10'000, 1000, 6000, 2000), someDay);
        COMPARE_COST(borrowed, 0.0303);
        QCOMPARE(borrowed.matchedProvider, QStringLiteral("shapes"));
    }

    void providerByUrlThenById()
    {
        const TokenUsage u = tokens(1000, 500, 0, 0);
        // provider_match "contains shapes" on the id, behind a proxy: flat = $0.006
        COMPARE_COST(m_shapes.price(provider("my-shapes", "https://proxy.corp.example/v1"), QStringLiteral("flat"), u, someDay), 0.006);
        // the id equal to a catalog id: reseller's flat = $0.0075
        COMPARE_COST(m_shapes.price(provider("reseller", "https://proxy.corp.example/v1"), QStringLiteral("flat"), u, someDay), 0.0075);
        // The URL wins over the id: the reseller's URL with the id "shapes" is the reseller.
        COMPARE_COST(m_shapes.price(provider("shapes", "https://resell.example/v1"), QStringLiteral("flat"), u, someDay), 0.0075);
        // Never by id on this machine or the local network.
        for (const char *url : {"http://127.0.0.1:8080/v1", "http://localhost:8080/v1", "http://192.168.1.20:8000/v1",
                                "http://10.0.0.5/v1", "http://[::1]:8080/v1", "http://box.local:8080/v1"})
            QVERIFY2(!m_shapes.price(provider("shapes", url), QStringLiteral("flat"), u, someDay).costUsd, url);
        // The URL pattern is anchored at the start and ignores case.
        COMPARE_COST(m_shapes.price(provider("x", "HTTPS://API.SHAPES.EXAMPLE/v1"), QStringLiteral("flat"), u, someDay), 0.006);
        QVERIFY(!m_shapes.price(provider("x", "https://evil.example/https://api.shapes.example"), QStringLiteral("flat"), u, someDay).costUsd);
    }

    void emptyCatalogPricesOnlyOverrides()
    {
        const PriceCatalog empty;
        QVERIFY(empty.isEmpty());
        QVERIFY(!empty.price(m_anthropic, QStringLiteral("claude-sonnet-4-5"), tokens(1000, 500), someDay).costUsd);
        ProviderConfig p = m_anthropic;
        p.prices.insert(QStringLiteral("*"), ModelPrice{3.0, 15.0, {}, {}});
        // 1000 × 3 + 500 × 15 = $0.0105
        COMPARE_COST(empty.price(p, QStringLiteral("claude-sonnet-4-5"), tokens(1000, 500), someDay), 0.0105);
    }

    void brokenCatalogsAreRefused_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("mentions");
        const QByteArray head = "[{\"id\":\"p\",\"name\":\"P\",\"api_pattern\":\"https://p\",\"models\":[{\"id\":\"m\",";
        QTest::newRow("not a list") << QByteArray("{}") << QStringLiteral("list of providers");
        QTest::newRow("unknown clause") << head + "\"match\":{\"glob\":\"m*\"},\"prices\":{\"input_mtok\":1}}]}]" << QStringLiteral("glob");
        QTest::newRow("bad regex") << head + "\"match\":{\"regex\":\"(\"},\"prices\":{\"input_mtok\":1}}]}]" << QStringLiteral("regex");
        QTest::newRow("unknown price") << head + "\"match\":{\"equals\":\"m\"},\"prices\":{\"input_image_mtok\":1}}]}]" << QStringLiteral("input_image_mtok");
        QTest::newRow("negative price") << head + "\"match\":{\"equals\":\"m\"},\"prices\":{\"input_mtok\":-1}}]}]" << QStringLiteral("input_mtok");
        QTest::newRow("bad tier") << head + "\"match\":{\"equals\":\"m\"},\"prices\":{\"input_mtok\":{\"base\":1,\"tiers\":[{\"price\":2}]}}}]}]" << QStringLiteral("tier");
        QTest::newRow("unknown constraint") << head + "\"match\":{\"equals\":\"m\"},\"prices\":[{\"constraint\":{\"weekday\":\"mon\"},\"prices\":{\"input_mtok\":1}}]}]}]" << QStringLiteral("constraint");
        QTest::newRow("no api_pattern") << QByteArray("[{\"id\":\"p\",\"models\":[]}]") << QStringLiteral("api_pattern");
    }
    void brokenCatalogsAreRefused()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, mentions);
        PriceCatalog catalog = m_shapes;
        QString error;
        QVERIFY(!catalog.load(json, QStringLiteral("broken"), &error));
        QVERIFY2(error.contains(mentions), qPrintable(error));
        QCOMPARE(catalog.version(), QStringLiteral("shapes@test")); // left as it was
        COMPARE_COST(catalog.price(m_shapesApi, QStringLiteral("flat"), tokens(1000, 500, 0, 0), someDay), 0.006);
    }
};

QTEST_GUILESS_MAIN(TestPriceCatalog)
#include "tst_pricecatalog.moc"
