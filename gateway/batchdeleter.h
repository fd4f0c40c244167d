#pragma once

#include <QList>
#include <QObject>
#include <QPointer>
#include <QTimer>

namespace patchbay {

// deleteLater() for objects that end by the thousand: everything handed over during one turn
// of the event loop is deleted at the start of the next, by one zero-interval timer.
//
// Why not deleteLater(): each call posts an event, and posting wakes the thread's event loop
// through its eventfd, a write and a read system call, once per finished chat call on the
// gateway thread. A timer that is already due costs no system call.
class BatchDeleter : public QObject
{
    Q_OBJECT
public:
    explicit BatchDeleter(QObject *parent = nullptr);
    ~BatchDeleter() override;

    // object must live on this deleter's thread; it may already be gone when the turn comes.
    void add(QObject *object);
    qsizetype pending() const { return m_pending.size(); }

private:
    void deletePending();

    QList<QPointer<QObject>> m_pending;
    QTimer m_timer;
};

} // namespace patchbay
