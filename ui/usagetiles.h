#pragma once

#include "dashboardtypes.h"

#include <QWidget>

#include <array>
#include <optional>

class QLabel;

namespace patchbay {

// The Usage page's row of headline numbers, each with its change against the period before.
class UsageTiles : public QWidget
{
    Q_OBJECT
public:
    enum Tile { SpendToday, SpendMonth, ProjectedMonth, Requests, Tokens, AverageCost, ErrorRate, TileCount };

    explicit UsageTiles(QWidget *parent = nullptr);

    void show(const UsageSnapshot &s);

    // What a tile shows, as numbers: tests compare these with their own sums.
    double value(Tile tile) const { return m_values.at(tile); }
    // Relative change (0.25 = +25 %), except ErrorRate: the difference in rate (0.01 = +1 point).
    // Empty when the period before had nothing to compare with.
    std::optional<double> change(Tile tile) const { return m_changes.at(tile); }
    QString text(Tile tile) const;

    using QWidget::show;

private:
    struct Parts
    {
        QLabel *value;
        QLabel *change;
    };
    void set(Tile tile, double value, std::optional<double> change, const QString &text, const QString &versus,
             bool higherIsWorse);

    std::array<Parts, TileCount> m_parts{};
    std::array<double, TileCount> m_values{};
    std::array<std::optional<double>, TileCount> m_changes{};
};

// "$1,234.56", fewer digits for big sums and more for small ones.
QString formatUsd(double usd);

} // namespace patchbay
