#include "gatewaypage.h"

#include "accesstokenspanel.h"
#include "codeblock.h"
#include "pageheader.h"
#include "workspace.h"

#include <QClipboard>
#include <QFontDatabase>
#include <QGroupBox>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace patchbay {

GatewayPage::GatewayPage(Workspace *workspace, QWidget *parent)
    : QWidget(parent)
    , m_workspace(workspace)
    , m_dot(new QLabel(this))
    , m_state(new QLabel(this))
    , m_error(new QLabel(this))
    , m_url(new QLineEdit(this))
    , m_copy(new QPushButton(tr("&Copy"), this))
    , m_howTo(new CodeBlock(this))
    , m_tokens(new AccessTokensPanel(workspace, this))
{
    m_dot->setFixedSize(12, 12);
    m_state->setObjectName(QStringLiteral("gatewayState"));
    QFont bold = m_state->font();
    bold.setBold(true);
    m_state->setFont(bold);
    m_error->setObjectName(QStringLiteral("gatewayError"));
    m_error->setWordWrap(true);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_error->setStyleSheet(QStringLiteral("color: #c62828;"));
    m_url->setObjectName(QStringLiteral("baseUrlField"));
    m_url->setReadOnly(true);
    m_url->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_url->setToolTip(tr("The OpenAI-compatible address programs on this machine call"));
    m_copy->setObjectName(QStringLiteral("copyUrlButton"));
    m_copy->setToolTip(tr("Copy the base URL to the clipboard"));

    auto *stateRow = new QHBoxLayout;
    stateRow->setSpacing(8);
    stateRow->addWidget(m_dot);
    stateRow->addWidget(m_state);
    stateRow->addStretch();
    auto *urlRow = new QHBoxLayout;
    urlRow->addWidget(new QLabel(tr("Base URL:"), this));
    urlRow->addWidget(m_url, 1);
    urlRow->addWidget(m_copy);

    auto *server = new QGroupBox(tr("Server"), this);
    auto *serverLayout = new QVBoxLayout(server);
    serverLayout->setSpacing(8);
    serverLayout->addLayout(stateRow);
    serverLayout->addWidget(m_error);
    serverLayout->addLayout(urlRow);
    auto *howToLabel = new QLabel(tr("Point your program at the base URL, with a token from below as its API key. "
                                     "Most OpenAI clients read these variables:"),
                                  this);
    howToLabel->setWordWrap(true);
    serverLayout->addWidget(howToLabel);
    serverLayout->addWidget(m_howTo);

    auto *tokens = new QGroupBox(tr("Access tokens"), this);
    auto *tokensLayout = new QVBoxLayout(tokens);
    tokensLayout->addWidget(m_tokens);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(20, 16, 20, 16);
    layout->setSpacing(12);
    layout->addWidget(createPageHeader(tr("Gateway"),
                                       tr("The local server that programs on this machine call instead of the "
                                          "providers."),
                                       this));
    layout->addWidget(server);
    layout->addWidget(tokens, 1);

    connect(m_copy, &QPushButton::clicked, this, [this] {
        QGuiApplication::clipboard()->setText(m_url->text());
        Q_EMIT statusMessage(tr("Copied %1 to the clipboard.").arg(m_url->text()));
    });
    connect(m_tokens, &AccessTokensPanel::statusMessage, this, &GatewayPage::statusMessage);
    connect(m_workspace, &Workspace::gatewayStatusChanged, this, &GatewayPage::showStatus);
    showStatus(m_workspace->gatewayStatus());
}

void GatewayPage::showStatus(const GatewayStatus &status)
{
    QString colour;
    switch (status.state) {
    case GatewayStatus::State::Running:
        m_state->setText(tr("Running"));
        colour = QStringLiteral("#2da44e");
        break;
    case GatewayStatus::State::Starting:
        m_state->setText(tr("Starting…"));
        colour = QStringLiteral("#d4a72c");
        break;
    case GatewayStatus::State::Failed:
        m_state->setText(tr("Not running: it could not start"));
        colour = QStringLiteral("#cf222e");
        break;
    case GatewayStatus::State::Stopped:
        m_state->setText(tr("Stopped"));
        colour = QStringLiteral("#8c959f");
        break;
    }
    m_dot->setStyleSheet(QStringLiteral("background: %1; border-radius: 6px;").arg(colour));
    m_error->setText(status.error);
    m_error->setVisible(status.state == GatewayStatus::State::Failed && !status.error.isEmpty());
    m_url->setText(status.baseUrl);
    m_copy->setEnabled(!status.baseUrl.isEmpty());
    m_howTo->setCode(QStringLiteral("export OPENAI_BASE_URL=%1\nexport OPENAI_API_KEY=pb-…   # your token")
                         .arg(status.baseUrl));
}

} // namespace patchbay
