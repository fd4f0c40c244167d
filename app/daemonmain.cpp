// patchbayd: the gateway and ledger without a window, for servers, scripts and tests.

#include "appruntime.h"
#include "commandline.h"
#include "gatewayservice.h"
#include "ledgerquery.h"
#include "logging.h"
#include "secretstore.h"
#include "unixsignals.h"
#include "usageledger.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTextStream>

#include <cstdio>
#include <iostream>
#include <string>

using namespace patchbay;

namespace {

void print(const QString &text)
{
    QTextStream(stdout) << text << Qt::endl;
}

int fail(const QString &text)
{
    QTextStream(stderr) << "patchbayd: " << text << Qt::endl;
    return 1;
}

QJsonValue optional(qint64 v)
{
    return v < 0 ? QJsonValue(QJsonValue::Null) : QJsonValue(v);
}

int printRecentRequests(AppRuntime &runtime, const QString &countText)
{
    bool ok = false;
    const int count = countText.toInt(&ok);
    if (!ok || count <= 0)
        return fail(QStringLiteral("--recent-requests takes a positive number."));
    QString error;
    const QList<UsageRecord> rows = LedgerQuery(runtime.database()).latest(count, &error);
    if (!error.isEmpty())
        return fail(error);
    QJsonArray out;
    for (const UsageRecord &r : rows) {
        out.append(QJsonObject{{QStringLiteral("request_id"), r.requestId},
                               {QStringLiteral("started_at_ms"), r.startedAtMs},
                               {QStringLiteral("client"), r.client},
                               {QStringLiteral("endpoint"), r.endpoint},
                               {QStringLiteral("provider"), r.provider},
                               {QStringLiteral("requested_model"), r.requestedModel},
                               {QStringLiteral("upstream_model"), r.upstreamModel},
                               {QStringLiteral("stream"), r.stream},
                               {QStringLiteral("status"), r.status},
                               {QStringLiteral("error"), r.error},
                               {QStringLiteral("input_tokens"), optional(r.inputTokens)},
                               {QStringLiteral("output_tokens"), optional(r.outputTokens)},
                               {QStringLiteral("latency_ms"), r.latencyMs},
                               {QStringLiteral("ttfb_ms"), optional(r.ttfbMs)}});
    }
    print(QString::fromUtf8(QJsonDocument(out).toJson(QJsonDocument::Indented)));
    return 0;
}

int setKey(AppRuntime &runtime, const QString &providerId)
{
    AppConfig config = runtime.config();
    auto it = std::find_if(config.providers.begin(), config.providers.end(),
                           [&](const ProviderConfig &p) { return p.id == providerId; });
    if (it == config.providers.end())
        return fail(QStringLiteral("No provider has the id \"%1\" in %2.").arg(providerId, runtime.paths().configFile()));
    std::string line;
    std::getline(std::cin, line);
    const QString key = QString::fromStdString(line).trimmed();
    if (key.isEmpty())
        return fail(QStringLiteral("Give the key on standard input, e.g. \"patchbayd --set-key %1 < keyfile\".").arg(providerId));
    const SecretResult written = runtime.secrets()->writeNow(providerId, key);
    if (!written.ok)
        return fail(written.error);
    if (it->keyRef != it->keychainRef()) {
        it->keyRef = it->keychainRef();
        QString error;
        if (!runtime.saveConfig(config, &error))
            return fail(error);
    }
    print(QStringLiteral("The key for \"%1\" is in the system keychain.").arg(providerId));
    return 0;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("patchbayd"));
    QCoreApplication::setApplicationVersion(QStringLiteral(PATCHBAY_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Patchbay's local AI gateway without a window. It serves the OpenAI API on loopback, forwards each call to "
        "the configured providers, and records it in the usage ledger.\n\n"
        "Files: config.json in --config-dir (default ~/.config/patchbay), patchbay.db and logs/ in --data-dir "
        "(default ~/.local/share/patchbay). Provider keys live in the system keychain, or in environment variables "
        "named as \"env:VARIABLE\" in config.json."));
    CommandLine::addCommonOptions(parser);
    parser.addOption({QStringLiteral("create-token"), QStringLiteral("Create an access token for a client program called <name>, print it once, and exit."), QStringLiteral("name")});
    parser.addOption({QStringLiteral("revoke-token"), QStringLiteral("Revoke the access token called <name> and exit."), QStringLiteral("name")});
    parser.addOption({QStringLiteral("list-tokens"), QStringLiteral("List the access tokens and exit.")});
    parser.addOption({QStringLiteral("set-key"), QStringLiteral("Read an API key from standard input, store it in the system keychain for provider <id>, and exit."), QStringLiteral("id")});
    parser.addOption({QStringLiteral("recent-requests"), QStringLiteral("Print the latest <n> ledger rows as JSON and exit."), QStringLiteral("n")});
    parser.process(app);

    CommonOptions options;
    QString error;
    if (!CommandLine::readCommonOptions(parser, &options, &error))
        return fail(error);

    AppRuntime runtime(AppPaths::resolve(options.configDir, options.dataDir), options.port);
    if (!runtime.initialize(&error))
        return fail(error);

    if (parser.isSet(QStringLiteral("create-token"))) {
        const QString token = runtime.tokens().create(parser.value(QStringLiteral("create-token")), &error);
        if (token.isEmpty())
            return fail(error);
        print(token);
        return 0;
    }
    if (parser.isSet(QStringLiteral("revoke-token"))) {
        if (!runtime.tokens().revoke(parser.value(QStringLiteral("revoke-token")), &error))
            return fail(error);
        print(QStringLiteral("Revoked."));
        return 0;
    }
    if (parser.isSet(QStringLiteral("list-tokens"))) {
        for (const AccessTokenInfo &t : runtime.tokens().list(&error))
            print(QStringLiteral("%1\tcreated %2%3").arg(t.name, QDateTime::fromMSecsSinceEpoch(t.createdAtMs).toString(Qt::ISODate),
                                                        t.revoked ? QStringLiteral("\trevoked") : QString()));
        return error.isEmpty() ? 0 : fail(error);
    }
    if (parser.isSet(QStringLiteral("set-key")))
        return setKey(runtime, parser.value(QStringLiteral("set-key")));
    if (parser.isSet(QStringLiteral("recent-requests")))
        return printRecentRequests(runtime, parser.value(QStringLiteral("recent-requests")));

    Logging::install(runtime.paths().logDir(), QStringLiteral("patchbayd"));
    UnixSignals signalWatcher;
    QObject::connect(&signalWatcher, &UnixSignals::terminationRequested, &app, &QCoreApplication::quit);
    QObject::connect(&runtime, &AppRuntime::keyProblemsChanged, &app, [](const QStringList &problems) {
        for (const QString &p : problems)
            qWarning().noquote() << p;
    });
    QObject::connect(runtime.ledger(), &UsageLedger::writeFailed, &app, [](const QString &e) {
        qWarning().noquote() << e << "Rows are kept in memory and written when the database accepts them again.";
    });
    QObject::connect(runtime.gateway(), &GatewayService::started, &app, [&runtime](const QString &baseUrl) {
        print(QStringLiteral("Patchbay gateway listening on %1").arg(baseUrl));
        qInfo().noquote() << "Gateway listening on" << baseUrl << "with" << runtime.config().providers.size()
                          << "provider(s); config" << runtime.paths().configFile();
        if (runtime.config().gateway.requireTokens && runtime.tokens().activeHashes().isEmpty())
            qWarning().noquote() << "No access tokens exist yet, so every call will be refused. Create one with"
                                 << "\"patchbayd --create-token NAME\".";
    });
    QObject::connect(runtime.gateway(), &GatewayService::failedToStart, &app, [](const QString &e) {
        qCritical().noquote() << e;
        QCoreApplication::exit(1);
    });
    runtime.startGateway();
    const int code = app.exec();
    qInfo().noquote() << "patchbayd stopping; writing the ledger's queued rows.";
    return code;
}
