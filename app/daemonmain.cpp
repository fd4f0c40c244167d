// patchbayd: the gateway and ledger without a window, for servers, scripts and tests.

#include "allocator.h"
#include "appruntime.h"
#include "commandline.h"
#include "database.h"
#include "gatewayservice.h"
#include "ledgerexport.h"
#include "ledgerjson.h"
#include "ledgerquery.h"
#include "pricecatalog.h"
#include "repricer.h"
#include "tokenpolicy.h"
#include "logging.h"
#include "processlimits.h"
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
#include <limits>
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
    for (const UsageRecord &r : rows)
        out.append(LedgerJson::toJson(r)); // the same form as a JSON export
    print(QString::fromUtf8(QJsonDocument(out).toJson(QJsonDocument::Indented)));
    return 0;
}

// A date alone is the start of that day on this machine's clock; a time without an offset too.
bool parseWhen(const QString &text, const QString &option, qint64 *ms, QString *error)
{
    QDateTime when = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!when.isValid()) {
        const QDate day = QDate::fromString(text, Qt::ISODate);
        if (day.isValid())
            when = day.startOfDay();
    }
    if (!when.isValid()) {
        *error = QStringLiteral("--%1 takes a date or time in ISO 8601 form, e.g. 2025-06-01 or 2025-06-01T14:30:00Z.").arg(option);
        return false;
    }
    *ms = when.toMSecsSinceEpoch();
    return true;
}

int exportLedger(AppRuntime &runtime, const QCommandLineParser &parser)
{
    const QString file = parser.value(QStringLiteral("export"));
    const std::optional<LedgerExport::Format> format = LedgerExport::formatFor(file);
    if (!format)
        return fail(QStringLiteral("--export writes CSV or JSON; name the file with .csv or .json at the end."));
    qint64 from = std::numeric_limits<qint64>::min();
    qint64 to = std::numeric_limits<qint64>::max();
    QString error;
    if (parser.isSet(QStringLiteral("from")) && !parseWhen(parser.value(QStringLiteral("from")), QStringLiteral("from"), &from, &error))
        return fail(error);
    if (parser.isSet(QStringLiteral("to")) && !parseWhen(parser.value(QStringLiteral("to")), QStringLiteral("to"), &to, &error))
        return fail(error);
    if (from >= to)
        return fail(QStringLiteral("--from must come before --to."));
    // Rows a spill file brought back at start are written by now.
    runtime.ledger()->flush();
    const qint64 rows = LedgerExport::write(runtime.database(), file, *format, from, to, &error);
    if (rows < 0)
        return fail(error);
    print(QStringLiteral("Wrote %1 request(s) to %2.").arg(rows).arg(file));
    return 0;
}

int repriceLedger(AppRuntime &runtime)
{
    // The ledger writes on; the repricer takes its own connection and short transactions.
    runtime.ledger()->flush();
    Repricer repricer(PriceCatalog::bundled(), runtime.config().providers);
    RepriceResult result;
    QString error;
    if (!repricer.run(runtime.paths().databaseFile(), &result, &error))
        return fail(error);
    print(QStringLiteral("Repriced %1 request(s) with %2; %3 have no known price; %4 belong to providers no longer configured.")
              .arg(result.repriced)
              .arg(PriceCatalog::bundled().version())
              .arg(result.unknown)
              .arg(result.skipped));
    return 0;
}

int setTokenLimits(AppRuntime &runtime, const QString &name, const QString &json)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json.toUtf8(), &parseError);
    if (!doc.isObject())
        return fail(QStringLiteral("--limits takes a JSON object, e.g. '{\"requests_per_minute\": 60, \"usd_per_day\": 5, "
                                   "\"allowed_models\": [\"openai/gpt-4o-mini\"]}' ({} removes every limit)."));
    TokenPolicy policy;
    QString error;
    if (!TokenPolicy::fromJson(doc.object(), &policy, &error) || !runtime.tokens().setPolicy(name, policy, &error))
        return fail(error);
    print(policy.isEmpty() ? QStringLiteral("The token \"%1\" has no limits now.").arg(name)
                           : QStringLiteral("The token \"%1\" now has these limits: %2")
                                 .arg(name, QString::fromUtf8(QJsonDocument(policy.toJson()).toJson(QJsonDocument::Compact))));
    return 0;
}

int backupDatabase(AppRuntime &runtime, const QString &file)
{
    runtime.ledger()->flush();
    QSqlDatabase db = runtime.database();
    QString error;
    if (!Database::backup(db, file, &error))
        return fail(error);
    print(QStringLiteral("Backed up the database to %1.").arg(file));
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
    parser.addOption({QStringLiteral("export"), QStringLiteral("Write the ledger's requests to <file> (.csv or .json, by its name) and exit. Replaces the file if it exists."), QStringLiteral("file")});
    parser.addOption({QStringLiteral("from"), QStringLiteral("With --export: only requests from <when> on (ISO 8601: 2025-06-01 is local midnight, or 2025-06-01T14:30:00Z)."), QStringLiteral("when")});
    parser.addOption({QStringLiteral("to"), QStringLiteral("With --export: only requests before <when>; --to 2025-07-01 ends with June."), QStringLiteral("when")});
    parser.addOption({QStringLiteral("reprice"), QStringLiteral("Recompute every ledger row's cost from the bundled price catalog and the price overrides in config.json, and exit.")});
    parser.addOption({QStringLiteral("token-limits"), QStringLiteral("Set the limits of the access token called <name> to the JSON given with --limits, and exit."), QStringLiteral("name")});
    parser.addOption({QStringLiteral("limits"), QStringLiteral("With --token-limits: {\"allowed_models\": [...], \"requests_per_minute\": n, \"tokens_per_minute\": n, \"usd_per_day\": x, \"usd_per_month\": x}."), QStringLiteral("json")});
    parser.addOption({QStringLiteral("backup"), QStringLiteral("Write a consistent copy of patchbay.db to <file>, which must not exist yet, and exit. Safe while Patchbay runs."), QStringLiteral("file")});
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
    if (parser.isSet(QStringLiteral("export")))
        return exportLedger(runtime, parser);
    if (parser.isSet(QStringLiteral("from")) || parser.isSet(QStringLiteral("to")))
        return fail(QStringLiteral("--from and --to go with --export."));
    if (parser.isSet(QStringLiteral("backup")))
        return backupDatabase(runtime, parser.value(QStringLiteral("backup")));
    if (parser.isSet(QStringLiteral("reprice")))
        return repriceLedger(runtime);
    if (parser.isSet(QStringLiteral("token-limits")))
        return setTokenLimits(runtime, parser.value(QStringLiteral("token-limits")), parser.value(QStringLiteral("limits")));

    Logging::install(runtime.paths().logDir(), QStringLiteral("patchbayd"));
    qInfo().noquote() << "Patchbay" << PATCHBAY_VERSION << "on Qt" << qVersion() << "and" << Allocator::name();
    if (const long files = ProcessLimits::raiseOpenFileLimit(); files >= 0 && files < 4096)
        qWarning().noquote() << "Only" << files << "open files are allowed, so about" << files / 2
                             << "calls can be in flight at once; raise the limit (ulimit -n) for more.";
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
        if (!runtime.config().gateway.isLoopback())
            qWarning().noquote() << "The gateway listens on" << runtime.config().gateway.bindAddress
                                 << "and other machines can reach it; every call needs an access token.";
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
