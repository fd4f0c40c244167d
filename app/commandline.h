#pragma once

#include <QCommandLineParser>
#include <QString>

#include <optional>

namespace patchbay {

// The options both programs share: where this instance keeps its files, and its port.
struct CommonOptions
{
    QString configDir; // empty: the platform's folder
    QString dataDir;
    std::optional<quint16> port;
};

class CommandLine
{
public:
    // Adds --config-dir, --data-dir and --port (plus --help/--version) to parser.
    static void addCommonOptions(QCommandLineParser &parser);
    // Reads them back after parser.process(); false with a sentence in *error.
    static bool readCommonOptions(const QCommandLineParser &parser, CommonOptions *out, QString *error);
};

} // namespace patchbay
