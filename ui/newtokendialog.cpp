#include "newtokendialog.h"

#include "codeblock.h"

#include <QClipboard>
#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QFormLayout>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QStyle>
#include <QVBoxLayout>

namespace patchbay {

NewTokenDialog::NewTokenDialog(const QString &name, const QString &token, const QString &baseUrl, QWidget *parent)
    : QDialog(parent)
{
    setWindowTitle(tr("Token for %1").arg(name));
    // Wide enough for the export line with the whole token on it.
    setMinimumWidth(680);

    auto *warningIcon = new QLabel(this);
    warningIcon->setPixmap(style()->standardIcon(QStyle::SP_MessageBoxWarning).pixmap(32, 32));
    auto *warning = new QLabel(tr("<b>Copy this token now.</b> Patchbay keeps only a fingerprint of it and cannot "
                                  "show it again. If it is lost, revoke it and create a new one."),
                               this);
    warning->setWordWrap(true);
    auto *top = new QHBoxLayout;
    top->setSpacing(12);
    top->addWidget(warningIcon, 0, Qt::AlignTop);
    top->addWidget(warning, 1);

    auto *tokenEdit = new QLineEdit(token, this);
    tokenEdit->setObjectName(QStringLiteral("tokenEdit"));
    tokenEdit->setReadOnly(true);
    tokenEdit->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    tokenEdit->selectAll();
    auto *copy = new QPushButton(tr("&Copy"), this);
    copy->setObjectName(QStringLiteral("copyTokenButton"));
    copy->setToolTip(tr("Copy the token to the clipboard"));
    auto *tokenRow = new QHBoxLayout;
    tokenRow->addWidget(tokenEdit, 1);
    tokenRow->addWidget(copy);
    connect(copy, &QPushButton::clicked, this, [token, copy] {
        QGuiApplication::clipboard()->setText(token);
        copy->setText(tr("Copied"));
    });

    auto *usage = new CodeBlock(this);
    usage->setCode(QStringLiteral("export OPENAI_BASE_URL=%1\nexport OPENAI_API_KEY=%2").arg(baseUrl, token));

    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    buttons->button(QDialogButtonBox::Close)->setText(tr("I have copied it"));
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::accept);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(18, 18, 18, 14);
    layout->setSpacing(12);
    layout->addLayout(top);
    layout->addLayout(tokenRow);
    layout->addWidget(new QLabel(tr("Most OpenAI clients read these variables:"), this));
    layout->addWidget(usage);
    layout->addWidget(buttons);
}

} // namespace patchbay
