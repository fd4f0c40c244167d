#include "batchdeleter.h"

namespace patchbay {

BatchDeleter::BatchDeleter(QObject *parent)
    : QObject(parent)
    , m_timer(this)
{
    m_timer.setSingleShot(true);
    m_timer.setInterval(0);
    connect(&m_timer, &QTimer::timeout, this, &BatchDeleter::deletePending);
}

BatchDeleter::~BatchDeleter()
{
    deletePending();
}

void BatchDeleter::add(QObject *object)
{
    m_pending.append(object);
    if (!m_timer.isActive())
        m_timer.start();
}

void BatchDeleter::deletePending()
{
    // A destructor may hand over more objects; they wait for the next turn.
    const QList<QPointer<QObject>> batch = std::exchange(m_pending, {});
    for (const QPointer<QObject> &object : batch)
        delete object.data();
}

} // namespace patchbay
