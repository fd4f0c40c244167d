#pragma once

#include <QWidget>

class QTabWidget;

namespace patchbay {

class CodeBlock;

// The copy-ready snippets of snippets.h, one tab each, each with its own Copy button.
class SnippetsPanel : public QWidget
{
    Q_OBJECT
public:
    explicit SnippetsPanel(QWidget *parent = nullptr);

    // Rebuilds every snippet; an empty token shows the placeholder.
    void setTarget(const QString &baseUrl, const QString &token, const QString &model);
    // The text of the snippet with that id ("curl", "env", …); empty if there is none.
    QString code(const QString &id) const;

private:
    QTabWidget *m_tabs;
    QList<CodeBlock *> m_blocks;
};

} // namespace patchbay
