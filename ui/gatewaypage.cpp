#include "gatewaypage.h"

#include "accesstokenspanel.h"
#include "capturesettings.h"
#include "noticebanner.h"
#include "pageheader.h"
#include "gatewaymodelnames.h"
#include "routingeditor.h"
#include "snippetspanel.h"
#include "workspace.h"

#include <QClipboard>
#include <QComboBox>
#include <QFontDatabase>
#include <QFormLayout>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QTabWidget>
#include <QUrl>
#include <QVBoxLayout>

namespace patchbay {

namespace {

const QString kLoopback = QStringLiteral("127.0.0.1");
const QString kEverywhere = QStringLiteral("0.0.0.0");

// A tab whose content may be taller than the window: it scrolls instead of squeezing.
QScrollArea *scrolling(QWidget *content)
{
    auto *area = new QScrollArea;
    area->setWidgetResizable(true);
    area->setFrameShape(QFrame::NoFrame);
    // The panels have no margins of their own, being made to sit inside a box.
    if (content->layout())
        content->layout()->setContentsMargins(10, 10, 10, 10);
    area->setWidget(content);
    return area;
}

// A program on this machine cannot call 0.0.0.0; the snippets show the loopback address then.
QString callableUrl(const QString &baseUrl)
{
    QUrl url(baseUrl);
    if (url.host() == kEverywhere)
        url.setHost(kLoopback);
    else if (url.host() == QLatin1String("::"))
        url.setHost(QStringLiteral("::1"));
    return url.toString();
}

} // namespace

GatewayPage::GatewayPage(Workspace *workspace, QWidget *parent)
    : QWidget(parent)
    , m_workspace(workspace)
    , m_tabs(new QTabWidget(this))
    , m_dot(new QLabel(this))
    , m_state(new QLabel(this))
    , m_error(new QLabel(this))
    , m_url(new QLineEdit(this))
    , m_copy(new QPushButton(tr("&Copy"), this))
    , m_bind(new QComboBox(this))
    , m_address(new QLineEdit(this))
    , m_port(new QSpinBox(this))
    , m_bindWarning(new NoticeBanner(this))
    , m_bindError(new QLabel(this))
    , m_tokens(new AccessTokensPanel(workspace, this))
    , m_routing(new RoutingEditor(workspace, this))
    , m_snippets(new SnippetsPanel(this))
{
    m_tabs->setObjectName(QStringLiteral("gatewayTabs"));
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
    m_url->setToolTip(tr("The OpenAI-compatible address programs call"));
    m_copy->setObjectName(QStringLiteral("copyUrlButton"));
    m_copy->setToolTip(tr("Copy the base URL to the clipboard"));

    m_bind->setObjectName(QStringLiteral("bindCombo"));
    m_bind->addItem(tr("Only this computer (127.0.0.1)"), kLoopback);
    m_bind->addItem(tr("Every network interface (0.0.0.0)"), kEverywhere);
    m_bind->addItem(tr("A specific address"), QString());
    m_address->setObjectName(QStringLiteral("bindAddressEdit"));
    m_address->setPlaceholderText(tr("e.g. 192.168.1.20"));
    m_port->setObjectName(QStringLiteral("portSpin"));
    m_port->setRange(1, 65535);
    m_bindWarning->setAccessibleName(tr("Network warning"));
    m_bindError->setObjectName(QStringLiteral("bindError"));
    m_bindError->setWordWrap(true);
    m_bindError->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_bindError->setStyleSheet(QStringLiteral("color: #c62828;"));
    m_bindError->hide();
    auto *apply = new QPushButton(tr("&Apply and restart"), this);
    apply->setObjectName(QStringLiteral("applyBindButton"));
    apply->setToolTip(tr("Save the address and port; the gateway stops and listens again there"));

    auto *stateRow = new QHBoxLayout;
    stateRow->setSpacing(8);
    stateRow->addWidget(m_dot);
    stateRow->addWidget(m_state);
    stateRow->addStretch();
    auto *urlRow = new QHBoxLayout;
    urlRow->addWidget(new QLabel(tr("Base URL:"), this));
    urlRow->addWidget(m_url, 1);
    urlRow->addWidget(m_copy);
    auto *addressRow = new QHBoxLayout;
    addressRow->addWidget(m_bind);
    addressRow->addWidget(m_address, 1);
    auto *bindForm = new QFormLayout;
    bindForm->setFieldGrowthPolicy(QFormLayout::ExpandingFieldsGrow);
    bindForm->addRow(tr("Listen on:"), addressRow);
    auto *portRow = new QHBoxLayout;
    portRow->addWidget(m_port);
    portRow->addStretch();
    portRow->addWidget(apply);
    bindForm->addRow(tr("Port:"), portRow);

    auto *server = new QWidget;
    auto *serverLayout = new QVBoxLayout(server);
    serverLayout->setSpacing(10);
    serverLayout->addLayout(stateRow);
    serverLayout->addWidget(m_error);
    serverLayout->addLayout(urlRow);
    auto *bindAbout = new QLabel(tr("By default only programs on this computer can reach the gateway. Listen on a "
                                    "network address to serve other machines too."),
                                 server);
    bindAbout->setWordWrap(true);
    serverLayout->addSpacing(8);
    serverLayout->addWidget(bindAbout);
    serverLayout->addLayout(bindForm);
    serverLayout->addWidget(m_bindWarning);
    serverLayout->addWidget(m_bindError);
    serverLayout->addSpacing(8);
    auto *capture = new CaptureSettings(workspace, server);
    serverLayout->addWidget(capture);
    serverLayout->addStretch();

    m_tabs->addTab(scrolling(server), tr("Server"));
    m_tabs->addTab(m_tokens, tr("Access tokens"));
    m_tabs->addTab(scrolling(m_routing), tr("Aliases and routes"));
    m_tabs->addTab(scrolling(m_snippets), tr("Snippets"));

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(20, 16, 20, 16);
    layout->setSpacing(12);
    layout->addWidget(createPageHeader(tr("Gateway"),
                                       tr("The local server that programs call instead of the providers."), this));
    layout->addWidget(m_tabs, 1);

    connect(m_copy, &QPushButton::clicked, this, [this] {
        QGuiApplication::clipboard()->setText(m_url->text());
        Q_EMIT statusMessage(tr("Copied %1 to the clipboard.").arg(m_url->text()));
    });
    connect(m_bind, &QComboBox::currentIndexChanged, this, [this] {
        const QString fixed = m_bind->currentData().toString();
        m_address->setEnabled(fixed.isEmpty());
        if (!fixed.isEmpty())
            m_address->setText(fixed);
        updateBindWarning();
    });
    connect(m_address, &QLineEdit::textChanged, this, &GatewayPage::updateBindWarning);
    connect(apply, &QPushButton::clicked, this, &GatewayPage::applyBind);
    connect(m_tokens, &AccessTokensPanel::statusMessage, this, &GatewayPage::statusMessage);
    connect(capture, &CaptureSettings::statusMessage, this, &GatewayPage::statusMessage);
    connect(m_routing, &RoutingEditor::statusMessage, this, &GatewayPage::statusMessage);
    connect(m_workspace, &Workspace::gatewayStatusChanged, this, &GatewayPage::showStatus);
    connect(m_workspace, &Workspace::configChanged, this, [this](const AppConfig &config) {
        showBind(config);
        updateSnippets();
    });
    showBind(m_workspace->config());
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
    updateSnippets();
}

void GatewayPage::showBind(const AppConfig &config)
{
    const QString address = config.gateway.bindAddress;
    const int index = m_bind->findData(address);
    m_bind->setCurrentIndex(index >= 0 ? index : m_bind->findData(QString()));
    m_address->setText(address);
    m_address->setEnabled(index < 0);
    m_port->setValue(config.gateway.port);
    updateBindWarning();
}

QString GatewayPage::chosenAddress() const
{
    const QString fixed = m_bind->currentData().toString();
    return fixed.isEmpty() ? m_address->text().trimmed() : fixed;
}

void GatewayPage::updateBindWarning()
{
    GatewayConfig probe;
    probe.bindAddress = chosenAddress();
    if (probe.bindAddress.isEmpty() || probe.isLoopback()) {
        m_bindWarning->setMessages({});
        return;
    }
    m_bindWarning->setMessages(
        {tr("Other machines that can reach %1 can call the gateway and spend your provider credit.")
             .arg(probe.bindAddress),
         tr("Tokens cannot be switched off while the gateway listens on a network address: give each program "
            "its own token, and revoke any you no longer use.")});
}

void GatewayPage::applyBind()
{
    AppConfig config = m_workspace->config();
    config.gateway.bindAddress = chosenAddress();
    config.gateway.port = quint16(m_port->value());
    // On a network address tokens are not optional; config validation would refuse it anyway.
    if (!config.gateway.isLoopback())
        config.gateway.requireTokens = true;
    QString error;
    if (!m_workspace->saveConfig(config, &error)) {
        m_bindError->setText(tr("Nothing was saved. %1").arg(error));
        m_bindError->show();
        return;
    }
    m_bindError->hide();
    Q_EMIT statusMessage(tr("Saved: the gateway listens on %1, port %2.").arg(config.gateway.bindAddress).arg(config.gateway.port));
}

void GatewayPage::updateSnippets()
{
    const AppConfig config = m_workspace->config();
    // The example model: an alias if there is one (the point of having them), else any model.
    QString model = QStringLiteral("provider/model");
    const QStringList names = gatewayModelNames(config);
    if (!config.routing.aliases.isEmpty())
        model = config.routing.aliases.first().name;
    else if (!names.isEmpty())
        model = names.first();
    m_snippets->setTarget(callableUrl(m_workspace->gatewayStatus().baseUrl), QString(), model);
}

} // namespace patchbay
