#include "httpserver.h"

#include "clientsocket.h"

namespace patchbay {

HttpServer::HttpServer(HttpConnection::Handler handler, QObject *parent)
    : QObject(parent)
    , m_server([this](qintptr descriptor) { accept(descriptor); }, this) // a child: it follows this object to the gateway thread
    , m_handler(std::move(handler))
{
}

bool HttpServer::listen(const QHostAddress &address, quint16 port, QString *error)
{
    // Qt's default backlog of 50 overflows when hundreds of clients connect at once.
    m_server.setListenBacklogSize(1024);
    if (m_server.listen(address, port))
        return true;
    *error = m_server.serverError() == QAbstractSocket::AddressInUseError
        ? QStringLiteral("Port %1 on %2 is in use by another program. Stop that program, or choose another port "
                         "(gateway.port in config.json, or --port).").arg(port).arg(address.toString())
        : QStringLiteral("The gateway could not listen on %1:%2: %3.").arg(address.toString()).arg(port).arg(m_server.errorString());
    return false;
}

void HttpServer::close()
{
    m_server.close();
    for (HttpConnection *c : findChildren<HttpConnection *>(Qt::FindDirectChildrenOnly))
        c->close();
}

void HttpServer::accept(qintptr descriptor)
{
    new HttpConnection(new ClientSocket(descriptor), m_limits, m_handler, this);
}

} // namespace patchbay
