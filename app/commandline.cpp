#include "commandline.h"

namespace patchbay {

void CommandLine::addCommonOptions(QCommandLineParser &parser)
{
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addOption({QStringLiteral("config-dir"),
                      QStringLiteral("Read and write config.json in <dir> instead of the platform's config folder."),
                      QStringLiteral("dir")});
    parser.addOption({QStringLiteral("data-dir"),
                      QStringLiteral("Keep patchbay.db and logs in <dir> instead of the platform's data folder."),
                      QStringLiteral("dir")});
    parser.addOption({QStringLiteral("port"),
                      QStringLiteral("Listen on <port> instead of the configured one (0 picks a free port)."),
                      QStringLiteral("port")});
}

bool CommandLine::readCommonOptions(const QCommandLineParser &parser, CommonOptions *out, QString *error)
{
    out->configDir = parser.value(QStringLiteral("config-dir"));
    out->dataDir = parser.value(QStringLiteral("data-dir"));
    if (parser.isSet(QStringLiteral("port"))) {
        bool ok = false;
        const uint port = parser.value(QStringLiteral("port")).toUInt(&ok);
        if (!ok || port > 65535) {
            *error = QStringLiteral("--port takes a number from 0 to 65535.");
            return false;
        }
        out->port = static_cast<quint16>(port);
    }
    return true;
}

} // namespace patchbay
