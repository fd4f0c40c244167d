#pragma once

#include "conversationpresets.h"

#include <QMenu>

namespace patchbay {

// The Presets menu of the chat page: the saved presets (picking one starts a chat with its
// model, system prompt and parameters), "Save current settings as preset…" and deleting.
// Read from the database each time it opens, so it never shows a stale list.
class PresetMenu : public QMenu
{
    Q_OBJECT
public:
    PresetMenu(ChatPresetStore store, QWidget *parent = nullptr);

    ChatPresetStore &store() { return m_store; }

Q_SIGNALS:
    void presetChosen(const patchbay::ChatPreset &preset);
    void saveRequested();

private:
    void rebuild();

    ChatPresetStore m_store;
};

} // namespace patchbay
