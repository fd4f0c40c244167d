#include "gatewayservice.h"

#include "gatewayserver.h"

namespace patchbay {

GatewayService::GatewayService(UsageLedger *ledger, QObject *parent)
    : QObject(parent)
{
    m_thread.setObjectName(QStringLiteral("gateway"));
    m_server = new GatewayServer(ledger);
    m_server->moveToThread(&m_thread);
    connect(&m_thread, &QThread::finished, m_server, &QObject::deleteLater);
    m_thread.start();
}

GatewayService::~GatewayService()
{
    // Connections and upstream calls end on their own thread before it stops.
    QMetaObject::invokeMethod(m_server, [s = m_server] { s->close(); }, Qt::BlockingQueuedConnection);
    m_thread.quit();
    m_thread.wait();
}

void GatewayService::start(const AppConfig &config, const QHash<QString, QString> &providerKeys,
                           const QHash<QByteArray, QString> &tokenHashes)
{
    QMetaObject::invokeMethod(m_server, [this, s = m_server, config, providerKeys, tokenHashes] {
        s->close();
        s->setProviders(config.providers, providerKeys);
        s->setRouting(config.routing);
        s->setTokens(tokenHashes);
        QString error;
        const bool ok = s->listen(config.gateway, &error);
        const quint16 port = s->port();
        const QString host = config.gateway.bindAddress.contains(QLatin1Char(':'))
            ? QLatin1Char('[') + config.gateway.bindAddress + QLatin1Char(']')
            : config.gateway.bindAddress;
        QMetaObject::invokeMethod(this, [this, ok, error, port, host] {
            m_running = ok;
            m_port = ok ? port : 0;
            m_baseUrl = ok ? QStringLiteral("http://%1:%2/v1").arg(host).arg(port) : QString();
            if (ok)
                Q_EMIT started(m_baseUrl);
            else
                Q_EMIT failedToStart(error);
        });
    });
}

void GatewayService::stop()
{
    QMetaObject::invokeMethod(m_server, [this, s = m_server] {
        s->close();
        QMetaObject::invokeMethod(this, [this] {
            const bool was = m_running;
            m_running = false;
            m_baseUrl.clear();
            m_port = 0;
            if (was)
                Q_EMIT stopped();
        });
    });
}

void GatewayService::updateProviders(const AppConfig &config, const QHash<QString, QString> &providerKeys)
{
    QMetaObject::invokeMethod(m_server, [s = m_server, providers = config.providers, routing = config.routing,
                                         capture = config.gateway.capture, providerKeys] {
        s->setProviders(providers, providerKeys);
        s->setRouting(routing);
        s->setCapture(capture);
    });
}

void GatewayService::updateTokens(const QHash<QByteArray, QString> &tokenHashes)
{
    QMetaObject::invokeMethod(m_server, [s = m_server, tokenHashes] { s->setTokens(tokenHashes); });
}

void GatewayService::updateTokenPolicies(const QHash<QString, TokenPolicy> &policies)
{
    QMetaObject::invokeMethod(m_server, [s = m_server, policies] { s->setTokenPolicies(policies); });
}

void GatewayService::seedSpend(const QHash<QString, double> &today, const QHash<QString, double> &thisMonth)
{
    QMetaObject::invokeMethod(m_server, [s = m_server, today, thisMonth] { s->seedSpend(today, thisMonth); });
}

} // namespace patchbay
