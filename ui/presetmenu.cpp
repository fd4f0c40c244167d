#include "presetmenu.h"

#include <QMessageBox>

namespace patchbay {

PresetMenu::PresetMenu(ChatPresetStore store, QWidget *parent)
    : QMenu(parent)
    , m_store(std::move(store))
{
    setObjectName(QStringLiteral("presetMenu"));
    connect(this, &QMenu::aboutToShow, this, &PresetMenu::rebuild);
    rebuild();
}

void PresetMenu::rebuild()
{
    clear();
    const QList<ChatPreset> presets = m_store.list();
    for (const ChatPreset &p : presets) {
        QAction *a = addAction(p.name, this, [this, p] { Q_EMIT presetChosen(p); });
        QStringList tip;
        if (!p.model.isEmpty())
            tip << tr("Model: %1").arg(p.model);
        if (!p.systemPrompt.isEmpty())
            tip << tr("System prompt: %1").arg(p.systemPrompt.left(200));
        a->setToolTip(tip.join(QLatin1Char('\n')));
    }
    if (presets.isEmpty())
        addAction(tr("No presets yet"))->setEnabled(false);
    setToolTipsVisible(true);
    addSeparator();
    addAction(tr("Save current settings as preset…"), this, &PresetMenu::saveRequested);
    if (presets.isEmpty())
        return;
    QMenu *remove = addMenu(tr("Delete preset"));
    for (const ChatPreset &p : presets) {
        remove->addAction(p.name, this, [this, p] {
            if (QMessageBox::question(parentWidget(), tr("Delete preset"), tr("Delete the preset “%1”?").arg(p.name))
                == QMessageBox::Yes)
                m_store.remove(p.id);
        });
    }
}

} // namespace patchbay
