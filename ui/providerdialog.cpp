#include "providerdialog.h"

#include "dialectnames.h"
#include "modellistfetcher.h"
#include "priceoverrides.h"
#include "providerpresets.h"
#include "secretstore.h"
#include "workspace.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QFrame>
#include <QHBoxLayout>
#include <QHostAddress>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QUrl>
#include <QVBoxLayout>

namespace patchbay {

namespace {

const QString kCustom = QStringLiteral("custom");

// "localhost:11434" tells apart two local servers where the bare host would not.
QString hostOf(const QString &text)
{
    const QUrl url(text.trimmed());
    return url.port() > 0 ? QStringLiteral("%1:%2").arg(url.host()).arg(url.port()) : url.host();
}

bool isLocal(const QString &baseUrl)
{
    const QString host = QUrl(baseUrl).host();
    return host == QLatin1String("localhost") || QHostAddress(host).isLoopback();
}

// The name a preset gives the provider: "Ollama (this machine)" is a menu entry, "Ollama" a name.
QString nameFor(const ProviderPreset &preset)
{
    static const QRegularExpression aside(QStringLiteral("\\s*\\([^)]*\\)$"));
    return QString(preset.name).remove(aside);
}

// ProviderPresets::forBaseUrl leaves local servers out, as they share a host; on this machine
// the port is what tells Ollama from LM Studio.
const ProviderPreset *presetFor(const QString &baseUrl)
{
    if (const ProviderPreset *preset = ProviderPresets::forBaseUrl(baseUrl))
        return preset;
    if (!isLocal(baseUrl))
        return nullptr;
    const int port = QUrl(baseUrl).port();
    for (const ProviderPreset &preset : ProviderPresets::all()) {
        if (!preset.baseUrl.isEmpty() && isLocal(preset.baseUrl) && QUrl(preset.baseUrl).port() == port)
            return &preset;
    }
    return nullptr;
}

} // namespace

ProviderDialog::ProviderDialog(Workspace *workspace, std::optional<ProviderConfig> existing, QWidget *parent)
    : QDialog(parent)
    , m_workspace(workspace)
    , m_existing(std::move(existing))
    , m_fetcher(new ModelListFetcher(this))
    , m_form(new QFormLayout)
    , m_preset(new QComboBox(this))
    , m_presetHint(new QLabel(this))
    , m_dialectRow(new QWidget(this))
    , m_dialectLabel(new QLabel(m_dialectRow))
    , m_dialect(new QComboBox(m_dialectRow))
    , m_name(new QLineEdit(this))
    , m_baseUrl(new QLineEdit(this))
    , m_keyRow(new QWidget(this))
    , m_key(new QLineEdit(m_keyRow))
    , m_keyLink(new QLabel(m_keyRow))
    , m_models(new QPlainTextEdit(this))
    , m_prices(new PriceOverrides(this))
    , m_test(new QPushButton(tr("&Test connection"), this))
    , m_status(new QLabel(this))
    , m_buttons(new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this))
    , m_save(m_buttons->button(QDialogButtonBox::Save))
{
    setWindowTitle(m_existing ? tr("Edit %1").arg(m_existing->name) : tr("Add provider"));
    setMinimumWidth(560);

    m_preset->setObjectName(QStringLiteral("presetCombo"));
    m_preset->setMaxVisibleItems(20);
    // The form grows only fields that ask to; a combo and a wrapped label do not by default.
    m_preset->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    buildPresetList();
    m_presetHint->setObjectName(QStringLiteral("presetHint"));
    m_presetHint->setWordWrap(true);
    m_presetHint->setForegroundRole(QPalette::PlaceholderText);
    m_presetHint->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    QFont hintFont = m_presetHint->font();
    hintFont.setPointSizeF(hintFont.pointSizeF() * 0.92);
    m_presetHint->setFont(hintFont);

    m_dialectLabel->setObjectName(QStringLiteral("dialectLabel"));
    m_dialectLabel->setToolTip(tr("The preset decides how Patchbay talks to this provider. For a server of your "
                                  "own, choose \"Other OpenAI-compatible server\"."));
    m_dialect->setObjectName(QStringLiteral("dialectCombo"));
    m_dialect->setToolTip(tr("The API the server speaks. Most servers copy OpenAI's; some proxies copy "
                             "Anthropic's."));
    m_dialect->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    auto *dialectLayout = new QHBoxLayout(m_dialectRow);
    dialectLayout->setContentsMargins(0, 0, 0, 0);
    dialectLayout->addWidget(m_dialectLabel);
    dialectLayout->addWidget(m_dialect);
    dialectLayout->addStretch();

    m_name->setObjectName(QStringLiteral("nameEdit"));
    m_name->setToolTip(tr("Shown in Patchbay. The first provider named \"OpenAI\" gets the id \"openai\", "
                          "which programs use in model names such as openai/gpt-4o."));

    m_baseUrl->setObjectName(QStringLiteral("baseUrlEdit"));

    m_key->setObjectName(QStringLiteral("keyEdit"));
    m_key->setEchoMode(QLineEdit::Password);
    m_key->setClearButtonEnabled(true);
    m_key->setToolTip(tr("Stored only in the system keychain, never in Patchbay's files."));
    m_keyLink->setObjectName(QStringLiteral("keyLink"));
    m_keyLink->setTextFormat(Qt::RichText);
    // Opens through QDesktopServices::openUrl, in the user's browser.
    m_keyLink->setOpenExternalLinks(true);
    m_keyLink->hide();
    auto *keyLayout = new QHBoxLayout(m_keyRow);
    keyLayout->setContentsMargins(0, 0, 0, 0);
    keyLayout->setSpacing(10);
    keyLayout->addWidget(m_key, 1);
    keyLayout->addWidget(m_keyLink);

    m_models->setObjectName(QStringLiteral("modelsEdit"));
    m_models->setPlaceholderText(tr("One per line or separated by commas, e.g.\ngpt-4o\ngpt-4o-mini\n\n"
                                    "Or press Test connection to fetch the provider's list."));
    m_models->setToolTip(tr("The models Patchbay offers from this provider."));
    m_models->setTabChangesFocus(true);
    m_models->setMinimumHeight(140);

    m_test->setObjectName(QStringLiteral("testButton"));
    m_status->setObjectName(QStringLiteral("statusLabel"));
    m_status->setWordWrap(true);
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_status->hide();
    m_save->setObjectName(QStringLiteral("saveButton"));

    auto *modelsBox = new QVBoxLayout;
    modelsBox->setSpacing(6);
    modelsBox->addWidget(m_models);
    auto *testRow = new QHBoxLayout;
    testRow->addWidget(m_test);
    testRow->addStretch();
    modelsBox->addLayout(testRow);

    m_form->setFieldGrowthPolicy(QFormLayout::ExpandingFieldsGrow);
    m_form->setLabelAlignment(Qt::AlignRight | Qt::AlignVCenter);
    m_form->setVerticalSpacing(10);
    // The hint belongs to the choice above it, closer than the next row.
    auto *presetBox = new QVBoxLayout;
    presetBox->setSpacing(4);
    presetBox->addWidget(m_preset);
    presetBox->addWidget(m_presetHint);
    auto *presetTitle = new QLabel(tr("&Provider:"), this);
    presetTitle->setBuddy(m_preset);
    m_form->addRow(presetTitle, presetBox);
    auto *dialectTitle = new QLabel(tr("Sp&eaks:"), this);
    dialectTitle->setBuddy(m_dialect);
    m_form->addRow(dialectTitle, m_dialectRow);
    // Which provider above the line, how to reach it below.
    auto *rule = new QFrame(this);
    rule->setFrameShape(QFrame::HLine);
    rule->setFrameShadow(QFrame::Sunken);
    m_form->addRow(rule);
    m_form->addRow(tr("&Name:"), m_name);
    m_form->addRow(tr("&Base URL:"), m_baseUrl);
    auto *keyTitle = new QLabel(tr("API &key:"), this);
    keyTitle->setBuddy(m_key);
    m_form->addRow(keyTitle, m_keyRow);
    // addRow(QString, QLayout *) makes no buddy, so the label's mnemonic needs one set by hand.
    auto *modelsLabel = new QLabel(tr("&Models:"), this);
    modelsLabel->setBuddy(m_models);
    m_form->addRow(modelsLabel, modelsBox);
    m_form->addRow(tr("Prices:"), m_prices);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(18, 18, 18, 14);
    layout->setSpacing(12);
    layout->addLayout(m_form);
    layout->addWidget(m_status);
    layout->addWidget(m_buttons);

    if (m_existing) {
        // The fields stay free to edit; the preset is only shown, for the key link and hints.
        const ProviderPreset *preset = presetFor(m_existing->baseUrl);
        m_presetId = preset ? preset->id : QString();
        m_preset->setCurrentIndex(preset ? m_preset->findData(preset->id) : -1);
        m_preset->setPlaceholderText(tr("A server of your own"));
        m_preset->setEnabled(false);
        m_preset->setToolTip(tr("The preset this provider's address matches."));
        m_name->setText(m_existing->name);
        m_baseUrl->setText(m_existing->baseUrl);
        m_models->setPlainText(m_existing->models.join(QLatin1Char('\n')));
        m_prices->setPrices(m_existing->prices);
        const bool gemini = m_existing->dialect == QLatin1String("gemini")
            || (preset && preset->dialect == QLatin1String("gemini"));
        showDialect(m_existing->dialect, true, gemini);
        m_listsModels = !preset || preset->listsModels;
        setKeyNeed(KeyNeed::Optional, preset ? preset->keyUrl : QString());
        if (m_existing->keyRef.isEmpty())
            m_key->setPlaceholderText(tr("None: this server needs no key"));
        else if (m_existing->keyRef.startsWith(QLatin1String("env:")))
            m_key->setPlaceholderText(tr("Empty: keep reading $%1").arg(m_existing->keyRef.mid(4)));
        else
            m_key->setPlaceholderText(tr("Empty: keep the key stored in the keychain"));
    } else {
        // Nothing chosen yet: the fields work as for a server of the user's own.
        m_preset->setPlaceholderText(tr("Choose a provider…"));
        m_preset->setCurrentIndex(-1);
        showDialect(QStringLiteral("openai"), true, false);
        setKeyNeed(KeyNeed::Optional, QString());
        m_key->setPlaceholderText(tr("sk-…  (empty for servers that need no key)"));
        m_name->setPlaceholderText(tr("OpenAI"));
    }
    updateHints();

    connect(m_preset, &QComboBox::currentIndexChanged, this, [this](int index) {
        if (!m_existing && index >= 0)
            applyPreset(ProviderPresets::find(m_preset->itemData(index).toString()));
    });
    connect(m_dialect, &QComboBox::currentIndexChanged, this, &ProviderDialog::updateHints);
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

void ProviderDialog::buildPresetList()
{
    // Services first, then servers on this machine, then the catch-all, each group apart.
    bool localSeen = false;
    for (const ProviderPreset &preset : ProviderPresets::all()) {
        const bool custom = preset.id == kCustom;
        if (custom || (!localSeen && isLocal(preset.baseUrl))) {
            localSeen = true;
            if (m_preset->count() > 0)
                m_preset->insertSeparator(m_preset->count());
        }
        m_preset->addItem(preset.name, preset.id);
    }
}

void ProviderDialog::selectPreset(const QString &presetId)
{
    if (m_existing)
        return;
    m_preset->setCurrentIndex(m_preset->findData(presetId));
}

void ProviderDialog::applyPreset(const ProviderPreset *preset)
{
    if (!preset)
        return;
    m_fetcher->cancel();
    m_testing = false;
    showStatus(QString(), Tone::Neutral);

    const bool custom = preset->id == kCustom;
    m_presetId = preset->id;
    m_presetName = custom ? QString() : nameFor(*preset);
    m_name->setText(m_presetName);
    m_name->setPlaceholderText(custom ? tr("My server") : nameFor(*preset));
    m_baseUrl->setText(preset->baseUrl);
    m_models->setPlainText(preset->models.join(QLatin1Char('\n')));
    m_listsModels = preset->listsModels;
    showDialect(preset->dialect, custom, false);
    const KeyNeed need = preset->needsKey                      ? KeyNeed::Required
                         : preset->auth == QLatin1String("none") ? KeyNeed::None
                                                                 : KeyNeed::Optional;
    setKeyNeed(need, preset->keyUrl);
    updateHints();
    updateButtons();
    // Straight to what is still missing.
    if (custom)
        m_name->setFocus();
    else if (need == KeyNeed::Required)
        m_key->setFocus();
}

void ProviderDialog::showDialect(const QString &dialect, bool choosable, bool offerGemini)
{
    {
        const QSignalBlocker blocker(m_dialect);
        m_dialect->clear();
        QStringList dialects{QStringLiteral("openai"), QStringLiteral("anthropic")};
        // Gemini's own API is reached through its preset; a "Gemini-compatible" server is not a thing.
        if (offerGemini || dialect == QLatin1String("gemini"))
            dialects << QStringLiteral("gemini");
        // "Anthropic-compatible" describes a server of the user's own, not Anthropic itself.
        for (const QString &d : dialects)
            m_dialect->addItem(m_existing ? DialectNames::longName(d) : DialectNames::compatibleName(d), d);
        m_dialect->setCurrentIndex(std::max(0, m_dialect->findData(dialect)));
    }
    m_fixedDialect = choosable ? QString() : dialect;
    m_dialectLabel->setText(DialectNames::longName(dialect));
    m_dialectLabel->setVisible(!choosable);
    m_dialect->setVisible(choosable);
}

QString ProviderDialog::dialect() const
{
    if (!m_fixedDialect.isEmpty())
        return m_fixedDialect;
    const QString chosen = m_dialect->currentData().toString();
    return chosen.isEmpty() ? QStringLiteral("openai") : chosen;
}

void ProviderDialog::setKeyNeed(KeyNeed need, const QString &keyUrl)
{
    m_keyNeed = need;
    m_form->setRowVisible(m_keyRow, need != KeyNeed::None);
    if (need == KeyNeed::None)
        m_key->clear(); // a key typed for the previous choice must not be stored for this one
    m_key->setPlaceholderText(need == KeyNeed::Required ? tr("Required: paste your API key")
                                                        : tr("Optional: only if the server was started with one"));
    m_keyLink->setText(keyUrl.isEmpty() ? QString()
                                        : QStringLiteral("<a href=\"%1\">%2</a>")
                                              .arg(keyUrl.toHtmlEscaped(), tr("Get a key").toHtmlEscaped()));
    m_keyLink->setToolTip(keyUrl);
    m_keyLink->setVisible(!keyUrl.isEmpty());
}

void ProviderDialog::updateHints()
{
    const QString d = dialect();
    const QString example = d == QLatin1String("gemini")      ? QStringLiteral("https://generativelanguage.googleapis.com/v1beta")
                            : d == QLatin1String("anthropic") ? QStringLiteral("https://api.anthropic.com/v1")
                                                              : QStringLiteral("https://api.openai.com/v1");
    m_baseUrl->setPlaceholderText(m_presetId == kCustom ? QStringLiteral("http://192.168.1.20:8000/v1") : example);
    m_baseUrl->setToolTip(tr("The address of the provider's %1, up to and including %2. A trailing slash or a "
                             "pasted endpoint such as /chat/completions is removed when saving.")
                              .arg(DialectNames::longName(d), DialectNames::versionPath(d)));

    QString hint;
    const ProviderPreset *preset = ProviderPresets::find(m_presetId);
    if (!m_existing && preset) {
        if (preset->id == kCustom)
            hint = tr("Any server that speaks the OpenAI or the Anthropic API: a proxy, a hosted model, a "
                      "server on your network.");
        else if (!preset->listsModels)
            hint = tr("%1 does not list its models, so Patchbay offers the ones below. Add others by name.")
                       .arg(nameFor(*preset));
        else if (isLocal(preset->baseUrl))
            hint = tr("A server on this machine. Start %1, then press Test connection to fetch its models.")
                       .arg(nameFor(*preset));
        else
            hint = tr("The models below are a starting point; Test connection fetches every model your key "
                      "can use.");
    }
    m_presetHint->setText(hint);
    m_presetHint->setVisible(!hint.isEmpty());
    m_test->setToolTip(m_listsModels ? tr("Asks the provider for its models (GET <base URL>/models) with this key, "
                                          "and fills in the list.")
                                     : tr("This provider cannot be asked for its models."));
}

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

ProviderConfig ProviderDialog::formProvider() const
{
    ProviderConfig provider = m_existing.value_or(ProviderConfig{});
    provider.name = m_name->text().trimmed();
    provider.dialect = dialect();
    provider.baseUrl = ProviderPresets::normalizeBaseUrl(m_baseUrl->text(), provider.dialect);
    provider.models = splitModels(m_models->toPlainText());
    // save() refused rows that do not parse before getting here.
    QMap<QString, ModelPrice> prices;
    QString ignored;
    if (m_prices->prices(&prices, &ignored))
        provider.prices = prices;
    return provider;
}

QString ProviderDialog::newProviderId() const
{
    // A preset's own id ("anthropic") unless the user named the provider differently.
    const ProviderPreset *preset = ProviderPresets::find(m_presetId);
    const QString name = m_name->text().trimmed();
    const bool presetName = preset && preset->id != kCustom && name == m_presetName;
    return m_workspace->config().uniqueProviderId(presetName ? preset->id : name);
}

void ProviderDialog::updateButtons()
{
    const bool filled = !m_name->text().trimmed().isEmpty() && !m_baseUrl->text().trimmed().isEmpty();
    m_save->setEnabled(filled && !m_saving);
    m_test->setEnabled(m_listsModels && !m_baseUrl->text().trimmed().isEmpty() && !m_testing && !m_saving);
    m_buttons->button(QDialogButtonBox::Cancel)->setEnabled(!m_saving);
}

void ProviderDialog::setBusy(bool busy)
{
    m_saving = busy;
    for (QWidget *w : {static_cast<QWidget *>(m_preset), static_cast<QWidget *>(m_dialect),
                       static_cast<QWidget *>(m_name), static_cast<QWidget *>(m_baseUrl),
                       static_cast<QWidget *>(m_key), static_cast<QWidget *>(m_models),
                       static_cast<QWidget *>(m_prices)})
        w->setEnabled(!busy);
    m_preset->setEnabled(!busy && !m_existing);
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
    const ProviderConfig provider = formProvider();
    // Show the address actually asked, and that Save will store ("…:11434" becomes "…:11434/v1").
    if (m_baseUrl->text() != provider.baseUrl)
        m_baseUrl->setText(provider.baseUrl);
    m_testing = true;
    updateButtons();
    showStatus(tr("Asking %1 for its models…").arg(hostOf(provider.baseUrl)), Tone::Neutral);

    const QString typed = m_key->text().trimmed();
    if (!typed.isEmpty() || !m_existing || m_existing->keyRef.isEmpty()) {
        m_fetcher->fetch(provider, typed);
    } else if (m_existing->keyRef.startsWith(QLatin1String("env:"))) {
        m_fetcher->fetch(provider, qEnvironmentVariable(qPrintable(m_existing->keyRef.mid(4))));
    } else {
        // The field is empty on edit: test with the key already stored.
        m_workspace->secrets()->read(m_existing->id, this, [this, provider](const SecretResult &r) {
            if (!r.ok) {
                m_testing = false;
                updateButtons();
                showStatus(r.error, Tone::Error);
                return;
            }
            m_fetcher->fetch(provider, r.secret);
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
    QMap<QString, ModelPrice> prices;
    if (QString problem; !m_prices->prices(&prices, &problem)) {
        showStatus(problem, Tone::Error);
        return;
    }
    const QString key = m_key->text().trimmed();
    if (!m_existing && m_keyNeed == KeyNeed::Required && key.isEmpty()) {
        const ProviderPreset *preset = ProviderPresets::find(m_presetId);
        showStatus(m_keyLink->isVisible()
                       ? tr("%1 needs an API key. Paste it above; \"Get a key\" opens the page where you make one.")
                             .arg(preset ? nameFor(*preset) : m_name->text().trimmed())
                       : tr("%1 needs an API key. Paste it above.").arg(m_name->text().trimmed()),
                   Tone::Error);
        m_key->setFocus();
        return;
    }
    m_fetcher->cancel();
    m_testing = false;
    const QString id = m_existing ? m_existing->id : newProviderId();
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
    ProviderConfig provider = formProvider();
    provider.id = id;
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
