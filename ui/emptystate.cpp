#include "emptystate.h"

#include <QHBoxLayout>
#include <QIcon>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

#include <algorithm>

namespace patchbay {

EmptyState::EmptyState(QWidget *parent)
    : QWidget(parent)
    , m_icon(new QLabel(this))
    , m_title(new QLabel(this))
    , m_text(new QLabel(this))
    , m_action(new QPushButton(this))
    , m_buttonRow(new QHBoxLayout)
{
    QFont titleFont = m_title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.35);
    titleFont.setBold(true);
    m_title->setFont(titleFont);
    m_title->setAlignment(Qt::AlignCenter);
    m_title->setObjectName(QStringLiteral("emptyTitle"));

    m_text->setWordWrap(true);
    m_text->setAlignment(Qt::AlignCenter);
    m_text->setTextFormat(Qt::RichText);
    m_text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_text->setObjectName(QStringLiteral("emptyText"));

    m_icon->setAlignment(Qt::AlignCenter);
    m_icon->hide();
    m_action->setDefault(true);
    m_action->hide();

    // A fixed-width column: a paragraph wider than this is tiring to read, and a word-wrapped
    // label only gets its full height when nothing aligns it inside its layout.
    auto *column = new QWidget(this);
    column->setFixedWidth(460);
    auto *columnLayout = new QVBoxLayout(column);
    columnLayout->setContentsMargins(0, 0, 0, 0);
    columnLayout->setSpacing(12);
    columnLayout->addWidget(m_icon);
    columnLayout->addWidget(m_title);
    columnLayout->addWidget(m_text);

    // Outside the column: a row of several choices may be wider than a paragraph.
    m_buttonRow->setSpacing(8);
    m_buttonRow->addStretch();
    m_buttonRow->addWidget(m_action);
    m_buttonRow->addStretch();

    auto *row = new QHBoxLayout;
    row->addStretch();
    row->addWidget(column);
    row->addStretch();
    auto *layout = new QVBoxLayout(this);
    layout->setSpacing(0);
    layout->addStretch(2);
    layout->addLayout(row);
    layout->addSpacing(18);
    layout->addLayout(m_buttonRow);
    layout->addStretch(3);
}

void EmptyState::setIcon(const QIcon &icon)
{
    m_icon->setPixmap(icon.pixmap(48, 48));
    m_icon->setVisible(!icon.isNull());
}

void EmptyState::setTitle(const QString &title)
{
    m_title->setText(title);
}

void EmptyState::setText(const QString &text)
{
    m_text->setText(text);
}

QPushButton *EmptyState::setAction(const QString &text)
{
    m_action->setText(text);
    m_action->show();
    return m_action;
}

QPushButton *EmptyState::addAction(const QString &text)
{
    auto *button = new QPushButton(text, this);
    // Equal widths read as equal choices; the style's own padding is tight around longer names.
    button->setMinimumWidth(std::max(100, button->sizeHint().width() + 18));
    // Before the closing stretch, so the row stays centred.
    m_buttonRow->insertWidget(m_buttonRow->count() - 1, button);
    return button;
}

} // namespace patchbay
