#pragma once

#include "conversationstore.h"

#include <QWidget>

class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QTimer;

namespace patchbay {

// The sidebar of conversations: newest first, pinned on top, full-text search, and rename,
// pin, delete (with an Undo bar) and export from the context menu; Import reads an export back.
class ConversationList : public QWidget
{
    Q_OBJECT
public:
    explicit ConversationList(ConversationStore store, QWidget *parent = nullptr);

    void refresh();
    void select(qint64 id);
    QListWidget *list() const { return m_list; }
    QLineEdit *search() const { return m_search; }
    void deleteConversation(qint64 id);
    void undoDelete();
    // A .md path gets Markdown (the branch on screen), anything else the full JSON export.
    bool exportConversation(qint64 id, const QString &path, QString *error);
    // Reads a JSON export into a new conversation, lists it and opens it; 0 with *error.
    qint64 importConversation(const QString &path, QString *error);

Q_SIGNALS:
    void opened(qint64 id);
    void newChatRequested();
    void deleted(qint64 id);

private:
    void showMenu(const QPoint &pos);
    void chooseExport(qint64 id, bool markdown);
    void chooseImport();

    ConversationStore m_store;
    QLineEdit *m_search;
    QPushButton *m_new;
    QPushButton *m_import;
    QListWidget *m_list;
    QWidget *m_undoBar;
    QLabel *m_undoText;
    QTimer *m_searchTimer;
    QTimer *m_undoTimer;
    qint64 m_selected = 0;
    qint64 m_lastDeleted = 0;
};

} // namespace patchbay
