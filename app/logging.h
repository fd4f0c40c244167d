#pragma once

#include <QString>

namespace patchbay {

// Sends Qt's log messages to stderr and appends them to <logDir>/<name>.log.
// Nothing secret is ever passed to qDebug()/qWarning() in Patchbay, so the file is safe to share.
class Logging
{
public:
    static void install(const QString &logDir, const QString &name);
    static QString logFile();
};

} // namespace patchbay
