#include "repricejob.h"

#include "pricecatalog.h"
#include "repricer.h"

#include <QLocale>
#include <QThread>

#include <memory>

namespace patchbay {

namespace {

struct Outcome
{
    bool ok = false;
    RepriceResult result;
    QString error;
};

} // namespace

RepriceJob *RepriceJob::start(const QString &databasePath, const QList<ProviderConfig> &providers, QObject *parent)
{
    auto *job = new RepriceJob(parent);
    auto outcome = std::make_shared<Outcome>();
    // Unparented: it must outlive a page closed mid-run; it deletes itself when done.
    QThread *thread = QThread::create([databasePath, providers, outcome] {
        Repricer repricer(PriceCatalog::bundled(), providers);
        outcome->ok = repricer.run(databasePath, &outcome->result, &outcome->error);
    });
    thread->setObjectName(QStringLiteral("reprice"));
    // Queued into the job's thread; the shared outcome was written before the worker finished.
    connect(thread, &QThread::finished, job, [job, outcome] {
        Q_EMIT job->finished(outcome->ok, outcome->result.repriced, outcome->result.unknown, outcome->error);
        job->deleteLater();
    });
    connect(thread, &QThread::finished, thread, &QObject::deleteLater);
    thread->start(QThread::LowPriority);
    return job;
}

QString RepriceJob::summary(bool ok, qint64 repriced, qint64 unknown, const QString &error)
{
    if (!ok)
        return tr("Re-pricing stopped: %1 Rows done before that keep their new price.").arg(error);
    const QLocale locale;
    return tr("Repriced %1 requests; %2 have no known price.").arg(locale.toString(repriced), locale.toString(unknown));
}

} // namespace patchbay
