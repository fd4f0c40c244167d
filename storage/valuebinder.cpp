#include "valuebinder.h"

#include <QSqlQuery>
#include <QVariant>

namespace patchbay {

void QueryBinder::bindText(int index, const QString &value)
{
    m_query.bindValue(index, value.isNull() ? QStringLiteral("") : value);
}

void QueryBinder::bindUtf8(int index, const QByteArray &value)
{
    m_query.bindValue(index, QString::fromUtf8(value));
}

void QueryBinder::bindBlob(int index, const QByteArray &value)
{
    m_query.bindValue(index, value.isNull() ? QByteArray("") : value);
}

void QueryBinder::bindInt64(int index, qint64 value)
{
    m_query.bindValue(index, value);
}

void QueryBinder::bindDouble(int index, double value)
{
    m_query.bindValue(index, value);
}

void QueryBinder::bindNull(int index)
{
    m_query.bindValue(index, QVariant());
}

} // namespace patchbay
