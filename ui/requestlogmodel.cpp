#include "requestlogmodel.h"

#include <QBrush>
#include <QColor>
#include <QDateTime>
#include <QLocale>

namespace patchbay {

namespace {

const QString kNone = QStringLiteral("—");

QString count(qint64 value)
{
    return value < 0 ? kNone : QLocale().toString(value);
}

// Numbers line up on the right so magnitudes compare at a glance. Qt 6.4's views read an int.
QVariant alignment(int column)
{
    const bool numeric = column >= RequestLogModel::Status && column <= RequestLogModel::Ttfb;
    return ((numeric ? Qt::AlignRight : Qt::AlignLeft) | Qt::AlignVCenter).toInt();
}

QString milliseconds(qint64 value)
{
    if (value < 0)
        return kNone;
    // The ledger keeps whole milliseconds; a local call often takes less than one.
    return value == 0 ? RequestLogModel::tr("<1 ms") : RequestLogModel::tr("%1 ms").arg(QLocale().toString(value));
}

} // namespace

RequestLogModel::RequestLogModel(int capacity, QObject *parent)
    : QAbstractTableModel(parent)
    , m_capacity(qMax(1, capacity))
{
}

void RequestLogModel::setRecords(const QList<UsageRecord> &records)
{
    beginResetModel();
    m_rows = records.mid(0, m_capacity);
    endResetModel();
}

void RequestLogModel::prepend(const UsageRecord &record)
{
    if (m_rows.size() >= m_capacity) {
        const int last = static_cast<int>(m_rows.size()) - 1;
        beginRemoveRows({}, m_capacity - 1, last);
        m_rows.resize(m_capacity - 1);
        endRemoveRows();
    }
    beginInsertRows({}, 0, 0);
    m_rows.prepend(record);
    endInsertRows();
}

int RequestLogModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int RequestLogModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RequestLogModel::display(const UsageRecord &r, int column)
{
    switch (column) {
    case Time: {
        const QDateTime when = QDateTime::fromMSecsSinceEpoch(r.startedAtMs).toLocalTime();
        // Today's rows need only the time; older ones need the day too.
        return when.date() == QDate::currentDate() ? when.toString(QStringLiteral("HH:mm:ss"))
                                                   : when.toString(QStringLiteral("yyyy-MM-dd HH:mm"));
    }
    case Client:
        return r.client.isEmpty() ? kNone : r.client;
    case Model:
        if (r.upstreamModel.isEmpty() || r.upstreamModel == r.requestedModel)
            return r.requestedModel.isEmpty() ? kNone : r.requestedModel;
        return QStringLiteral("%1 → %2").arg(r.requestedModel, r.upstreamModel);
    case Provider:
        return r.provider.isEmpty() ? kNone : r.provider;
    case Status:
        return r.status == 0 ? kNone : QString::number(r.status);
    case Tokens:
        // One column for both keeps the table narrow enough for the Error column to show.
        if (r.inputTokens < 0 && r.outputTokens < 0)
            return kNone;
        return QStringLiteral("%1 / %2").arg(count(r.inputTokens), count(r.outputTokens));
    case Latency:
        return milliseconds(r.latencyMs);
    case Ttfb:
        return milliseconds(r.ttfbMs);
    case Error:
        return r.error.section(QLatin1Char('\n'), 0, 0);
    }
    return {};
}

QVariant RequestLogModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const UsageRecord &r = m_rows.at(index.row());
    if (role == RecordRole)
        return QVariant::fromValue(r);
    return cell(r, index.column(), role);
}

QVariant RequestLogModel::cell(const UsageRecord &r, int column, int role)
{
    switch (role) {
    case Qt::DisplayRole:
        return display(r, column);
    case Qt::ToolTipRole:
        if (column == Time)
            return QDateTime::fromMSecsSinceEpoch(r.startedAtMs).toLocalTime().toString(Qt::ISODateWithMs);
        if (column == Error && !r.error.isEmpty())
            return r.error;
        if (column == Model)
            return QStringLiteral("%1 %2%3").arg(r.endpoint, r.stream ? QStringLiteral("(stream) ") : QString(),
                                                 display(r, Model).toString());
        return {};
    case Qt::TextAlignmentRole:
        return alignment(column);
    case Qt::ForegroundRole:
        if ((column == Status || column == Error) && (r.status >= 400 || !r.error.isEmpty()))
            return QBrush(QColor(0xc6, 0x28, 0x28));
        return {};
    }
    return {};
}

QVariant RequestLogModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return {};
    return header(section, role);
}

QVariant RequestLogModel::header(int section, int role)
{
    static const QStringList titles{tr("Time"),           tr("Client"),  tr("Model"), tr("Provider"), tr("Status"),
                                    tr("Tokens in / out"), tr("Latency"), tr("TTFB"),  tr("Error")};
    if (role == Qt::DisplayRole)
        return titles.value(section);
    if (role == Qt::ToolTipRole && section == Ttfb)
        return tr("Time to the first byte of the provider's answer");
    if (role == Qt::ToolTipRole && section == Tokens)
        return tr("Input and output tokens, as the provider reported them");
    if (role == Qt::ToolTipRole && section == Latency)
        return tr("Time until the last byte went to the program");
    if (role == Qt::ToolTipRole && section == Model)
        return tr("The model the program asked for → the model the provider was sent");
    if (role == Qt::TextAlignmentRole)
        return alignment(section);
    return {};
}

} // namespace patchbay
