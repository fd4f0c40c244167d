#pragma once

#include "conversation.h"

#include <QList>
#include <QPixmap>
#include <QString>

class QImage;
class QMimeData;

namespace patchbay {

// Turning files, pasted pictures and drops into image attachments, with the size limit that
// keeps a message (base64 in the request and in patchbay.db) reasonable.
namespace AttachmentImages {

// Providers take up to ~20 MB per image, but every attachment is re-sent with each follow-up
// and kept in the database; 5 MB is plenty for a screenshot or a photo.
inline constexpr qint64 kMaxBytes = 5 * 1024 * 1024;

// Reads an image file; nullopt with *error (too big, not an image, unreadable).
std::optional<ConversationAttachment> fromFile(const QString &path, QString *error);
// A pasted or dropped picture without a file: stored as PNG.
std::optional<ConversationAttachment> fromImage(const QImage &image, const QString &name, QString *error);
// Whether mime data holds something fromMimeData() can take.
bool canTake(const QMimeData *mime);
// Everything usable in a paste or drop; refusals go to *errors, one sentence each.
QList<ConversationAttachment> fromMimeData(const QMimeData *mime, QStringList *errors);

QPixmap thumbnail(const ConversationAttachment &attachment, int size);
QString sizeText(qint64 bytes);

} // namespace AttachmentImages

} // namespace patchbay
