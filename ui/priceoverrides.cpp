#include "priceoverrides.h"

#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QTableWidget>
#include <QVBoxLayout>

namespace patchbay {

namespace {

enum Column { ModelColumn, InputColumn, OutputColumn, CacheReadColumn, CacheWriteColumn, ColumnCount };

QString priceText(const std::optional<double> &price)
{
    return price ? QLocale::c().toString(*price, 'g', 12) : QString();
}

// Both the user's locale ("1,25") and the dot everyone types for money ("1.25").
std::optional<double> parsePrice(const QString &text, bool *ok)
{
    const QString t = text.trimmed().remove(QLatin1Char('$'));
    *ok = true;
    if (t.isEmpty())
        return std::nullopt;
    double value = QLocale::c().toDouble(t, ok);
    if (!*ok)
        value = QLocale().toDouble(t, ok);
    if (!*ok || value < 0) {
        *ok = false;
        return std::nullopt;
    }
    return value;
}

} // namespace

PriceOverrides::PriceOverrides(QWidget *parent)
    : QWidget(parent)
    , m_table(new QTableWidget(0, ColumnCount, this))
{
    m_table->setObjectName(QStringLiteral("priceTable"));
    m_table->setHorizontalHeaderLabels({tr("Model"), tr("Input $/M"), tr("Output $/M"), tr("Cache read $/M"),
                                        tr("Cache write $/M")});
    m_table->horizontalHeader()->setSectionResizeMode(ModelColumn, QHeaderView::Stretch);
    for (int c = InputColumn; c < ColumnCount; ++c)
        m_table->horizontalHeader()->setSectionResizeMode(c, QHeaderView::ResizeToContents);
    m_table->verticalHeader()->hide();
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setMinimumHeight(90);
    m_table->setMaximumHeight(140);
    m_table->setToolTip(tr("USD per million tokens. \"*\" as the model prices every model of this provider; "
                           "empty cache prices pay the input price."));

    auto *add = new QPushButton(tr("Add price"), this);
    add->setObjectName(QStringLiteral("addPriceButton"));
    auto *remove = new QPushButton(tr("Remove"), this);
    remove->setObjectName(QStringLiteral("removePriceButton"));
    auto *hint = new QLabel(tr("Your own prices win over the built-in catalog, e.g. 0 for a local server "
                               "or a negotiated rate. \"*\" = every model."),
                            this);
    hint->setWordWrap(true);
    hint->setForegroundRole(QPalette::PlaceholderText);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(add);
    buttons->addWidget(remove);
    buttons->addWidget(hint, 1);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(6);
    layout->addWidget(m_table);
    layout->addLayout(buttons);

    connect(add, &QPushButton::clicked, this, [this] {
        bool haveStar = false;
        for (int row = 0; row < m_table->rowCount(); ++row)
            haveStar |= m_table->item(row, ModelColumn)->text().trimmed() == QLatin1String("*");
        addRow(haveStar ? QString() : QStringLiteral("*"));
        m_table->editItem(m_table->item(m_table->rowCount() - 1, haveStar ? ModelColumn : InputColumn));
    });
    connect(remove, &QPushButton::clicked, this, [this] {
        if (m_table->currentRow() >= 0)
            m_table->removeRow(m_table->currentRow());
    });
}

void PriceOverrides::addRow(const QString &model, const ModelPrice &price)
{
    const int row = m_table->rowCount();
    m_table->insertRow(row);
    m_table->setItem(row, ModelColumn, new QTableWidgetItem(model));
    const std::optional<double> values[] = {price.inputMtok, price.outputMtok, price.cacheReadMtok, price.cacheWriteMtok};
    for (int c = InputColumn; c < ColumnCount; ++c) {
        auto *item = new QTableWidgetItem(priceText(values[c - InputColumn]));
        item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        m_table->setItem(row, c, item);
    }
    m_table->setCurrentCell(row, ModelColumn);
}

void PriceOverrides::setPrices(const QMap<QString, ModelPrice> &prices)
{
    m_table->setRowCount(0);
    for (auto it = prices.begin(); it != prices.end(); ++it)
        addRow(it.key(), it.value());
}

bool PriceOverrides::prices(QMap<QString, ModelPrice> *out, QString *error) const
{
    QMap<QString, ModelPrice> result;
    for (int row = 0; row < m_table->rowCount(); ++row) {
        const QString model = m_table->item(row, ModelColumn)->text().trimmed();
        std::optional<double> values[4];
        bool allEmpty = model.isEmpty();
        for (int c = InputColumn; c < ColumnCount; ++c) {
            const QString text = m_table->item(row, c)->text();
            allEmpty &= text.trimmed().isEmpty();
            bool ok = true;
            values[c - InputColumn] = parsePrice(text, &ok);
            if (!ok) {
                *error = tr("Price row %1: \"%2\" is not a price; enter dollars per million tokens, e.g. 2.50.")
                             .arg(row + 1)
                             .arg(text.trimmed());
                return false;
            }
        }
        if (allEmpty)
            continue; // a row added and left blank
        if (model.isEmpty()) {
            *error = tr("Price row %1 needs a model name, or \"*\" for every model.").arg(row + 1);
            return false;
        }
        if (!values[0] || !values[1]) {
            *error = tr("The price for %1 needs an input and an output price.").arg(model);
            return false;
        }
        if (result.contains(model)) {
            *error = tr("%1 has two price rows; keep one.").arg(model);
            return false;
        }
        result.insert(model, ModelPrice{values[0], values[1], values[2], values[3]});
    }
    *out = result;
    return true;
}

} // namespace patchbay
