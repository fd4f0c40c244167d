#pragma once

#include <QObject>

namespace patchbay {

// Turns SIGTERM and SIGINT into a quit of the event loop, so a stopped patchbayd still
// writes every queued ledger row. (A signal handler may not touch Qt; a socket pair may.)
class UnixSignals : public QObject
{
    Q_OBJECT
public:
    explicit UnixSignals(QObject *parent = nullptr);

Q_SIGNALS:
    void terminationRequested();
};

} // namespace patchbay
