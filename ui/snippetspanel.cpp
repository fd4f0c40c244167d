#include "snippetspanel.h"

#include "codeblock.h"
#include "snippets.h"

#include <QLabel>
#include <QScrollArea>
#include <QTabWidget>
#include <QVBoxLayout>

namespace patchbay {

SnippetsPanel::SnippetsPanel(QWidget *parent)
    : QWidget(parent)
    , m_tabs(new QTabWidget(this))
{
    m_tabs->setObjectName(QStringLiteral("snippetTabs"));
    m_tabs->setDocumentMode(true);
    auto *note = new QLabel(tr("Replace %1 with a token from the Access tokens tab. Model names are "
                               "\"provider/model\", a bare model name, or an alias.")
                                .arg(tokenPlaceholder()),
                            this);
    note->setWordWrap(true);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(note);
    layout->addWidget(m_tabs, 1);
    setTarget(QString(), QString(), QStringLiteral("provider/model"));
}

void SnippetsPanel::setTarget(const QString &baseUrl, const QString &token, const QString &model)
{
    const QList<Snippet> snippets = gatewaySnippets(baseUrl, token, model);
    // The same snippets every time: built once, then updated in place so the chosen tab stays.
    if (m_blocks.isEmpty()) {
        for (const Snippet &s : snippets) {
            auto *block = new CodeBlock;
            block->setObjectName(QStringLiteral("snippet-") + s.id);
            auto *page = new QWidget;
            auto *pageLayout = new QVBoxLayout(page);
            pageLayout->setContentsMargins(0, 8, 0, 0);
            pageLayout->addWidget(block);
            pageLayout->addStretch();
            m_tabs->addTab(page, s.title);
            m_blocks.append(block);
        }
    }
    for (qsizetype i = 0; i < snippets.size() && i < m_blocks.size(); ++i) {
        m_blocks[i]->setProperty("snippetId", snippets[i].id);
        m_blocks[i]->setCode(snippets[i].code);
    }
}

QString SnippetsPanel::code(const QString &id) const
{
    for (const CodeBlock *b : m_blocks) {
        if (b->property("snippetId").toString() == id)
            return b->code();
    }
    return {};
}

} // namespace patchbay
