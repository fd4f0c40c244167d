#include "usagetiles.h"

#include <QFrame>
#include <QGridLayout>
#include <QLabel>
#include <QLocale>
#include <QVBoxLayout>

namespace patchbay {

namespace {

std::optional<double> relative(double now, double before)
{
    if (before <= 0)
        return std::nullopt;
    return (now - before) / before;
}

double rate(qint64 part, qint64 whole)
{
    return whole > 0 ? static_cast<double>(part) / static_cast<double>(whole) : 0;
}

} // namespace

QString formatUsd(double usd)
{
    const QLocale locale;
    const int decimals = usd == 0 ? 2 : usd < 0.01 ? 4 : usd < 1000 ? 2 : 0;
    return QStringLiteral("$") + locale.toString(usd, 'f', decimals);
}

UsageTiles::UsageTiles(QWidget *parent)
    : QWidget(parent)
{
    const QString titles[TileCount] = {tr("Spend today"), tr("This month"),   tr("Projected month end"),
                                       tr("Requests"),    tr("Tokens"),       tr("Avg. cost per request"),
                                       tr("Error rate")};
    const char *const names[TileCount] = {"spendToday", "spendMonth", "projectedMonth", "requests",
                                          "tokens",     "averageCost", "errorRate"};
    auto *grid = new QGridLayout(this);
    grid->setContentsMargins(0, 0, 0, 0);
    grid->setSpacing(8);
    for (int i = 0; i < TileCount; ++i) {
        auto *frame = new QFrame(this);
        frame->setObjectName(QStringLiteral("tile_%1").arg(QLatin1String(names[i])));
        frame->setFrameShape(QFrame::StyledPanel);
        auto *box = new QVBoxLayout(frame);
        box->setContentsMargins(10, 8, 10, 8);
        box->setSpacing(2);
        auto *title = new QLabel(titles[i], frame);
        title->setForegroundRole(QPalette::PlaceholderText);
        auto *value = new QLabel(QStringLiteral("—"), frame);
        QFont big = value->font();
        big.setPointSizeF(big.pointSizeF() * 1.5);
        big.setBold(true);
        value->setFont(big);
        auto *change = new QLabel(frame);
        box->addWidget(title);
        box->addWidget(value);
        box->addWidget(change);
        m_parts[static_cast<size_t>(i)] = {value, change};
        grid->addWidget(frame, 0, i);
    }
}

QString UsageTiles::text(Tile tile) const
{
    return m_parts.at(tile).value->text();
}

void UsageTiles::set(Tile tile, double value, std::optional<double> change, const QString &text,
                     const QString &versus, bool higherIsWorse)
{
    m_values[tile] = value;
    m_changes[tile] = change;
    m_parts[tile].value->setText(text);
    QLabel *label = m_parts[tile].change;
    if (!change) {
        label->setText(tr("nothing to compare %1").arg(versus));
        label->setStyleSheet({});
        return;
    }
    const QLocale locale;
    const double c = *change;
    const QString arrow = c > 0 ? QStringLiteral("▲") : c < 0 ? QStringLiteral("▼") : QStringLiteral("=");
    const QString amount = tile == ErrorRate ? tr("%1 pts").arg(locale.toString(std::abs(c) * 100, 'f', 1))
                                             : QStringLiteral("%1 %").arg(locale.toString(std::abs(c) * 100, 'f', 0));
    label->setText(QStringLiteral("%1 %2 %3").arg(arrow, amount, versus));
    // Red for what the user would rather not see grow (spend, errors), green for the reverse.
    const bool bad = higherIsWorse ? c > 0 : c < 0;
    label->setStyleSheet(c == 0 ? QString() : bad ? QStringLiteral("color: #c62828;") : QStringLiteral("color: #2e7d32;"));
}

void UsageTiles::show(const UsageSnapshot &s)
{
    const QLocale locale;
    const QString beforeRange = tr("vs the period before");
    set(SpendToday, s.today.costUsd, relative(s.today.costUsd, s.yesterday.costUsd), formatUsd(s.today.costUsd),
        tr("vs yesterday"), true);
    set(SpendMonth, s.monthToDate.costUsd, relative(s.monthToDate.costUsd, s.previousMonthToDate.costUsd),
        formatUsd(s.monthToDate.costUsd), tr("vs last month so far"), true);
    const double projected = s.monthElapsed > 0 ? s.monthToDate.costUsd / s.monthElapsed : 0;
    set(ProjectedMonth, projected, relative(projected, s.previousMonth.costUsd), formatUsd(projected),
        tr("vs last month"), true);
    set(Requests, static_cast<double>(s.current.requests),
        relative(static_cast<double>(s.current.requests), static_cast<double>(s.previous.requests)),
        locale.toString(s.current.requests), beforeRange, false);
    const qint64 tokens = s.current.inputTokens + s.current.outputTokens;
    const qint64 tokensBefore = s.previous.inputTokens + s.previous.outputTokens;
    set(Tokens, static_cast<double>(tokens), relative(static_cast<double>(tokens), static_cast<double>(tokensBefore)),
        locale.toString(tokens), beforeRange, false);
    const double average = s.current.requests > 0 ? s.current.costUsd / static_cast<double>(s.current.requests) : 0;
    const double averageBefore
        = s.previous.requests > 0 ? s.previous.costUsd / static_cast<double>(s.previous.requests) : 0;
    set(AverageCost, average, relative(average, averageBefore), formatUsd(average), beforeRange, true);
    const double errors = rate(s.current.errors, s.current.requests);
    const std::optional<double> errorChange
        = s.previous.requests > 0 ? std::optional<double>(errors - rate(s.previous.errors, s.previous.requests))
                                  : std::nullopt;
    set(ErrorRate, errors, errorChange, QStringLiteral("%1 %").arg(locale.toString(errors * 100, 'f', 1)), beforeRange,
        true);
    // Calls without a price add nothing to spend, so say when the sums are only a lower bound.
    const QString unpriced = s.current.unpriced > 0
                                 ? tr("%1 calls in the range had no price; spend is at least what is shown.")
                                       .arg(locale.toString(s.current.unpriced))
                                 : QString();
    m_parts[Requests].value->setToolTip(unpriced);
    m_parts[AverageCost].value->setToolTip(unpriced);
}

} // namespace patchbay
