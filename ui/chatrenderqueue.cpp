#include "chatrenderqueue.h"

#include <QCoreApplication>
#include <QList>
#include <QPointer>
#include <QTimer>

namespace patchbay::ChatRenderQueue {

namespace {

struct Job
{
    QPointer<QObject> owner;
    std::function<void()> work;
};

QList<Job> &jobs()
{
    static QList<Job> queue;
    return queue;
}

bool &scheduled()
{
    static bool flag = false;
    return flag;
}

void runNext();

void schedule()
{
    if (scheduled() || jobs().isEmpty())
        return;
    scheduled() = true;
    // A zero timeout is a posted event; one posted while events are being sent waits for the next
    // pass, so each job gets a pass of its own.
    QTimer::singleShot(0, QCoreApplication::instance(), &runNext);
}

void runNext()
{
    scheduled() = false;
    while (!jobs().isEmpty()) {
        const Job job = jobs().takeFirst();
        if (job.owner) {
            job.work();
            break;
        }
    }
    schedule();
}

} // namespace

void post(QObject *owner, std::function<void()> work)
{
    jobs().append({owner, std::move(work)});
    schedule();
}

} // namespace patchbay::ChatRenderQueue
