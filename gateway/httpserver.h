#pragma once

#include "appconfig.h"
#include "httpconnection.h"

#include <QHostAddress>
#include <QObject>
#include <QPointer>
#include <QTcpServer>

namespace patchbay {

// Accepts client connections and hands each complete request to the handler.
class HttpServer : public QObject
{
    Q_OBJECT
public:
    explicit HttpServer(HttpConnection::Handler handler, QObject *parent = nullptr);

    bool listen(const QHostAddress &address, quint16 port, QString *error);
    void close(); // stops listening and closes every connection
    bool isListening() const { return m_server.isListening(); }
    quint16 port() const { return m_server.serverPort(); }
    void setLimits(const GatewayLimits &limits) { m_limits = limits; }

private:
    void onNewConnection();

    QTcpServer m_server;
    HttpConnection::Handler m_handler;
    GatewayLimits m_limits;
};

} // namespace patchbay
