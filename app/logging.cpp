#include "logging.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QMutex>

#include <cstdio>

namespace patchbay {

namespace {
QMutex g_mutex;
QFile *g_file = nullptr;
QString g_path;

void handler(QtMsgType type, const QMessageLogContext &, const QString &message)
{
    const char *level = "info";
    switch (type) {
    case QtDebugMsg: level = "debug"; break;
    case QtInfoMsg: level = "info"; break;
    case QtWarningMsg: level = "warning"; break;
    case QtCriticalMsg: level = "error"; break;
    case QtFatalMsg: level = "fatal"; break;
    }
    const QByteArray line = QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs).toUtf8() + ' ' + level + ": "
        + message.toUtf8() + '\n';
    QMutexLocker lock(&g_mutex);
    std::fwrite(line.constData(), 1, static_cast<size_t>(line.size()), stderr);
    if (g_file) {
        g_file->write(line);
        g_file->flush();
    }
}
} // namespace

void Logging::install(const QString &logDir, const QString &name)
{
    QMutexLocker lock(&g_mutex);
    QDir().mkpath(logDir);
    g_path = QDir(logDir).filePath(name + QStringLiteral(".log"));
    delete g_file;
    g_file = new QFile(g_path);
    if (!g_file->open(QIODevice::Append | QIODevice::Text)) {
        delete g_file;
        g_file = nullptr;
    }
    qInstallMessageHandler(handler);
}

QString Logging::logFile()
{
    QMutexLocker lock(&g_mutex);
    return g_path;
}

} // namespace patchbay
