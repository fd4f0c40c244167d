// The fake provider as a process, for the Node end-to-end tests. Scripts drive it over
// HTTP on the same port: POST /_fake/script, GET /_fake/requests, GET /_fake/stats,
// POST /_fake/reset.

#include "fakeprovider.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QSocketNotifier>

#include <csignal>
#include <cstdio>
#include <sys/socket.h>
#include <unistd.h>

namespace {

int g_signalPipe[2] = {-1, -1};

// Only async-signal-safe work here: the event loop notices the byte and quits.
void onSignal(int)
{
    const char byte = 1;
    [[maybe_unused]] const auto written = ::write(g_signalPipe[1], &byte, 1);
}

bool installSignalHandlers(QCoreApplication &app)
{
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, g_signalPipe) != 0)
        return false;
    auto *notifier = new QSocketNotifier(g_signalPipe[0], QSocketNotifier::Read, &app);
    QObject::connect(notifier, &QSocketNotifier::activated, &app, [notifier] {
        notifier->setEnabled(false);
        QCoreApplication::quit();
    });
    struct sigaction action = {};
    action.sa_handler = onSignal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESTART;
    return ::sigaction(SIGTERM, &action, nullptr) == 0 && ::sigaction(SIGINT, &action, nullptr) == 0;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("fakeproviderd"));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("Scriptable fake of the OpenAI Chat Completions, Anthropic Messages and Gemini APIs "
                       "on 127.0.0.1, for tests."));
    parser.addHelpOption();
    const QCommandLineOption portOption(QStringLiteral("port"),
                                        QStringLiteral("Port to listen on; 0 picks a free one."),
                                        QStringLiteral("N"), QStringLiteral("0"));
    const QCommandLineOption keyOption(QStringLiteral("key"),
                                       QStringLiteral("API key every request must present, each dialect its own way."),
                                       QStringLiteral("KEY"));
    const QCommandLineOption modelsOption(QStringLiteral("models"),
                                          QStringLiteral("Comma-separated models for the model lists."),
                                          QStringLiteral("a,b,c"));
    parser.addOptions({portOption, keyOption, modelsOption});
    parser.process(app);

    bool portOk = false;
    const uint port = parser.value(portOption).toUInt(&portOk);
    if (!portOk || port > 65535) {
        std::fputs("fakeproviderd: --port needs a number from 0 to 65535.\n", stderr);
        return 2;
    }

    patchbay::testing::FakeProvider provider;
    provider.setControlEndpointsEnabled(true);
    if (parser.isSet(keyOption))
        provider.setExpectedKey(parser.value(keyOption));
    if (parser.isSet(modelsOption))
        provider.setModels(parser.value(modelsOption).split(QLatin1Char(','), Qt::SkipEmptyParts));
    if (!installSignalHandlers(app)) {
        std::fputs("fakeproviderd: could not install the SIGTERM/SIGINT handlers.\n", stderr);
        return 1;
    }
    if (!provider.listen(quint16(port))) {
        std::fprintf(stderr, "fakeproviderd: cannot listen on 127.0.0.1:%u; is the port taken?\n", port);
        return 1;
    }
    std::printf("fakeproviderd listening on %u\n", unsigned(provider.port()));
    std::fflush(stdout);
    return QCoreApplication::exec();
}
