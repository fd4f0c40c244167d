#include "modelcatalog.h"

#include "modellisting.h"
#include "providerpresets.h"
#include "upstreamcall.h"

#include <memory>

namespace patchbay {

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
        auto *call = new UpstreamCall(m_pool, std::move(request), this);
        auto head = std::make_shared<int>(0);
        auto body = std::make_shared<QByteArray>();
        const QString id = p.id;
        const QString dialect = p.dialect;
        connect(call, &UpstreamCall::headReceived, this, [head](const HttpResponseHead &h) { *head = h.status; });
        connect(call, &UpstreamCall::bodyReceived, this, [body](const QByteArray &b) { body->append(b); });
        connect(call, &UpstreamCall::finished, this, [this, call, head, body, id, dialect, generation, settle] {
            call->deleteLater();
            if (generation != m_generation)
                return;
            const QStringList models = *head == 200 ? ModelListing::read(dialect, *body) : QStringList();
            if (!models.isEmpty()) {
                m_listed.insert(id, models);
                m_problems.remove(id);
            } else {
                m_problems.insert(id, QStringLiteral("its model list answered HTTP %1").arg(*head));
            }
            settle();
        });
        connect(call, &UpstreamCall::failed, this, [this, call, id, generation, settle](UpstreamCall::Failure, const QString &message) {
            call->deleteLater();
            if (generation != m_generation)
                return;
            m_problems.insert(id, message);
            settle();
        });
        call->start();
    }
    settle();
}

} // namespace patchbay
