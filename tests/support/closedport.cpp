#include "closedport.h"

#include <QTcpServer>

namespace patchbay::testing {

quint16 closedPort()
{
    QTcpServer server;
    server.listen(QHostAddress::LocalHost, 0);
    return server.serverPort(); // free again once server is gone
}

} // namespace patchbay::testing
