// streamclient: the SSE load generator for bench/. One thread, epoll, plain POSIX sockets.
// Each connection sends a streaming chat completion and times the first complete SSE event
// (time to first chunk), the whole answer, and counts the events. Two modes:
//   loop  (--duration S): every connection streams again and again until S seconds pass;
//   hold  (--hold):       every connection streams once; the run ends when all are done.
// It prints one JSON object. Loopback only: the host is always 127.0.0.1.

#include <algorithm>
#include <arpa/inet.h>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <map>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string>
#include <string_view>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

namespace {

struct Options {
    int port = 0;
    std::string path = "/v1/chat/completions";
    std::string model = "bench-model";
    std::vector<std::string> headers;
    int connections = 1;
    double duration = 0;  // loop mode when > 0
    bool hold = false;
    double timeout = 0;   // hard stop; default duration + 15 s, or 120 s in hold mode
    int rampPerTick = 0;  // hold mode: connections opened per 10 ms tick (0 = all at once)
};

enum class Phase { Idle, Connecting, Sending, Head, Body, Done };

struct Conn {
    int fd = -1;
    Phase phase = Phase::Idle;
    std::string out;
    size_t outOff = 0;
    std::string in;
    long long startNs = 0;
    long long firstNs = 0;
    int events = 0;
    int status = 0;
    bool chunked = false;
    long long contentLeft = -1;
    bool serverCloses = false;
    // chunked decoding
    long long chunkLeft = -1; // -1: expecting a size line
    bool trailer = false;
    std::string sse;          // decoded body not yet split into events
    bool sawDone = false;
};

long long nowNs()
{
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

Options g_opt;
int g_epoll = -1;
std::string g_request;
std::vector<Conn> g_conns;
std::vector<long long> g_ttfc, g_total;
long long g_events = 0;
long long g_errors = 0;
std::map<int, long long> g_errorStatuses; // 0: no status line before the connection ended
long long g_connectErrors = 0;
int g_streaming = 0;     // streams that have their first event and are not finished
int g_maxStreaming = 0;
long long g_allStreamingNs = 0;
bool g_stopping = false;

bool ieq(std::string_view a, std::string_view b)
{
    if (a.size() != b.size())
        return false;
    for (size_t i = 0; i < a.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
            return false;
    }
    return true;
}

void closeFd(Conn &c)
{
    if (c.fd >= 0) {
        epoll_ctl(g_epoll, EPOLL_CTL_DEL, c.fd, nullptr);
        close(c.fd);
        c.fd = -1;
    }
}

void setInterest(Conn &c, uint32_t events, size_t index)
{
    epoll_event ev{};
    ev.events = events;
    ev.data.u64 = index;
    epoll_ctl(g_epoll, EPOLL_CTL_MOD, c.fd, &ev);
}

bool startRequest(Conn &c, size_t index);

void openConn(Conn &c, size_t index)
{
    c = Conn{};
    c.fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(g_opt.port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    c.startNs = nowNs();
    int r = connect(c.fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr);
    epoll_event ev{};
    ev.data.u64 = index;
    if (r == 0) {
        ev.events = EPOLLIN;
        epoll_ctl(g_epoll, EPOLL_CTL_ADD, c.fd, &ev);
        startRequest(c, index);
        return;
    }
    if (errno != EINPROGRESS) {
        ++g_connectErrors;
        close(c.fd);
        c.fd = -1;
        c.phase = Phase::Done;
        return;
    }
    c.phase = Phase::Connecting;
    ev.events = EPOLLOUT;
    epoll_ctl(g_epoll, EPOLL_CTL_ADD, c.fd, &ev);
}

bool flushOut(Conn &c, size_t index)
{
    while (c.outOff < c.out.size()) {
        ssize_t n = send(c.fd, c.out.data() + c.outOff, c.out.size() - c.outOff, MSG_NOSIGNAL);
        if (n > 0) {
            c.outOff += static_cast<size_t>(n);
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            setInterest(c, EPOLLIN | EPOLLOUT, index);
            return true;
        }
        return false;
    }
    setInterest(c, EPOLLIN, index);
    c.phase = Phase::Head;
    return true;
}

bool startRequest(Conn &c, size_t index)
{
    c.out = g_request;
    c.outOff = 0;
    c.in.clear();
    c.sse.clear();
    c.startNs = nowNs();
    c.firstNs = 0;
    c.events = 0;
    c.status = 0;
    c.chunked = false;
    c.contentLeft = -1;
    c.chunkLeft = -1;
    c.trailer = false;
    c.sawDone = false;
    c.phase = Phase::Sending;
    return flushOut(c, index);
}

void noteSse(Conn &c, std::string_view data)
{
    c.sse.append(data);
    size_t pos = 0;
    for (;;) {
        size_t end = c.sse.find("\n\n", pos);
        if (end == std::string::npos)
            break;
        std::string_view event(c.sse.data() + pos, end - pos);
        pos = end + 2;
        if (event.find("data:") == std::string_view::npos)
            continue;
        if (event.find("[DONE]") != std::string_view::npos) {
            c.sawDone = true;
            continue;
        }
        if (c.firstNs == 0) {
            c.firstNs = nowNs();
            ++g_streaming;
            g_maxStreaming = std::max(g_maxStreaming, g_streaming);
            if (g_opt.hold && g_streaming == g_opt.connections && g_allStreamingNs == 0) {
                g_allStreamingNs = nowNs();
                std::fprintf(stderr, "streamclient: all %d streams open\n", g_streaming);
            }
        }
        ++c.events;
    }
    c.sse.erase(0, pos);
}

// Decodes what is buffered. Returns 1 when the response is complete, 0 for more, -1 on error.
int decode(Conn &c)
{
    if (c.phase == Phase::Head) {
        size_t end = c.in.find("\r\n\r\n");
        if (end == std::string::npos)
            return c.in.size() > 65536 ? -1 : 0;
        std::string_view head(c.in.data(), end);
        if (head.size() < 12 || head.substr(0, 5) != "HTTP/")
            return -1;
        c.status = std::atoi(std::string(head.substr(9, 3)).c_str());
        c.serverCloses = head.substr(0, 8) == "HTTP/1.0";
        size_t pos = head.find("\r\n");
        while (pos != std::string_view::npos && pos + 2 < head.size()) {
            size_t e = head.find("\r\n", pos + 2);
            std::string_view line = head.substr(pos + 2, (e == std::string_view::npos ? head.size() : e) - pos - 2);
            size_t colon = line.find(':');
            if (colon != std::string_view::npos) {
                std::string_view name = line.substr(0, colon);
                std::string_view value = line.substr(colon + 1);
                while (!value.empty() && value.front() == ' ')
                    value.remove_prefix(1);
                if (ieq(name, "transfer-encoding") && value.find("chunked") != std::string_view::npos)
                    c.chunked = true;
                else if (ieq(name, "content-length"))
                    c.contentLeft = std::atoll(std::string(value).c_str());
                else if (ieq(name, "connection"))
                    c.serverCloses = ieq(value, "close");
            }
            pos = e;
        }
        c.in.erase(0, end + 4);
        c.phase = Phase::Body;
    }
    if (c.phase != Phase::Body)
        return 0;
    if (!c.chunked) {
        if (c.contentLeft < 0) {
            // Read to close: everything is body.
            noteSse(c, c.in);
            c.in.clear();
            return 0;
        }
        size_t take = std::min<size_t>(c.in.size(), static_cast<size_t>(c.contentLeft));
        noteSse(c, std::string_view(c.in.data(), take));
        c.in.erase(0, take);
        c.contentLeft -= static_cast<long long>(take);
        return c.contentLeft == 0 ? 1 : 0;
    }
    size_t pos = 0;
    int result = 0;
    for (;;) {
        if (c.trailer) {
            size_t e = c.in.find("\r\n", pos);
            if (e == std::string::npos)
                break;
            bool empty = e == pos;
            pos = e + 2;
            if (empty) {
                result = 1;
                break;
            }
            continue;
        }
        if (c.chunkLeft < 0) {
            size_t e = c.in.find("\r\n", pos);
            if (e == std::string::npos)
                break;
            c.chunkLeft = std::strtoll(c.in.c_str() + pos, nullptr, 16);
            pos = e + 2;
            if (c.chunkLeft == 0) {
                c.trailer = true;
                continue;
            }
        }
        if (c.chunkLeft > 0) {
            size_t take = std::min<size_t>(c.in.size() - pos, static_cast<size_t>(c.chunkLeft));
            noteSse(c, std::string_view(c.in.data() + pos, take));
            pos += take;
            c.chunkLeft -= static_cast<long long>(take);
            if (c.chunkLeft > 0)
                break;
        }
        // chunk data done: its CRLF
        if (c.in.size() - pos < 2)
            break;
        pos += 2;
        c.chunkLeft = -1;
    }
    c.in.erase(0, pos);
    return result;
}

void finishStream(Conn &c, size_t index, bool ok)
{
    const long long now = nowNs();
    if (ok && c.status == 200 && c.firstNs != 0) {
        g_ttfc.push_back(c.firstNs - c.startNs);
        g_total.push_back(now - c.startNs);
        g_events += c.events;
    } else {
        ++g_errors;
        ++g_errorStatuses[c.status];
    }
    if (c.firstNs != 0)
        --g_streaming;
    c.firstNs = 0;
    c.phase = Phase::Done;
    if (g_opt.hold || g_stopping) {
        closeFd(c);
        return;
    }
    if (c.serverCloses || !ok) {
        closeFd(c);
        openConn(c, index);
        return;
    }
    if (!startRequest(c, index)) {
        closeFd(c);
        openConn(c, index);
    }
}

void onEvent(size_t index, uint32_t events)
{
    Conn &c = g_conns[index];
    if (c.fd < 0)
        return;
    if (c.phase == Phase::Connecting) {
        int err = 0;
        socklen_t len = sizeof err;
        getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &err, &len);
        if (err != 0 || (events & (EPOLLERR | EPOLLHUP))) {
            ++g_connectErrors;
            closeFd(c);
            c.phase = Phase::Done;
            if (!g_opt.hold && !g_stopping)
                openConn(c, index);
            return;
        }
        setInterest(c, EPOLLIN, index);
        if (!startRequest(c, index)) {
            closeFd(c);
            finishStream(c, index, false);
        }
        return;
    }
    if (c.phase == Phase::Sending && (events & EPOLLOUT)) {
        if (!flushOut(c, index)) {
            closeFd(c);
            finishStream(c, index, false);
            return;
        }
    }
    if (!(events & (EPOLLIN | EPOLLHUP | EPOLLERR | EPOLLRDHUP)))
        return;
    char buf[65536];
    bool closed = false;
    for (;;) {
        ssize_t n = recv(c.fd, buf, sizeof buf, 0);
        if (n > 0) {
            c.in.append(buf, static_cast<size_t>(n));
            if (static_cast<size_t>(n) < sizeof buf)
                break;
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            break;
        closed = true;
        break;
    }
    int r = decode(c);
    if (r == 1) {
        if (closed)
            c.serverCloses = true;
        finishStream(c, index, true);
        return;
    }
    if (r < 0 || closed) {
        // A read-to-close body that ended is complete; anything else is cut short.
        bool ok = closed && r == 0 && !c.chunked && c.contentLeft < 0 && c.phase == Phase::Body;
        c.serverCloses = true;
        finishStream(c, index, ok);
    }
}

long long percentile(std::vector<long long> &v, double p)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    size_t i = static_cast<size_t>(p / 100.0 * static_cast<double>(v.size() - 1) + 0.5);
    return v[std::min(i, v.size() - 1)];
}

void usage()
{
    std::fprintf(stderr,
                 "usage: streamclient --port N [--path P] [--model M] [--header 'K: V']... --connections C\n"
                 "                    (--duration S | --hold) [--timeout S] [--ramp N]\n");
}

} // namespace

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        auto next = [&]() -> std::string {
            if (i + 1 >= argc) {
                usage();
                std::exit(2);
            }
            return argv[++i];
        };
        if (a == "--port")
            g_opt.port = std::atoi(next().c_str());
        else if (a == "--path")
            g_opt.path = next();
        else if (a == "--model")
            g_opt.model = next();
        else if (a == "--header")
            g_opt.headers.push_back(next());
        else if (a == "--connections")
            g_opt.connections = std::atoi(next().c_str());
        else if (a == "--duration")
            g_opt.duration = std::atof(next().c_str());
        else if (a == "--hold")
            g_opt.hold = true;
        else if (a == "--timeout")
            g_opt.timeout = std::atof(next().c_str());
        else if (a == "--ramp")
            g_opt.rampPerTick = std::atoi(next().c_str());
        else {
            usage();
            return 2;
        }
    }
    if (g_opt.port <= 0 || g_opt.connections <= 0 || (g_opt.duration <= 0 && !g_opt.hold)) {
        usage();
        return 2;
    }
    if (g_opt.timeout <= 0)
        g_opt.timeout = g_opt.hold ? 120 : g_opt.duration + 15;
    std::signal(SIGPIPE, SIG_IGN);

    const std::string body = "{\"model\":\"" + g_opt.model
        + "\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"Say hello in one short sentence.\"}],\"max_tokens\":64}";
    g_request = "POST " + g_opt.path + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(g_opt.port)
        + "\r\nContent-Type: application/json\r\nAccept: text/event-stream\r\n";
    for (const std::string &h : g_opt.headers)
        g_request += h + "\r\n";
    g_request += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;

    g_epoll = epoll_create1(EPOLL_CLOEXEC);
    g_conns.resize(static_cast<size_t>(g_opt.connections));
    const long long t0 = nowNs();
    const long long deadline = g_opt.hold ? 0 : t0 + static_cast<long long>(g_opt.duration * 1e9);
    const long long hardStop = t0 + static_cast<long long>(g_opt.timeout * 1e9);
    size_t opened = 0;
    auto openSome = [&] {
        size_t limit = g_opt.rampPerTick > 0 ? std::min(g_conns.size(), opened + static_cast<size_t>(g_opt.rampPerTick)) : g_conns.size();
        for (; opened < limit; ++opened)
            openConn(g_conns[opened], opened);
    };
    openSome();

    std::vector<epoll_event> events(1024);
    bool timedOut = false;
    for (;;) {
        long long now = nowNs();
        if (!g_opt.hold && now >= deadline)
            break;
        if (now >= hardStop) {
            timedOut = true;
            break;
        }
        if (g_opt.hold && opened == g_conns.size()
            && std::all_of(g_conns.begin(), g_conns.end(), [](const Conn &c) { return c.phase == Phase::Done; }))
            break;
        int wait = 10;
        int n = epoll_wait(g_epoll, events.data(), static_cast<int>(events.size()), wait);
        for (int i = 0; i < n; ++i)
            onEvent(static_cast<size_t>(events[i].data.u64), events[i].events);
        if (opened < g_conns.size())
            openSome();
    }
    const long long t1 = nowNs();
    g_stopping = true;
    int unfinished = 0;
    for (Conn &c : g_conns) {
        if (c.phase != Phase::Done && c.phase != Phase::Idle)
            ++unfinished;
        if (c.fd >= 0) {
            close(c.fd);
            c.fd = -1;
        }
    }
    const double seconds = static_cast<double>(t1 - t0) / 1e9;
    std::string statuses;
    for (const auto &[status, count] : g_errorStatuses)
        statuses += (statuses.empty() ? "\"" : ",\"") + std::to_string(status) + "\":" + std::to_string(count);
    const size_t done = g_ttfc.size();
    std::printf("{\"mode\":\"%s\",\"connections\":%d,\"seconds\":%.3f,\"streams\":%zu,\"errors\":%lld,"
                "\"connect_errors\":%lld,\"unfinished\":%d,\"timed_out\":%s,\"rps\":%.1f,"
                "\"ttfc_p50_us\":%.1f,\"ttfc_p99_us\":%.1f,\"total_p50_us\":%.1f,\"total_p99_us\":%.1f,"
                "\"events_per_stream\":%.2f,\"max_streaming\":%d,\"all_streaming_after_s\":%.3f,\"error_statuses\":{%s}}\n",
                g_opt.hold ? "hold" : "loop", g_opt.connections, seconds, done, g_errors, g_connectErrors, unfinished,
                timedOut ? "true" : "false", done / seconds, percentile(g_ttfc, 50) / 1e3, percentile(g_ttfc, 99) / 1e3,
                percentile(g_total, 50) / 1e3, percentile(g_total, 99) / 1e3,
                done ? static_cast<double>(g_events) / static_cast<double>(done) : 0.0, g_maxStreaming,
                g_allStreamingNs ? static_cast<double>(g_allStreamingNs - t0) / 1e9 : -1.0, statuses.c_str());
    return 0;
}
