#pragma once

#include "appconfig.h"

#include <QWidget>

class QTableWidget;

namespace patchbay {

// A provider's own prices, in USD per million tokens, one row per upstream model ("*" for every
// model): what the provider dialog shows for ProviderConfig::prices.
class PriceOverrides : public QWidget
{
    Q_OBJECT
public:
    explicit PriceOverrides(QWidget *parent = nullptr);

    void setPrices(const QMap<QString, ModelPrice> &prices);
    // The rows as prices; false with a sentence in *error for a row config.json would refuse
    // (no model, no input or output price, a price that is not a number of 0 or more).
    bool prices(QMap<QString, ModelPrice> *out, QString *error) const;

    // Appends a row; the Add button does this with "*" first, then empty names.
    void addRow(const QString &model, const ModelPrice &price = {});

private:
    QTableWidget *m_table;
};

} // namespace patchbay
