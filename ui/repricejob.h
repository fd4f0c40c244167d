#pragma once

#include "appconfig.h"

#include <QObject>

namespace patchbay {

// Re-prices the whole ledger with the bundled catalog and the providers' price overrides, on a
// thread of its own (the Repricer opens its own connection and commits in batches), and reports
// back in the thread that started it.
class RepriceJob : public QObject
{
    Q_OBJECT
public:
    // Starts at once. finished() follows once; the job deletes itself after it.
    static RepriceJob *start(const QString &databasePath, const QList<ProviderConfig> &providers,
                             QObject *parent = nullptr);

    // "Repriced 120 requests; 3 have no known price." or the database's complaint.
    static QString summary(bool ok, qint64 repriced, qint64 unknown, const QString &error);

Q_SIGNALS:
    void finished(bool ok, qint64 repriced, qint64 unknown, const QString &error);

private:
    using QObject::QObject;
};

} // namespace patchbay
