// bench_workbench: the chat workbench's two quality bars, measured on the real widgets.
//  1. Opening a conversation of 1,000 messages: from ChatPage::openConversation() until the
//     view is laid out and painted (goal < 300 ms).
//  2. Four streams at once on the Compare page, once of running prose and once of Markdown with
//     lists, tables and code blocks: the longest UI-thread stall while they render, seen by a
//     5 ms heartbeat timer as lateness (goal: no frame > 50 ms).
// The page talks over loopback HTTP to a GatewayServer in this process, which forwards to the
// in-process FakeProvider, as in tests/ui/tst_chat.cpp. Needs a Secret Service (the workbench
// keeps its token there): run under dbus-run-session with an unlocked gnome-keyring.
// Prints a markdown section for docs/benchmarks.md on stdout, progress on stderr.

#include "chatclient.h"
#include "chatpage.h"
#include "chatsession.h"
#include "chatview.h"
#include "comparepage.h"
#include "chatinput.h"
#include "chatmodelpicker.h"
#include "conversationstore.h"
#include "fakeprovider.h"
#include "gatewayserver.h"
#include "secretstore.h"
#include "testworkspace.h"
#include "usageledger.h"

#include <QApplication>
#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QFile>
#include <QSqlDatabase>
#include <QSysInfo>
#include <QTemporaryDir>
#include <QTextStream>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <optional>

#if defined(Q_OS_UNIX)
#include <time.h>
#endif

using namespace patchbay;
using namespace patchbay::testing;

namespace {

const QString kKey = QStringLiteral("sk-bench-workbench");

QTextStream &err()
{
    static QTextStream s(stderr);
    return s;
}

// A reply as long and as varied as real ones: prose, a list, and a code block every third.
QString replyText(int n)
{
    QString s = QStringLiteral("Answer %1. Here is **some** explanation with `inline code` and a [link](https://example.com). "
                               "It goes on for a while so the label has to wrap across several lines in the view.\n\n"
                               "- first point\n- second point\n- third point\n")
                    .arg(n);
    if (n % 3 == 0)
        s += QStringLiteral("\n```cpp\nint f(int x) {\n    return x * %1;\n}\n```\n\nAnd a closing sentence.").arg(n);
    return s;
}

qint64 seedConversation(ConversationStore &store, int messages)
{
    Conversation c;
    c.title = QStringLiteral("Long conversation");
    c.model = QStringLiteral("fake/gpt-a");
    c.id = store.create(c);
    QSqlDatabase db = store.database();
    db.transaction();
    qint64 parent = 0;
    for (int i = 0; i < messages; ++i) {
        ConversationMessage m;
        m.conversationId = c.id;
        m.parentId = parent;
        m.role = i % 2 ? QStringLiteral("assistant") : QStringLiteral("user");
        m.content = i % 2 ? replyText(i) : QStringLiteral("Question number %1: how does this work?").arg(i);
        if (i % 2) {
            m.model = c.model;
            m.inputTokens = 100 + i;
            m.outputTokens = 200;
            m.ttftMs = 300;
            m.totalMs = 2000;
        }
        parent = store.addMessage(m);
    }
    db.commit();
    return c.id;
}

double median(QList<double> v)
{
    std::sort(v.begin(), v.end());
    return v.isEmpty() ? 0 : v.at(v.size() / 2);
}

const int kChunkIntervalMs = 2;

// 600 chunks of running prose, a paragraph break every 40: ~500 chunks/s per stream.
QStringList proseChunks()
{
    QStringList chunks;
    for (int c = 0; c < 600; ++c)
        chunks << (c % 40 == 39 ? QStringLiteral("word %1.\n\n").arg(c) : QStringLiteral("word%1 ").arg(c));
    return chunks;
}

// A reply shaped like a real one (headings, a list, a table, a 24-line code block, prose), a
// few characters per chunk as models send them.
QStringList markdownChunks()
{
    QString text;
    for (int part = 1; part <= 3; ++part) {
        text += QStringLiteral("## Part %1\n\nThe **first** thing to see is that `value` is borrowed, not moved; "
                               "the [reference](https://doc.rust-lang.org/book/) explains why in detail.\n\n"
                               "- the caller keeps ownership\n- the callee may read it\n- nothing is copied\n\n"
                               "| case | cost |\n|---|---|\n| borrow | none |\n| clone | one copy |\n\n```rust\n")
                    .arg(part);
        for (int line = 0; line < 24; ++line)
            text += QStringLiteral("    let item_%1 = compute(&value, %1); // step %1\n").arg(line);
        text += QStringLiteral("```\n\nAfter the loop every item is dropped in reverse order, which is what makes the "
                               "pattern safe.\n\n");
    }
    QStringList chunks;
    for (qsizetype at = 0; at < text.size(); at += 9)
        chunks << text.mid(at, 9);
    return chunks;
}

QString loadAverage()
{
    QFile f(QStringLiteral("/proc/loadavg"));
    if (!f.open(QIODevice::ReadOnly))
        return QStringLiteral("?");
    return QString::fromLatin1(f.readAll()).section(QLatin1Char(' '), 0, 2);
}

// CPU time of the calling thread, ms: tells work on the UI thread from waiting for a core on a
// loaded machine. Negative where there is no such clock.
double threadCpuMs()
{
#if defined(Q_OS_UNIX)
    timespec t{};
    if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t) == 0)
        return static_cast<double>(t.tv_sec) * 1e3 + static_cast<double>(t.tv_nsec) / 1e6;
#endif
    return -1;
}

struct StreamResult
{
    qsizetype chunks = 0;
    double worst = 0;    // longest heartbeat gap, ms
    double worstCpu = 0; // of it, the UI thread on a core
    double busiest = 0;  // the most UI-thread CPU time in any one gap
    double p99 = 0;
    double wallMs = 0;
    int beats = 0;
};

// Sends one prompt to every column, each answered with chunks, and watches the UI thread with a
// 5 ms heartbeat: a late beat is a frame the user would have waited for.
std::optional<StreamResult> streamFour(ComparePage &compare, FakeProvider &fake, const QStringList &chunks)
{
    for (qsizetype i = 0; i < compare.columns().size(); ++i) {
        FakeStep step;
        step.chunks = chunks;
        step.chunkIntervalMs = kChunkIntervalMs;
        fake.enqueue(step);
    }
    StreamResult r;
    r.chunks = chunks.size();
    QList<double> gaps;
    QElapsedTimer clock;
    QTimer heartbeat;
    heartbeat.setTimerType(Qt::PreciseTimer);
    heartbeat.setInterval(5);
    qint64 last = 0;
    double lastCpu = 0;
    // BENCH_TRACE=<ms>: print each gap longer than that, with the time to find it in a
    // `perf record -k CLOCK_MONOTONIC` profile.
    const int trace = qEnvironmentVariableIntValue("BENCH_TRACE");
    QObject::connect(&heartbeat, &QTimer::timeout, [&] {
        const qint64 now = clock.nsecsElapsed();
        const double cpu = threadCpuMs();
        const double gap = static_cast<double>(now - last) / 1e6;
        gaps << gap;
        if (gap > r.worst) {
            r.worst = gap;
            r.worstCpu = cpu - lastCpu;
        }
        r.busiest = std::max(r.busiest, cpu - lastCpu);
        if (trace > 0 && gap > trace)
            err() << "gap " << gap << " ms (" << cpu - lastCpu << " ms on a core) ending at " << now / 1000000
                  << " ms, CLOCK_MONOTONIC " << QString::number(QDeadlineTimer::current(Qt::PreciseTimer).deadlineNSecs() / 1e9, 'f', 6)
                  << " s\n";
        last = now;
        lastCpu = cpu;
    });
    compare.input()->setPlainText(QStringLiteral("Stream something long"));
    clock.start();
    lastCpu = threadCpuMs();
    heartbeat.start();
    QMetaObject::invokeMethod(compare.input(), "submitted");
    auto allDone = [&] {
        for (const ComparePage::Column &c : compare.columns()) {
            if (c.session->thread().size() != 2 || c.session->isStreaming())
                return false;
        }
        return true;
    };
    QElapsedTimer limit;
    limit.start();
    while (!allDone() && limit.elapsed() < 60'000)
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 50);
    r.wallMs = static_cast<double>(clock.nsecsElapsed()) / 1e6;
    // What a finished reply still does (its final render is queued) counts too.
    QElapsedTimer settle;
    settle.start();
    while (settle.elapsed() < 300)
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 50);
    heartbeat.stop();
    for (const ComparePage::Column &c : compare.columns()) {
        if (c.session->thread().last().status != ConversationMessage::Status::Done) {
            err() << "a stream did not finish: " << c.session->thread().last().error << "\n";
            return std::nullopt;
        }
    }
    std::sort(gaps.begin(), gaps.end());
    r.beats = static_cast<int>(gaps.size());
    r.p99 = gaps.isEmpty() ? 0 : gaps.at(static_cast<qsizetype>(static_cast<double>(gaps.size()) * 0.99));
    err() << chunks.size() << " chunks x 4: longest stall " << r.worst << " ms (" << r.worstCpu << " on a core), busiest "
          << r.busiest << " ms, p99 " << r.p99 << " ms\n";
    return r;
}

} // namespace

int main(int argc, char **argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    const int runs = 5;
    // For profiling the streams alone (perf record … bench_workbench --streams-only).
    const bool streamsOnly = app.arguments().contains(QStringLiteral("--streams-only"));

    QTemporaryDir dir;
    FakeProvider fake;
    if (!fake.listen()) {
        err() << "fake provider did not start\n";
        return 1;
    }
    const QStringList models{QStringLiteral("gpt-a"), QStringLiteral("gpt-b"), QStringLiteral("gpt-c"), QStringLiteral("gpt-d")};
    fake.setExpectedKey(kKey);
    fake.setModels(models);
    UsageLedger ledger(dir.filePath(QStringLiteral("ledger.db")));
    QString error;
    if (!ledger.start(&error)) {
        err() << error << "\n";
        return 1;
    }
    GatewayServer server(&ledger);
    GatewayConfig config;
    config.port = 0;
    if (!server.listen(config, &error)) {
        err() << error << "\n";
        return 1;
    }
    ProviderConfig provider;
    provider.id = QStringLiteral("fake");
    provider.name = QStringLiteral("Fake");
    provider.baseUrl = fake.baseUrl();
    provider.keyRef = QStringLiteral("env:UNUSED");
    provider.models = models;
    server.setProviders({provider}, {{QStringLiteral("fake"), kKey}});
    const QString service = QStringLiteral("Patchbay-bench-%1").arg(QCoreApplication::applicationPid());
    TestWorkspace workspace(dir.path(), service);
    workspace.setGatewayStatus({GatewayStatus::State::Running, QStringLiteral("http://127.0.0.1:%1/v1").arg(server.port()), {}});
    ChatClient client(&workspace);
    QObject::connect(&client, &ChatClient::tokenCreated, &server, [&] { server.setTokens(workspace.tokens().activeHashes()); });
    client.refreshModels();
    QElapsedTimer wait;
    wait.start();
    while (client.models().isEmpty() && wait.elapsed() < 10'000)
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, 50);
    if (client.models().isEmpty()) {
        err() << "no model list from the gateway (is a Secret Service running?)\n";
        return 1;
    }

    // 1. Opening a 1,000-message conversation.
    ConversationStore store(workspace.database());
    const qint64 big[2] = {seedConversation(store, 1000), seedConversation(store, 1000)};
    QList<double> openMs;
    if (!streamsOnly) {
        ChatPage page(&workspace, &client);
        page.resize(1100, 760);
        page.show();
        QCoreApplication::processEvents();
        for (int i = 0; i < runs + 1; ++i) {
            QElapsedTimer t;
            t.start();
            page.openConversation(big[i % 2]);
            // Populated: widgets made, the layout requests they posted handled, one paint.
            QCoreApplication::processEvents();
            QCoreApplication::sendPostedEvents(nullptr, QEvent::LayoutRequest);
            page.repaint();
            const double ms = static_cast<double>(t.nsecsElapsed()) / 1e6;
            if (page.session()->thread().size() != 1000 || page.view()->messageWidgets().size() != ChatView::kPage) {
                err() << "view shows " << page.view()->messageWidgets().size() << " messages\n";
                return 1;
            }
            if (i > 0) // the first run warms fonts and caches
                openMs << ms;
            err() << "open 1000 messages: " << ms << " ms\n";
            page.newChat();
            QCoreApplication::processEvents();
            // The old widgets' deleteLater(), as the running event loop would do.
            QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
        }
    }

    // 2. Four streams at once, twice: running prose, then Markdown with lists, tables and code.
    const QString loadBefore = loadAverage();
    ComparePage compare(&workspace, &client);
    compare.resize(1400, 800);
    compare.show();
    compare.setColumnCount(4);
    for (int i = 0; i < 4; ++i)
        compare.columns().at(i).picker->setModel(QStringLiteral("fake/") + models.at(i));
    QCoreApplication::processEvents();
    const std::optional<StreamResult> prose = streamFour(compare, fake, proseChunks());
    compare.newComparison();
    const std::optional<StreamResult> markdown = streamFour(compare, fake, markdownChunks());
    const QString loadAfter = loadAverage();
    workspace.secrets()->removeNow(ChatClient::keychainAccount());
    if (!prose || !markdown)
        return 1;

    QTextStream out(stdout);
    const auto ms = [](double v) { return QString::number(v, 'f', 1); };
    out << "## Workbench\n\n"
        << "Written by `bench_workbench` (bench/workbench/); the real ChatPage and ComparePage on the offscreen platform, "
           "over loopback HTTP to an in-process gateway and fake provider.\n\n"
        << "- Machine: " << QSysInfo::prettyProductName() << ", " << QThread::idealThreadCount() << " cores; Qt " << qVersion()
        << "; load average " << loadBefore << " before the streams, " << loadAfter << " after\n\n"
        << "| measure | figure | goal |\n|---|---:|---:|\n";
    if (!openMs.isEmpty()) {
        out << "| open a 1,000-message conversation (median of " << runs << ", ms) | " << ms(median(openMs)) << " | < 300 |\n"
            << "| open, slowest of " << runs << " (ms) | " << ms(*std::max_element(openMs.begin(), openMs.end())) << " | < 300 |\n";
    }
    const auto rows = [&](const char *what, const StreamResult &r) {
        out << "| 4 streams of " << what << " × " << r.chunks << " chunks every " << kChunkIntervalMs
            << " ms: longest UI-thread stall (ms) | " << ms(r.worst) << " | ≤ 50 |\n"
            << "| same: of that stall, UI thread on a core (ms) | " << ms(r.worstCpu) << " | |\n"
            << "| same: most UI-thread CPU time between two heartbeats (ms) | " << ms(r.busiest) << " | ≤ 50 |\n"
            << "| same: 99th percentile heartbeat gap (5 ms timer, ms) | " << ms(r.p99) << " | |\n"
            << "| same: wall time for all four (ms), heartbeats | " << QString::number(r.wallMs, 'f', 0) << ", " << r.beats
            << " | |\n";
    };
    rows("prose", *prose);
    rows("Markdown with code", *markdown);
    return 0;
}
