#pragma once

#include "appconfig.h"
#include "httpconnection.h"

#include <QHostAddress>
#include <QObject>
#include <QPointer>
#include <QTcpServer>

#include <functional>

namespace patchbay {

// Hands each accepted descriptor to a function instead of wrapping it in a QTcpSocket.
class DescriptorServer : public QTcpServer
{
public:
    explicit DescriptorServer(std::function<void(qintptr)> accepted, QObject *parent = nullptr)
        : QTcpServer(parent)
        , m_accepted(std::move(accepted))
    {
    }

protected:
    void incomingConnection(qintptr descriptor) override { m_accepted(descriptor); }

private:
    std::function<void(qintptr)> m_accepted;
};

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
    void accept(qintptr descriptor);

    DescriptorServer m_server;
    HttpConnection::Handler m_handler;
    GatewayLimits m_limits;
};

} // namespace patchbay
