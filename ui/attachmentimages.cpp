#include "attachmentimages.h"

#include <QBuffer>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QImageReader>
#include <QLocale>
#include <QMimeData>
#include <QMimeDatabase>
#include <QObject>
#include <QUrl>

namespace patchbay {

namespace AttachmentImages {

namespace {

bool fail(QString *error, const QString &why)
{
    if (error)
        *error = why;
    return false;
}

bool isImagePath(const QString &path)
{
    return QMimeDatabase().mimeTypeForFile(path).name().startsWith(QLatin1String("image/"));
}

} // namespace

QString sizeText(qint64 bytes)
{
    return QLocale().formattedDataSize(bytes, 1, QLocale::DataSizeSIFormat);
}

std::optional<ConversationAttachment> fromFile(const QString &path, QString *error)
{
    const QFileInfo info(path);
    const QString name = info.fileName();
    if (info.size() > kMaxBytes) {
        fail(error, QObject::tr("“%1” is %2; images up to %3 can be attached. Scale it down or crop it first.")
                        .arg(name, sizeText(info.size()), sizeText(kMaxBytes)));
        return std::nullopt;
    }
    const QString mime = QMimeDatabase().mimeTypeForFile(info).name();
    if (!mime.startsWith(QLatin1String("image/")) || mime == QLatin1String("image/svg+xml")) {
        fail(error, QObject::tr("“%1” is not a picture models can read (PNG, JPEG, GIF or WebP).").arg(name));
        return std::nullopt;
    }
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        fail(error, QObject::tr("“%1” could not be read: %2").arg(name, file.errorString()));
        return std::nullopt;
    }
    return ConversationAttachment{name, mime, file.readAll()};
}

std::optional<ConversationAttachment> fromImage(const QImage &image, const QString &name, QString *error)
{
    QByteArray png;
    QBuffer buffer(&png);
    buffer.open(QIODevice::WriteOnly);
    if (image.isNull() || !image.save(&buffer, "PNG")) {
        fail(error, QObject::tr("The pasted picture could not be read."));
        return std::nullopt;
    }
    if (png.size() > kMaxBytes) {
        fail(error, QObject::tr("The pasted picture is %1 as PNG; images up to %2 can be attached.")
                        .arg(sizeText(png.size()), sizeText(kMaxBytes)));
        return std::nullopt;
    }
    return ConversationAttachment{name, QStringLiteral("image/png"), png};
}

bool canTake(const QMimeData *mime)
{
    if (mime->hasImage())
        return true;
    for (const QUrl &url : mime->urls()) {
        if (url.isLocalFile() && isImagePath(url.toLocalFile()))
            return true;
    }
    return false;
}

QList<ConversationAttachment> fromMimeData(const QMimeData *mime, QStringList *errors)
{
    QList<ConversationAttachment> out;
    bool fromFiles = false;
    for (const QUrl &url : mime->urls()) {
        if (!url.isLocalFile())
            continue;
        fromFiles = true;
        QString error;
        if (std::optional<ConversationAttachment> a = fromFile(url.toLocalFile(), &error))
            out.append(*a);
        else
            errors->append(error);
    }
    // A file copied in a file manager often carries its image too; take it once.
    if (!fromFiles && mime->hasImage()) {
        QString error;
        if (std::optional<ConversationAttachment> a = fromImage(qvariant_cast<QImage>(mime->imageData()),
                                                                QStringLiteral("pasted.png"), &error))
            out.append(*a);
        else
            errors->append(error);
    }
    return out;
}

QPixmap thumbnail(const ConversationAttachment &attachment, int size)
{
    QImage image;
    if (!image.loadFromData(attachment.data))
        return {};
    return QPixmap::fromImage(image.scaled(size, size, Qt::KeepAspectRatio, Qt::SmoothTransformation));
}

} // namespace AttachmentImages

} // namespace patchbay
