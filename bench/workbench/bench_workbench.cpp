// bench_workbench: the chat workbench's two quality bars, measured on the real widgets.
//  1. Opening a conversation of 1,000 messages: from ChatPage::openConversation() until the
//     view is laid out and painted (goal < 300 ms).
//  2. Four streams at once on the Compare page: the longest UI-thread stall while they render,
//     seen by a 5 ms heartbeat timer as lateness (goal: no frame > 50 ms).
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
#include <QElapsedTimer>
#include <QSqlDatabase>
#include <QSysInfo>
#include <QTemporaryDir>
#include <QTextStream>
#include <QThread>
#include <QTimer>

#include <algorithm>

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

} // namespace

int main(int argc, char **argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    const int runs = 5;

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
    {
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

    // 2. Four streams at once.
    const int chunks = 600;
    const int intervalMs = 2;
    double worstStall = 0;
    QList<double> stalls;
    int beats = 0;
    double streamMs = 0;
    {
        ComparePage compare(&workspace, &client);
        compare.resize(1400, 800);
        compare.show();
        compare.setColumnCount(4);
        for (int i = 0; i < 4; ++i)
            compare.columns().at(i).picker->setModel(QStringLiteral("fake/") + models.at(i));
        QCoreApplication::processEvents();
        for (int i = 0; i < 4; ++i) {
            FakeStep step;
            for (int c = 0; c < chunks; ++c)
                step.chunks << (c % 40 == 39 ? QStringLiteral("word %1.\n\n").arg(c) : QStringLiteral("word%1 ").arg(c));
            step.chunkIntervalMs = intervalMs;
            fake.enqueue(step);
        }
        QElapsedTimer clock;
        QTimer heartbeat;
        heartbeat.setTimerType(Qt::PreciseTimer);
        heartbeat.setInterval(5);
        qint64 last = 0;
        QObject::connect(&heartbeat, &QTimer::timeout, [&] {
            const qint64 now = clock.nsecsElapsed();
            const double gap = static_cast<double>(now - last) / 1e6;
            stalls << gap;
            worstStall = std::max(worstStall, gap);
            last = now;
            ++beats;
        });
        compare.input()->setPlainText(QStringLiteral("Stream something long"));
        clock.start();
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
        heartbeat.stop();
        streamMs = static_cast<double>(clock.nsecsElapsed()) / 1e6;
        for (const ComparePage::Column &c : compare.columns()) {
            if (c.session->thread().last().status != ConversationMessage::Status::Done) {
                err() << "a stream did not finish: " << c.session->thread().last().error << "\n";
                return 1;
            }
        }
    }
    std::sort(stalls.begin(), stalls.end());
    const double p99 = stalls.isEmpty() ? 0 : stalls.at(static_cast<qsizetype>(stalls.size() * 0.99));
    workspace.secrets()->removeNow(ChatClient::keychainAccount());

    QTextStream out(stdout);
    out << "## Workbench\n\n"
        << "Written by `bench_workbench` (bench/workbench/); the real ChatPage and ComparePage on the offscreen platform, "
           "over loopback HTTP to an in-process gateway and fake provider.\n\n"
        << "- Command: `dbus-run-session -- bash -c 'eval \"$(printf x | gnome-keyring-daemon --unlock --components=secrets)\"; "
           "build/bench/workbench/bench_workbench'`\n"
        << "- Machine: " << QSysInfo::prettyProductName() << ", " << QThread::idealThreadCount() << " cores; Qt " << qVersion() << "\n\n"
        << "| measure | figure | goal |\n|---|---:|---:|\n"
        << "| open a 1,000-message conversation (median of " << runs << ", ms) | " << QString::number(median(openMs), 'f', 1)
        << " | < 300 |\n"
        << "| open, slowest of " << runs << " (ms) | " << QString::number(*std::max_element(openMs.begin(), openMs.end()), 'f', 1)
        << " | < 300 |\n"
        << "| 4 streams × " << chunks << " chunks every " << intervalMs << " ms: longest UI-thread stall (ms) | "
        << QString::number(worstStall, 'f', 1) << " | ≤ 50 |\n"
        << "| same: 99th percentile heartbeat gap (5 ms timer, ms) | " << QString::number(p99, 'f', 1) << " | |\n"
        << "| same: wall time for all four (ms), heartbeats | " << QString::number(streamMs, 'f', 0) << ", " << beats << " | |\n";
    return 0;
}
