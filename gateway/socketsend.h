#pragma once

#include <QByteArray>

class QTcpSocket;

namespace patchbay {

// Writes bytes to a plain (not TLS) socket now, with one send(2), when nothing is queued
// ahead of them; what the kernel does not take, and everything on a socket that has bytes
// queued, goes through QTcpSocket's own buffer as usual.
//
// Why: QAbstractSocket::write() switches the socket's write notifier on and flush() switches
// it off again; under the glib event dispatcher each switch re-registers a poll fd and wakes
// the loop (an eventfd write and read). UpstreamCall sends requests to plain-HTTP providers
// with it; client connections have ClientSocket, which does the same and more. Bytes sent
// this way do not appear in bytesWritten().
void sendNow(QTcpSocket *socket, const QByteArray &bytes);

} // namespace patchbay
