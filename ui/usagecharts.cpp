#include "usagecharts.h"

#include "usagetiles.h"

#include <QtCharts/QBarCategoryAxis>
#include <QtCharts/QBarSet>
#include <QtCharts/QChart>
#include <QtCharts/QChartView>
#include <QtCharts/QHorizontalBarSeries>
#include <QtCharts/QStackedBarSeries>
#include <QtCharts/QValueAxis>

#include <QCursor>
#include <QDateTime>
#include <QFileDialog>
#include <QHBoxLayout>
#include <QHash>
#include <QLocale>
#include <QPushButton>
#include <QToolTip>
#include <QVBoxLayout>

namespace patchbay {

namespace {

constexpr qint64 kDayMs = 86'400'000;

QChart *newChart()
{
    auto *chart = new QChart;
    chart->setAnimationOptions(QChart::NoAnimation); // refreshes come often; animation would lag behind
    chart->legend()->setAlignment(Qt::AlignBottom);
    chart->setMargins(QMargins(4, 4, 4, 4));
    chart->setBackgroundRoundness(0);
    return chart;
}

// Day labels in the viewer's zone; the offset is the one the query used.
QStringList dayLabels(const UsageQuery &q, QList<qint64> *starts)
{
    QStringList labels;
    for (qint64 day = q.fromMs; day < q.toMs; day += kDayMs) {
        starts->append(day);
        labels.append(QDateTime::fromMSecsSinceEpoch(day + q.utcOffsetMs, Qt::UTC).date().toString(QStringLiteral("d MMM")));
    }
    return labels;
}

void clearChart(QChart *chart)
{
    chart->removeAllSeries();
    for (QAbstractAxis *axis : chart->axes()) {
        chart->removeAxis(axis);
        delete axis;
    }
}

void setAxes(QChart *chart, QAbstractSeries *series, const QStringList &categories, const QString &valueFormat)
{
    chart->addSeries(series);
    auto *x = new QBarCategoryAxis(chart);
    x->append(categories);
    if (categories.size() > 14)
        x->setLabelsAngle(-90);
    auto *y = new QValueAxis(chart);
    y->setLabelFormat(valueFormat);
    y->setMin(0);
    chart->addAxis(x, Qt::AlignBottom);
    chart->addAxis(y, Qt::AlignLeft);
    series->attachAxis(x);
    series->attachAxis(y);
    y->applyNiceNumbers();
}

} // namespace

UsageCharts::UsageCharts(QWidget *parent)
    : QTabWidget(parent)
{
    setObjectName(QStringLiteral("usageCharts"));
    addTab(wrap(Cost, tr("Cost per day")), tr("Cost"));
    addTab(wrap(Tokens, tr("Tokens per day")), tr("Tokens"));
    addTab(wrap(Requests, tr("Requests and errors per day")), tr("Requests"));
    addTab(wrap(Latency, tr("Latency per model")), tr("Latency"));
}

QWidget *UsageCharts::wrap(Kind kind, const QString &title)
{
    auto *page = new QWidget(this);
    auto *layout = new QVBoxLayout(page);
    layout->setContentsMargins(0, 4, 0, 0);
    auto *view = new QChartView(newChart(), page);
    view->chart()->setTitle(title);
    view->setRenderHint(QPainter::Antialiasing);
    view->setMinimumHeight(220);
    m_views[kind] = view;
    auto *row = new QHBoxLayout;
    row->addStretch(1);
    auto *save = new QPushButton(tr("Save as PNG…"), page);
    save->setObjectName(QStringLiteral("saveChart%1").arg(kind));
    connect(save, &QPushButton::clicked, this, &UsageCharts::saveCurrent);
    row->addWidget(save);
    layout->addWidget(view, 1);
    layout->addLayout(row);
    return page;
}

void UsageCharts::saveCurrent()
{
    const Kind kind = static_cast<Kind>(currentIndex());
    const QString path = QFileDialog::getSaveFileName(this, tr("Save chart"),
                                                      QStringLiteral("patchbay-%1.png").arg(tabText(kind).toLower()),
                                                      tr("PNG images (*.png)"));
    if (!path.isEmpty())
        savePng(kind, path);
}

bool UsageCharts::savePng(Kind kind, const QString &path) const
{
    return m_views[kind]->grab().save(path, "PNG");
}

void UsageCharts::hovered(const QString &text, bool on)
{
    if (on) {
        m_hover = text;
        QToolTip::showText(QCursor::pos(), text, this);
    } else {
        QToolTip::hideText();
    }
}

void UsageCharts::show(const UsageSnapshot &s)
{
    QList<qint64> days;
    const QStringList labels = dayLabels(s.query, &days);
    QHash<qint64, int> dayIndex;
    for (int i = 0; i < days.size(); ++i)
        dayIndex.insert(days.at(i), i);
    // Cost, stacked by the biggest keys (perKey is sorted by cost), the rest as "Other".
    {
        QChart *chart = m_views[Cost]->chart();
        clearChart(chart);
        QHash<QString, int> setOf;
        QStringList names;
        for (const UsageBucket &b : s.perKey) {
            const QString key = bucketKey(b, s.query.by);
            if (names.size() < kMaxStacked || (names.size() == kMaxStacked && s.perKey.size() == kMaxStacked + 1)) {
                setOf.insert(key, static_cast<int>(names.size()));
                names.append(key.isEmpty() ? tr("(none)") : key);
            } else {
                setOf.insert(key, kMaxStacked + 1);
            }
        }
        if (s.perKey.size() > names.size())
            names.append(tr("Other"));
        auto *series = new QStackedBarSeries;
        QList<QList<qreal>> values(names.size(), QList<qreal>(labels.size(), 0));
        for (const UsageBucket &b : s.perDay) {
            const int set = std::min<int>(setOf.value(bucketKey(b, s.query.by)), static_cast<int>(names.size()) - 1);
            values[set][dayIndex.value(b.dayStartMs)] += b.totals.costUsd;
        }
        for (int i = 0; i < names.size(); ++i) {
            auto *set = new QBarSet(names.at(i));
            set->append(values.at(i));
            const QString name = names.at(i);
            connect(set, &QBarSet::hovered, this, [this, set, name, labels](bool on, int index) {
                hovered(QStringLiteral("%1, %2: %3").arg(name, labels.value(index), formatUsd(set->at(index))), on);
            });
            series->append(set);
        }
        setAxes(chart, series, labels, QStringLiteral("$%.2f"));
    }

    // Per day without the grouping: tokens and requests.
    QList<UsageTotals> perDay(labels.size());
    for (const UsageBucket &b : s.perDay) {
        UsageTotals &t = perDay[dayIndex.value(b.dayStartMs)];
        t.requests += b.totals.requests;
        t.errors += b.totals.errors;
        t.cancelled += b.totals.cancelled;
        t.inputTokens += b.totals.inputTokens;
        t.outputTokens += b.totals.outputTokens;
        t.cacheReadTokens += b.totals.cacheReadTokens;
    }
    const auto stacked = [&](Kind kind, const QStringList &names, const std::function<qreal(const UsageTotals &, int)> &value,
                             const QString &format) {
        QChart *chart = m_views[kind]->chart();
        clearChart(chart);
        auto *series = new QStackedBarSeries;
        for (int i = 0; i < names.size(); ++i) {
            auto *set = new QBarSet(names.at(i));
            for (const UsageTotals &t : perDay)
                set->append(value(t, i));
            const QString name = names.at(i);
            connect(set, &QBarSet::hovered, this, [this, set, name, labels](bool on, int index) {
                hovered(QStringLiteral("%1, %2: %3").arg(name, labels.value(index), QLocale().toString(set->at(index), 'f', 0)), on);
            });
            series->append(set);
        }
        setAxes(chart, series, labels, format);
    };
    // Input counts cached tokens too; the stack splits it so the bars add up to what was sent.
    stacked(Tokens, {tr("Input (not cached)"), tr("Input (cached)"), tr("Output")},
            [](const UsageTotals &t, int i) -> qreal {
                return static_cast<qreal>(i == 0 ? t.inputTokens - t.cacheReadTokens : i == 1 ? t.cacheReadTokens : t.outputTokens);
            },
            QStringLiteral("%.0f"));
    stacked(Requests, {tr("Succeeded"), tr("Errors"), tr("Cancelled by the client")},
            [](const UsageTotals &t, int i) -> qreal {
                return static_cast<qreal>(i == 0 ? t.requests - t.errors - t.cancelled : i == 1 ? t.errors : t.cancelled);
            },
            QStringLiteral("%.0f"));
}

void UsageCharts::showLatency(const QList<LatencyStats> &latency)
{
    QChart *chart = m_views[Latency]->chart();
    clearChart(chart);
    QList<LatencyStats> top = latency;
    std::sort(top.begin(), top.end(), [](const LatencyStats &a, const LatencyStats &b) { return a.requests > b.requests; });
    top = top.mid(0, 10);
    QStringList models;
    for (const LatencyStats &s : top)
        models.append(s.provider + QLatin1Char('/') + s.model);
    auto *series = new QHorizontalBarSeries;
    const QStringList names{tr("p50"), tr("p95"), tr("Time to first token p50")};
    for (int i = 0; i < names.size(); ++i) {
        auto *set = new QBarSet(names.at(i));
        for (const LatencyStats &s : top) {
            const qint64 ms = i == 0 ? s.p50Ms : i == 1 ? s.p95Ms : s.ttftP50Ms;
            set->append(static_cast<qreal>(std::max<qint64>(ms, 0)));
        }
        const QString name = names.at(i);
        connect(set, &QBarSet::hovered, this, [this, set, name, models](bool on, int index) {
            hovered(QStringLiteral("%1, %2: %3 ms").arg(models.value(index), name, QLocale().toString(set->at(index), 'f', 0)),
                    on);
        });
        series->append(set);
    }
    chart->addSeries(series);
    auto *y = new QBarCategoryAxis(chart);
    y->append(models);
    auto *x = new QValueAxis(chart);
    x->setLabelFormat(QStringLiteral("%.0f ms"));
    x->setMin(0);
    chart->addAxis(y, Qt::AlignLeft);
    chart->addAxis(x, Qt::AlignBottom);
    series->attachAxis(x);
    series->attachAxis(y);
    x->applyNiceNumbers();
}

} // namespace patchbay
