#include "modelcatalog.h"

#include "modellisting.h"
#include "providerpresets.h"
#include "upstreamcall.h"

#include <memory>

namespace patchbay {

namespace {

// One provider's model list: the whole body of one exchange, or why there is none. Ends itself.
class ListingFetch : public QObject, private UpstreamCall::Receiver
{
public:
    struct Outcome
    {
        int status = 0;
        QByteArray body;
        QString failure; // empty unless the exchange failed
    };
    using Done = std::function<void(const Outcome &)>;

    ListingFetch(UpstreamPool *pool, UpstreamRequest request, QObject *parent, Done done)
        : QObject(parent)
        , m_call(new UpstreamCall(pool, std::move(request), this, this))
        , m_done(std::move(done))
    {
    }
    void start() { m_call->start(); }

private:
    void upstreamHead(const HttpResponseHead &head) override { m_outcome.status = head.status; }
    void upstreamBody(const QByteArray &bytes) override { m_outcome.body += bytes; }
    void upstreamFinished() override { end(); }
    void upstreamFailed(UpstreamCall::Failure, const QString &message) override
    {
        m_outcome.failure = message;
        end();
    }
    void end()
    {
        deleteLater();
        m_done(m_outcome);
    }

    UpstreamCall *m_call;
    Done m_done;
    Outcome m_outcome;
};

} // namespace

ModelCatalog::ModelCatalog(UpstreamPool *pool, QObject *parent)
    : QObject(parent)
    , m_pool(pool)
{
}

void ModelCatalog::setProviders(const QList<ProviderConfig> &providers, const QHash<QString, QString> &keys)
{
    m_providers = providers;
    m_keys = keys;
    m_listed.clear();
    m_problems.clear();
    m_refreshedAt = {};
    refresh();
}

bool ModelCatalog::isStale() const
{
    return !m_refreshedAt.isValid() || m_refreshedAt.msecsTo(QDateTime::currentDateTimeUtc()) > kMaxAgeMs;
}

QStringList ModelCatalog::models(const ProviderConfig &provider) const
{
    if (const auto it = m_listed.constFind(provider.id); it != m_listed.constEnd() && !it->isEmpty())
        return *it;
    if (!provider.models.isEmpty())
        return provider.models;
    const ProviderPreset *preset = ProviderPresets::forBaseUrl(provider.baseUrl);
    return preset ? preset->models : QStringList();
}

void ModelCatalog::refresh(std::function<void()> done)
{
    if (done)
        m_waiting.append(std::move(done));
    const int generation = ++m_generation;
    m_outstanding = 0;
    const auto settle = [this, generation] {
        if (generation != m_generation || --m_outstanding > 0)
            return;
        m_refreshedAt = QDateTime::currentDateTimeUtc();
        const QList<std::function<void()>> waiting = std::exchange(m_waiting, {});
        for (const auto &w : waiting)
            w();
        Q_EMIT refreshed();
    };
    ++m_outstanding; // held until every call has started, so settle runs once at the end
    for (const ProviderConfig &p : std::as_const(m_providers)) {
        const ProviderPreset *preset = ProviderPresets::forBaseUrl(p.baseUrl);
        if ((preset && !preset->listsModels) || (!p.keyRef.isEmpty() && !m_keys.contains(p.id)))
            continue; // nothing to ask, or nothing to ask with
        ++m_outstanding;
        UpstreamRequest request = ModelListing::request(p, m_keys.value(p.id));
        // A list is small and quick; a provider that takes long is treated as unreachable.
        request.timeouts.firstByteMs = qMin(request.timeouts.firstByteMs, 15'000);
        const QString id = p.id;
        const QString dialect = p.dialect;
        auto *fetch = new ListingFetch(m_pool, std::move(request), this, [this, id, dialect, generation, settle](
                                                                              const ListingFetch::Outcome &outcome) {
            if (generation != m_generation)
                return;
            const QStringList models = outcome.failure.isEmpty() && outcome.status == 200
                ? ModelListing::read(dialect, outcome.body) : QStringList();
            if (!models.isEmpty()) {
                m_listed.insert(id, models);
                m_problems.remove(id);
            } else {
                m_problems.insert(id, !outcome.failure.isEmpty() ? outcome.failure
                                                                 : QStringLiteral("its model list answered HTTP %1").arg(outcome.status));
            }
            settle();
        });
        fetch->start();
    }
    settle();
}

} // namespace patchbay
