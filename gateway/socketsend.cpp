#include "socketsend.h"

#include <QTcpSocket>

#include <cerrno>
#include <sys/socket.h>

namespace patchbay {

void sendNow(QTcpSocket *socket, const QByteArray &bytes)
{
    qsizetype sent = 0;
    const qintptr fd = socket->socketDescriptor();
    if (fd >= 0 && socket->bytesToWrite() == 0 && socket->state() == QAbstractSocket::ConnectedState) {
        while (sent < bytes.size()) {
            const ssize_t n = ::send(int(fd), bytes.constData() + sent, size_t(bytes.size() - sent), MSG_NOSIGNAL | MSG_DONTWAIT);
            if (n > 0) {
                sent += n;
                continue;
            }
            if (n < 0 && errno == EINTR)
                continue;
            // EAGAIN: the kernel's buffer is full, Qt waits for room. Any error: Qt's own write
            // meets it too and reports it the usual way (errorOccurred, disconnected).
            break;
        }
    }
    if (sent < bytes.size()) {
        socket->write(sent == 0 ? bytes : bytes.sliced(sent));
        socket->flush();
    }
}

} // namespace patchbay
