#pragma once

#include "appconfig.h"

#include <QDialog>
#include <optional>

class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QPlainTextEdit;
class QPushButton;

namespace patchbay {

class ModelListFetcher;
class Workspace;

// Adds or edits one provider. Save writes the key to the keychain first and the config only
// once that worked, so a key can never end up anywhere but the keychain, and a provider never
// points at a key that was not stored.
class ProviderDialog : public QDialog
{
    Q_OBJECT
public:
    // existing: the provider to edit; nullopt adds a new one.
    ProviderDialog(Workspace *workspace, std::optional<ProviderConfig> existing, QWidget *parent = nullptr);
    ~ProviderDialog() override;

    // The saved provider's id, once the dialog was accepted.
    QString providerId() const { return m_savedId; }

    // "gpt-4o, gpt-4o-mini\no1" → three names, duplicates and blanks dropped.
    static QStringList splitModels(const QString &text);

public Q_SLOTS:
    void reject() override;

private:
    enum class Tone { Neutral, Success, Error };

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
    QLineEdit *m_name;
    QLineEdit *m_baseUrl;
    QLineEdit *m_key;
    QPlainTextEdit *m_models;
    QPushButton *m_test;
    QLabel *m_status;
    QDialogButtonBox *m_buttons;
    QPushButton *m_save;
    bool m_saving = false;
    bool m_testing = false;
    QString m_savedId;
};

} // namespace patchbay
