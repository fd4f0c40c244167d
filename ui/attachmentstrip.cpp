#include "attachmentstrip.h"

#include "attachmentimages.h"
#include "chatvision.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QToolButton>
#include <QVBoxLayout>

namespace patchbay {

AttachmentStrip::AttachmentStrip(QWidget *parent)
    : QWidget(parent)
    , m_thumbs(new QWidget(this))
    , m_thumbLayout(new QHBoxLayout(m_thumbs))
    , m_problem(new QLabel(this))
    , m_modelWarning(new QLabel(this))
{
    setObjectName(QStringLiteral("attachmentStrip"));
    m_thumbLayout->setContentsMargins(0, 0, 0, 0);
    m_thumbLayout->setSpacing(6);
    m_problem->setObjectName(QStringLiteral("attachmentProblem"));
    m_problem->setWordWrap(true);
    m_problem->setStyleSheet(QStringLiteral("color: #cf222e;"));
    m_modelWarning->setObjectName(QStringLiteral("attachmentModelWarning"));
    m_modelWarning->setWordWrap(true);
    m_modelWarning->setStyleSheet(QStringLiteral("color: #9a6700;")); // a caution, not a refusal
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(16, 0, 16, 0);
    layout->setSpacing(4);
    layout->addWidget(m_thumbs);
    layout->addWidget(m_modelWarning);
    layout->addWidget(m_problem);
    rebuild();
    showProblems({});
}

void AttachmentStrip::add(const QList<ConversationAttachment> &attachments)
{
    m_attachments += attachments;
    rebuild();
}

void AttachmentStrip::showProblems(const QStringList &problems)
{
    m_problem->setText(problems.join(QLatin1Char('\n')));
    m_problem->setVisible(!problems.isEmpty());
    setVisible(!m_attachments.isEmpty() || !problems.isEmpty());
}

QString AttachmentStrip::problem() const
{
    return m_problem->text();
}

void AttachmentStrip::clear()
{
    m_attachments.clear();
    rebuild();
    showProblems({});
}

void AttachmentStrip::setModel(const QString &model)
{
    m_model = model.trimmed();
    updateModelWarning();
}

QString AttachmentStrip::modelWarning() const
{
    return m_modelWarning->text();
}

void AttachmentStrip::updateModelWarning()
{
    const QString warning = m_attachments.isEmpty() ? QString() : ChatVision::warning(m_model);
    m_modelWarning->setText(warning);
    m_modelWarning->setVisible(!warning.isEmpty());
}

void AttachmentStrip::rebuild()
{
    while (QLayoutItem *item = m_thumbLayout->takeAt(0)) {
        if (item->widget())
            item->widget()->deleteLater();
        delete item;
    }
    for (int i = 0; i < m_attachments.size(); ++i) {
        const ConversationAttachment &a = m_attachments.at(i);
        auto *thumb = new QLabel(m_thumbs);
        thumb->setObjectName(QStringLiteral("pendingAttachment"));
        thumb->setPixmap(AttachmentImages::thumbnail(a, 56));
        thumb->setToolTip(QStringLiteral("%1 (%2)").arg(a.name, AttachmentImages::sizeText(a.data.size())));
        auto *remove = new QToolButton(m_thumbs);
        remove->setText(QStringLiteral("×"));
        remove->setAutoRaise(true);
        remove->setToolTip(tr("Don't send this image"));
        connect(remove, &QToolButton::clicked, this, [this, i] {
            m_attachments.removeAt(i);
            rebuild();
        });
        m_thumbLayout->addWidget(thumb);
        m_thumbLayout->addWidget(remove, 0, Qt::AlignTop);
    }
    m_thumbLayout->addStretch(1);
    m_thumbs->setVisible(!m_attachments.isEmpty());
    updateModelWarning();
    setVisible(!m_attachments.isEmpty() || !m_problem->text().isEmpty());
}

} // namespace patchbay
