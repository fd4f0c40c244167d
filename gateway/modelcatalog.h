#pragma once

#include "appconfig.h"

#include <QDateTime>
#include <QHash>
#include <QObject>
#include <QStringList>

#include <functional>

namespace patchbay {

class UpstreamPool;

// Which models each provider serves, as read from its own list endpoint. Kept for a while,
// refreshed on demand or when the providers change; when a provider cannot be asked, its
// configured list stands in, then its preset's.
class ModelCatalog : public QObject
{
    Q_OBJECT
public:
    explicit ModelCatalog(UpstreamPool *pool, QObject *parent = nullptr);

    void setProviders(const QList<ProviderConfig> &providers, const QHash<QString, QString> &keys);
    // Asks every provider again; done runs once all have answered or failed.
    void refresh(std::function<void()> done = {});
    bool isStale() const;

    QStringList models(const ProviderConfig &provider) const;
    // Why the provider's own list could not be read, "" when it could.
    QString problem(const QString &providerId) const { return m_problems.value(providerId); }

    static constexpr qint64 kMaxAgeMs = 10 * 60 * 1000;

Q_SIGNALS:
    void refreshed();

private:
    UpstreamPool *m_pool;
    QList<ProviderConfig> m_providers;
    QHash<QString, QString> m_keys;
    QHash<QString, QStringList> m_listed;
    QHash<QString, QString> m_problems;
    QDateTime m_refreshedAt;
    int m_generation = 0; // answers to an older refresh are dropped
    int m_outstanding = 0;
    QList<std::function<void()>> m_waiting;
};

} // namespace patchbay
