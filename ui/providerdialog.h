#pragma once

#include "appconfig.h"

#include <QDialog>
#include <optional>

class QComboBox;
class QDialogButtonBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;

namespace patchbay {

class ModelListFetcher;
class PriceOverrides;
struct ProviderPreset;
class Workspace;

// Adds or edits one provider. Adding starts from a preset (OpenAI, Anthropic, Ollama, …) that
// fills in the address, the dialect and a model list, or from a server of the user's own.
// Save writes the key to the keychain first and the config only once that worked, so a key
// can never end up anywhere but the keychain, and a provider never points at a key that was
// not stored.
class ProviderDialog : public QDialog
{
    Q_OBJECT
public:
    // existing: the provider to edit; nullopt adds a new one.
    ProviderDialog(Workspace *workspace, std::optional<ProviderConfig> existing, QWidget *parent = nullptr);
    ~ProviderDialog() override;

    // Picks a preset by id, as choosing it in the Provider list does. Only while adding.
    void selectPreset(const QString &presetId);
    // The preset chosen (adding) or matched by address (editing); empty for none.
    QString presetId() const { return m_presetId; }
    // The dialect the provider will be saved with: openai, anthropic or gemini.
    QString dialect() const;

    // The saved provider's id, once the dialog was accepted.
    QString providerId() const { return m_savedId; }

    // "gpt-4o, gpt-4o-mini\no1" → three names, duplicates and blanks dropped.
    static QStringList splitModels(const QString &text);

public Q_SLOTS:
    void reject() override;

private:
    enum class Tone { Neutral, Success, Error };
    enum class KeyNeed { Required, Optional, None };

    void buildPresetList();
    void applyPreset(const ProviderPreset *preset);
    void showDialect(const QString &dialect, bool choosable, bool offerGemini);
    void setKeyNeed(KeyNeed need, const QString &keyUrl);
    void updateHints();
    ProviderConfig formProvider() const;
    QString newProviderId() const;

    void test();
    void save();
    void commit(const QString &id, bool wroteKey);
    void setBusy(bool busy);
    void showStatus(const QString &text, Tone tone);
    void updateButtons();
    QString baseUrlProblem() const;

    Workspace *m_workspace;
    std::optional<ProviderConfig> m_existing;
    ModelListFetcher *m_fetcher;
    QFormLayout *m_form;
    QComboBox *m_preset;
    QLabel *m_presetHint;
    QWidget *m_dialectRow;
    QLabel *m_dialectLabel;
    QComboBox *m_dialect;
    QLineEdit *m_name;
    QLineEdit *m_baseUrl;
    QWidget *m_keyRow;
    QLineEdit *m_key;
    QLabel *m_keyLink;
    QPlainTextEdit *m_models;
    PriceOverrides *m_prices;
    QPushButton *m_test;
    QLabel *m_status;
    QDialogButtonBox *m_buttons;
    QPushButton *m_save;
    QString m_presetId;
    QString m_presetName; // the name the preset filled in, to tell whether the user changed it
    QString m_fixedDialect; // set when the preset decides the dialect; empty when m_dialect does
    KeyNeed m_keyNeed = KeyNeed::Optional;
    bool m_listsModels = true;
    bool m_saving = false;
    bool m_testing = false;
    QString m_savedId;
};

} // namespace patchbay
