#pragma once

#include "dashboardtypes.h"

#include <QTabWidget>

class QChartView;
class QLabel;

namespace patchbay {

// The Usage page's charts, one per tab: cost per day stacked by the grouping, tokens per day,
// requests and errors per day, latency per model. Hovering a bar shows its exact value.
class UsageCharts : public QTabWidget
{
    Q_OBJECT
public:
    enum Kind { Cost, Tokens, Requests, Latency, KindCount };
    // Keys beyond this many are summed into "Other" so the stack stays readable.
    static constexpr int kMaxStacked = 8;

    explicit UsageCharts(QWidget *parent = nullptr);

    void show(const UsageSnapshot &s);
    void showLatency(const QList<LatencyStats> &latency);
    QChartView *view(Kind kind) const { return m_views[kind]; }
    // The text the last hover produced, e.g. "gpt-4o, 3 Jun: $1.23".
    QString hoverText() const { return m_hover; }
    bool savePng(Kind kind, const QString &path) const;

    using QTabWidget::show;

private:
    QWidget *wrap(Kind kind, const QString &title);
    void saveCurrent();
    void hovered(const QString &text, bool on);

    QChartView *m_views[KindCount] = {};
    QString m_hover;
};

} // namespace patchbay
