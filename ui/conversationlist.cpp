#include "conversationlist.h"

#include "conversationexport.h"

#include <QDateTime>
#include <QFile>
#include <QFileDialog>
#include <QMessageBox>
#include <QSaveFile>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QMenu>
#include <QPushButton>
#include <QRegularExpression>
#include <QTimer>
#include <QVBoxLayout>

namespace patchbay {

ConversationList::ConversationList(ConversationStore store, QWidget *parent)
    : QWidget(parent)
    , m_store(std::move(store))
    , m_search(new QLineEdit(this))
    , m_new(new QPushButton(tr("New chat"), this))
    , m_import(new QPushButton(tr("Import…"), this))
    , m_list(new QListWidget(this))
    , m_undoBar(new QWidget(this))
    , m_undoText(new QLabel(m_undoBar))
    , m_searchTimer(new QTimer(this))
    , m_undoTimer(new QTimer(this))
{
    m_search->setObjectName(QStringLiteral("conversationSearch"));
    m_search->setPlaceholderText(tr("Search conversations"));
    m_search->setClearButtonEnabled(true);
    m_list->setObjectName(QStringLiteral("conversationList"));
    m_list->setContextMenuPolicy(Qt::CustomContextMenu);
    m_list->setFrameShape(QFrame::NoFrame);
    m_list->setTextElideMode(Qt::ElideRight);
    m_list->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_list->setStyleSheet(QStringLiteral("QListWidget::item { padding: 6px 4px; }"));
    m_new->setObjectName(QStringLiteral("newChat"));
    m_import->setObjectName(QStringLiteral("importConversation"));
    m_import->setToolTip(tr("Open a conversation exported as JSON from Patchbay, as a new conversation"));

    auto *undo = new QPushButton(tr("Undo"), m_undoBar);
    auto *undoLayout = new QHBoxLayout(m_undoBar);
    undoLayout->setContentsMargins(4, 4, 4, 4);
    undoLayout->addWidget(m_undoText, 1);
    undoLayout->addWidget(undo);
    m_undoBar->hide();

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(8, 8, 8, 8);
    layout->setSpacing(6);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(m_new, 1);
    buttons->addWidget(m_import);
    layout->addLayout(buttons);
    layout->addWidget(m_search);
    layout->addWidget(m_list, 1);
    layout->addWidget(m_undoBar);

    // Searching on every keystroke would run one FTS query per letter.
    m_searchTimer->setSingleShot(true);
    m_searchTimer->setInterval(150);
    m_undoTimer->setSingleShot(true);
    m_undoTimer->setInterval(10'000);
    connect(m_search, &QLineEdit::textChanged, m_searchTimer, qOverload<>(&QTimer::start));
    connect(m_searchTimer, &QTimer::timeout, this, &ConversationList::refresh);
    connect(m_undoTimer, &QTimer::timeout, m_undoBar, &QWidget::hide);
    connect(undo, &QPushButton::clicked, this, &ConversationList::undoDelete);
    connect(m_new, &QPushButton::clicked, this, &ConversationList::newChatRequested);
    connect(m_import, &QPushButton::clicked, this, &ConversationList::chooseImport);
    connect(m_list, &QListWidget::itemClicked, this, [this](QListWidgetItem *item) {
        m_selected = item->data(Qt::UserRole).toLongLong();
        Q_EMIT opened(m_selected);
    });
    connect(m_list, &QListWidget::customContextMenuRequested, this, &ConversationList::showMenu);
    refresh();
}

void ConversationList::refresh()
{
    const QList<Conversation> conversations = m_store.list(m_search->text());
    m_list->clear();
    for (const Conversation &c : conversations) {
        QString title = c.title.isEmpty() ? tr("Untitled") : c.title;
        if (c.pinned)
            title = QStringLiteral("📌 ") + title;
        auto *item = new QListWidgetItem(title, m_list);
        item->setData(Qt::UserRole, c.id);
        item->setToolTip(QStringLiteral("%1\n%2").arg(c.title, QDateTime::fromMSecsSinceEpoch(c.updatedAtMs).toString()));
        if (c.id == m_selected)
            m_list->setCurrentItem(item);
    }
}

void ConversationList::select(qint64 id)
{
    m_selected = id;
    refresh();
}

void ConversationList::deleteConversation(qint64 id)
{
    if (!m_store.remove(id))
        return;
    m_lastDeleted = id;
    const std::optional<Conversation> c = m_store.conversation(id);
    m_undoText->setText(tr("Deleted “%1”.").arg(c ? c->title : QString()));
    m_undoBar->show();
    m_undoTimer->start();
    refresh();
    Q_EMIT deleted(id);
}

void ConversationList::undoDelete()
{
    if (!m_lastDeleted)
        return;
    m_store.restore(std::exchange(m_lastDeleted, 0));
    m_undoBar->hide();
    refresh();
}

void ConversationList::showMenu(const QPoint &pos)
{
    QListWidgetItem *item = m_list->itemAt(pos);
    if (!item)
        return;
    const qint64 id = item->data(Qt::UserRole).toLongLong();
    const std::optional<Conversation> c = m_store.conversation(id);
    if (!c)
        return;
    QMenu menu(this);
    menu.addAction(tr("Rename…"), this, [this, c] {
        bool ok = false;
        const QString title = QInputDialog::getText(this, tr("Rename conversation"), tr("Title"), QLineEdit::Normal,
                                                    c->title, &ok);
        if (ok && !title.trimmed().isEmpty()) {
            m_store.rename(c->id, title.trimmed());
            refresh();
        }
    });
    menu.addAction(c->pinned ? tr("Unpin") : tr("Pin to top"), this, [this, c] {
        m_store.setPinned(c->id, !c->pinned);
        refresh();
    });
    menu.addSeparator();
    menu.addAction(tr("Export as Markdown…"), this, [this, id] { chooseExport(id, true); });
    menu.addAction(tr("Export as JSON…"), this, [this, id] { chooseExport(id, false); });
    menu.addSeparator();
    menu.addAction(tr("Delete"), this, [this, id] { deleteConversation(id); });
    menu.exec(m_list->viewport()->mapToGlobal(pos));
}

bool ConversationList::exportConversation(qint64 id, const QString &path, QString *error)
{
    const std::optional<Conversation> c = m_store.conversation(id);
    if (!c) {
        *error = tr("The conversation no longer exists.");
        return false;
    }
    const QList<ConversationMessage> messages = m_store.messages(id, error);
    const QByteArray bytes = path.endsWith(QLatin1String(".md"), Qt::CaseInsensitive)
                                ? ConversationExport::toMarkdown(*c, messages).toUtf8()
                                : ConversationExport::toJson(*c, messages);
    // Written aside and renamed, so a failed export never leaves half a file.
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit()) {
        *error = tr("“%1” could not be written: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

qint64 ConversationList::importConversation(const QString &path, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = tr("“%1” could not be read: %2").arg(path, file.errorString());
        return 0;
    }
    const qint64 id = ConversationExport::importJson(m_store, file.readAll(), error);
    if (!id)
        return 0;
    select(id);
    Q_EMIT opened(id);
    return id;
}

void ConversationList::chooseExport(qint64 id, bool markdown)
{
    const std::optional<Conversation> c = m_store.conversation(id);
    QString base = c ? c->title : QString();
    static const QRegularExpression unsafe(QStringLiteral("[^\\w\\- ]+"));
    base = base.replace(unsafe, QStringLiteral(" ")).simplified().left(60);
    if (base.isEmpty())
        base = QStringLiteral("conversation");
    const QString path = QFileDialog::getSaveFileName(this, markdown ? tr("Export as Markdown") : tr("Export as JSON"),
                                                      base + (markdown ? QStringLiteral(".md") : QStringLiteral(".json")),
                                                      markdown ? tr("Markdown (*.md)") : tr("JSON (*.json)"));
    if (path.isEmpty())
        return;
    QString error;
    if (!exportConversation(id, path, &error))
        QMessageBox::warning(this, tr("Export failed"), error);
}

void ConversationList::chooseImport()
{
    const QString path = QFileDialog::getOpenFileName(this, tr("Import conversation"), {}, tr("Patchbay conversation (*.json)"));
    if (path.isEmpty())
        return;
    QString error;
    if (!importConversation(path, &error))
        QMessageBox::warning(this, tr("Import failed"), error);
}

} // namespace patchbay
