#include "codeblock.h"

#include <QClipboard>
#include <QFontDatabase>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QTimer>

namespace patchbay {

CodeBlock::CodeBlock(QWidget *parent)
    : QFrame(parent)
    , m_text(new QLabel(this))
    , m_copy(new QPushButton(tr("Copy"), this))
{
    setFrameShape(QFrame::StyledPanel);
    setBackgroundRole(QPalette::Base);
    setAutoFillBackground(true);
    m_text->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_text->setTextFormat(Qt::PlainText);
    m_text->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_copy->setToolTip(tr("Copy these lines to the clipboard"));
    m_copy->setObjectName(QStringLiteral("copyCodeButton"));

    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(10, 8, 8, 8);
    layout->addWidget(m_text, 1);
    layout->addWidget(m_copy, 0, Qt::AlignTop);

    connect(m_copy, &QPushButton::clicked, this, [this] {
        QGuiApplication::clipboard()->setText(m_code);
        m_copy->setText(tr("Copied"));
        QTimer::singleShot(1500, m_copy, [this] { m_copy->setText(tr("Copy")); });
    });
}

void CodeBlock::setCode(const QString &code)
{
    m_code = code;
    m_text->setText(code);
}

} // namespace patchbay
