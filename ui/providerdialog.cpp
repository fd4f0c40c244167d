#include "providerdialog.h"

#include "modellistfetcher.h"
#include "secretstore.h"
#include "workspace.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QUrl>
#include <QVBoxLayout>

namespace patchbay {

namespace {

// "localhost:11434" tells apart two local servers where the bare host would not.
QString hostOf(const QString &text)
{
    const QUrl url(text.trimmed());
    return url.port() > 0 ? QStringLiteral("%1:%2").arg(url.host()).arg(url.port()) : url.host();
}

} // namespace

ProviderDialog::ProviderDialog(Workspace *workspace, std::optional<ProviderConfig> existing, QWidget *parent)
    : QDialog(parent)
    , m_workspace(workspace)
    , m_existing(std::move(existing))
    , m_fetcher(new ModelListFetcher(this))
    , m_name(new QLineEdit(this))
    , m_baseUrl(new QLineEdit(this))
    , m_key(new QLineEdit(this))
    , m_models(new QPlainTextEdit(this))
    , m_test(new QPushButton(tr("&Test connection"), this))
    , m_status(new QLabel(this))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this))
    , m_save(m_buttons->button(QDialogButtonBox::Save))
{
    setWindowTitle(m_existing ? tr("Edit %1").arg(m_existing->name) : tr("Add provider"));
    setMinimumWidth(520);

    m_name->setObjectName(QStringLiteral("nameEdit"));
    m_name->setPlaceholderText(tr("OpenAI"));
    m_name->setToolTip(tr("Shown in Patchbay. The first provider named \"OpenAI\" gets the id \"openai\", "
                          "which programs use in model names such as openai/gpt-4o."));

    m_baseUrl->setObjectName(QStringLiteral("baseUrlEdit"));
    m_baseUrl->setPlaceholderText(QStringLiteral("https://api.openai.com/v1"));
    m_baseUrl->setToolTip(tr("The address of the provider's OpenAI-compatible API, up to and including /v1.\n"
                             "Ollama: http://localhost:11434/v1   LM Studio: http://localhost:1234/v1"));

    m_key->setObjectName(QStringLiteral("keyEdit"));
    m_key->setEchoMode(QLineEdit::Password);
    m_key->setClearButtonEnabled(true);
    m_key->setToolTip(tr("Stored only in the system keychain, never in Patchbay's files.\n"
                         "Leave it empty for local servers that need no key."));
    if (!m_existing || m_existing->keyRef.isEmpty())
        m_key->setPlaceholderText(m_existing ? tr("None: this server needs no key") : tr("sk-…  (empty for local servers)"));
    else if (m_existing->keyRef.startsWith(QLatin1String("env:")))
        m_key->setPlaceholderText(tr("Empty: keep reading $%1").arg(m_existing->keyRef.mid(4)));
    else
        m_key->setPlaceholderText(tr("Empty: keep the key stored in the keychain"));

    m_models->setObjectName(QStringLiteral("modelsEdit"));
    m_models->setPlaceholderText(tr("One per line or separated by commas, e.g.\ngpt-4o\ngpt-4o-mini\n\n"
                                    "Or press Test connection to fetch the provider's list."));
    m_models->setToolTip(tr("The models Patchbay offers from this provider."));
    m_models->setTabChangesFocus(true);
    m_models->setMinimumHeight(140);

    m_test->setObjectName(QStringLiteral("testButton"));
    m_test->setToolTip(tr("Asks the provider for its models (GET <base URL>/models) with this key, "
                          "and fills in the list."));
    m_status->setObjectName(QStringLiteral("statusLabel"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_status->hide();
    m_save->setObjectName(QStringLiteral("saveButton"));

    if (m_existing) {
        m_name->setText(m_existing->name);
        m_baseUrl->setText(m_existing->baseUrl);
        m_models->setPlainText(m_existing->models.join(QLatin1Char('\n')));
    }

    auto *modelsBox = new QVBoxLayout;
    modelsBox->setSpacing(6);
    modelsBox->addWidget(m_models);
    auto *testRow = new QHBoxLayout;
    testRow->addWidget(m_test);
    testRow->addStretch();
    modelsBox->addLayout(testRow);

    auto *form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::ExpandingFieldsGrow);
    form->setLabelAlignment(Qt::AlignRight | Qt::AlignVCenter);
    form->setVerticalSpacing(10);
    form->addRow(tr("&Name:"), m_name);
    form->addRow(tr("&Base URL:"), m_baseUrl);
    form->addRow(tr("API &key:"), m_key);
    // addRow(QString, QLayout *) makes no buddy, so the label's mnemonic needs one set by hand.
    auto *modelsLabel = new QLabel(tr("&Models:"), this);
    modelsLabel->setBuddy(m_models);
    form->addRow(modelsLabel, modelsBox);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(18, 18, 18, 14);
    layout->setSpacing(12);
    layout->addLayout(form);
    layout->addWidget(m_status);
    layout->addWidget(m_buttons);

    connect(m_buttons, &QDialogButtonBox::accepted, this, &ProviderDialog::save);
    connect(m_buttons, &QDialogButtonBox::rejected, this, &ProviderDialog::reject);
    connect(m_test, &QPushButton::clicked, this, &ProviderDialog::test);
    connect(m_name, &QLineEdit::textChanged, this, &ProviderDialog::updateButtons);
    connect(m_baseUrl, &QLineEdit::textChanged, this, &ProviderDialog::updateButtons);
    connect(m_fetcher, &ModelListFetcher::succeeded, this, [this](const QStringList &models) {
        m_testing = false;
        updateButtons();
        if (models.isEmpty()) {
            showStatus(tr("Connected, but %1 lists no models. Type the ones you want above.")
                           .arg(hostOf(m_baseUrl->text())),
                       Tone::Success);
            return;
        }
        m_models->setPlainText(models.join(QLatin1Char('\n')));
        const QString offer = models.size() == 1 ? tr("1 model") : tr("%1 models").arg(models.size());
        showStatus(tr("Connected: %1 offers %2. Delete the ones you don't want to use.")
                       .arg(hostOf(m_baseUrl->text()), offer),
                   Tone::Success);
    });
    connect(m_fetcher, &ModelListFetcher::failed, this, [this](const QString &error) {
        m_testing = false;
        updateButtons();
        showStatus(error, Tone::Error);
    });
    updateButtons();
}

ProviderDialog::~ProviderDialog() = default;

QStringList ProviderDialog::splitModels(const QString &text)
{
    static const QRegularExpression separators(QStringLiteral("[,\\n\\r]+"));
    QStringList out;
    for (const QString &part : text.split(separators, Qt::SkipEmptyParts)) {
        const QString name = part.trimmed();
        if (!name.isEmpty() && !out.contains(name))
            out.append(name);
    }
    return out;
}

void ProviderDialog::reject()
{
    // Closing half-way would leave a key in the keychain with no provider pointing at it.
    if (m_saving)
        return;
    QDialog::reject();
}

QString ProviderDialog::baseUrlProblem() const
{
    const QUrl url(m_baseUrl->text().trimmed());
    if (!url.isValid() || (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https"))
        || url.host().isEmpty())
        return tr("The base URL must start with http:// or https://, e.g. https://api.openai.com/v1.");
    return {};
}

void ProviderDialog::updateButtons()
{
    const bool filled = !m_name->text().trimmed().isEmpty() && !m_baseUrl->text().trimmed().isEmpty();
    m_save->setEnabled(filled && !m_saving);
    m_test->setEnabled(!m_baseUrl->text().trimmed().isEmpty() && !m_testing && !m_saving);
    m_buttons->button(QDialogButtonBox::Cancel)->setEnabled(!m_saving);
}

void ProviderDialog::setBusy(bool busy)
{
    m_saving = busy;
    for (QWidget *w : {static_cast<QWidget *>(m_name), static_cast<QWidget *>(m_baseUrl),
                       static_cast<QWidget *>(m_key), static_cast<QWidget *>(m_models)})
        w->setEnabled(!busy);
    updateButtons();
}

void ProviderDialog::showStatus(const QString &text, Tone tone)
{
    // Fixed colours: the palette has no "good" or "bad" role.
    static const QHash<Tone, QString> colours{{Tone::Neutral, QString()},
                                              {Tone::Success, QStringLiteral("#1a7f37")},
                                              {Tone::Error, QStringLiteral("#c62828")}};
    const QString colour = colours.value(tone);
    m_status->setStyleSheet(colour.isEmpty() ? QString() : QStringLiteral("color: %1;").arg(colour));
    m_status->setText(text);
    m_status->setVisible(!text.isEmpty());
}

void ProviderDialog::test()
{
    if (const QString problem = baseUrlProblem(); !problem.isEmpty()) {
        showStatus(problem, Tone::Error);
        return;
    }
    m_testing = true;
    updateButtons();
    const QString baseUrl = m_baseUrl->text().trimmed();
    const QMap<QString, QString> headers = m_existing ? m_existing->headers : QMap<QString, QString>{};
    showStatus(tr("Asking %1 for its models…").arg(hostOf(baseUrl)), Tone::Neutral);

    const QString typed = m_key->text().trimmed();
    if (!typed.isEmpty() || !m_existing || m_existing->keyRef.isEmpty()) {
        m_fetcher->fetch(baseUrl, typed, headers);
    } else if (m_existing->keyRef.startsWith(QLatin1String("env:"))) {
        m_fetcher->fetch(baseUrl, qEnvironmentVariable(qPrintable(m_existing->keyRef.mid(4))), headers);
    } else {
        // The field is empty on edit: test with the key already stored.
        m_workspace->secrets()->read(m_existing->id, this, [this, baseUrl, headers](const SecretResult &r) {
            if (!r.ok) {
                m_testing = false;
                updateButtons();
                showStatus(r.error, Tone::Error);
                return;
            }
            m_fetcher->fetch(baseUrl, r.secret, headers);
        });
    }
}

void ProviderDialog::save()
{
    if (m_saving)
        return;
    if (m_name->text().trimmed().isEmpty()) {
        showStatus(tr("Enter a name for the provider."), Tone::Error);
        return;
    }
    if (const QString problem = baseUrlProblem(); !problem.isEmpty()) {
        showStatus(problem, Tone::Error);
        return;
    }
    m_fetcher->cancel();
    m_testing = false;
    const QString id = m_existing ? m_existing->id : m_workspace->config().uniqueProviderId(m_name->text().trimmed());
    const QString key = m_key->text().trimmed();
    if (key.isEmpty()) {
        commit(id, false);
        return;
    }
    setBusy(true);
    showStatus(tr("Storing the key in the system keychain…"), Tone::Neutral);
    m_workspace->secrets()->write(id, key, this, [this, id](const SecretResult &r) {
        if (!r.ok) {
            setBusy(false);
            showStatus(tr("Nothing was saved. %1").arg(r.error), Tone::Error);
            return;
        }
        commit(id, true);
    });
}

void ProviderDialog::commit(const QString &id, bool wroteKey)
{
    const AppConfig before = m_workspace->config();
    AppConfig config = before;
    ProviderConfig provider = m_existing.value_or(ProviderConfig{});
    provider.id = id;
    provider.name = m_name->text().trimmed();
    provider.baseUrl = m_baseUrl->text().trimmed();
    provider.models = splitModels(m_models->toPlainText());
    if (wroteKey)
        provider.keyRef = provider.keychainRef();

    bool replaced = false;
    for (ProviderConfig &p : config.providers) {
        if (p.id == id) {
            p = provider;
            replaced = true;
        }
    }
    if (!replaced)
        config.providers.append(provider);

    if (config == before) {
        // Only the key changed; the gateway still has to pick it up.
        m_workspace->reloadKeys();
    } else if (QString error; !m_workspace->saveConfig(config, &error)) {
        if (wroteKey && !m_existing)
            m_workspace->secrets()->remove(id, nullptr, [](const SecretResult &) {});
        setBusy(false);
        showStatus(tr("The provider was not saved: %1").arg(error), Tone::Error);
        return;
    }
    m_saving = false;
    m_savedId = id;
    accept();
}

} // namespace patchbay
