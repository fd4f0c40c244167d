// benchstub: the upstream "provider" for bench/. One thread, epoll, plain POSIX sockets, so
// it costs far less per request than anything measured through it. It answers
//   GET  /v1/models                 a one-model list (Patchbay asks for it at start)
//   POST /v1/chat/completions       a fixed chat.completion with usage, or, with "stream":true,
//                                   an SSE stream of N chunks with an optional pause between them
// Stream shape by model name: "bench-stream-<chunks>x<delay ms>" (e.g. bench-stream-30x1000);
// any other model gets the defaults from the command line. Loopback only.

#include <arpa/inet.h>
#include <cctype>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <queue>
#include <string>
#include <string_view>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <unordered_map>
#include <vector>

namespace {

struct Options {
    int port = 0;
    int chunks = 20;
    int delayMs = 0;
};

struct Conn {
    int fd = -1;
    unsigned gen = 0;
    std::string in;
    std::string out;
    size_t outOff = 0;
    bool wantWrite = false;
    bool closeAfter = false;
    // An open stream: chunks still to send, pause between them.
    int streamLeft = 0;
    int streamIndex = 0;
    int delayMs = 0;
    bool includeUsage = false;
};

struct Timer {
    long long whenNs;
    int fd;
    unsigned gen;
    bool operator>(const Timer &o) const { return whenNs > o.whenNs; }
};

const char kModels[] = R"({"object":"list","data":[{"id":"bench-model","object":"model","owned_by":"bench"}]})";
const char kPlain[] =
    R"({"id":"chatcmpl-bench","object":"chat.completion","created":1700000000,"model":"bench-model",)"
    R"("choices":[{"index":0,"message":{"role":"assistant","content":"Hello! This is a fixed answer from the benchmark stub."},)"
    R"("logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":12,"completion_tokens":11,"total_tokens":23}})";

int g_epoll = -1;
std::unordered_map<int, Conn> g_conns;
std::priority_queue<Timer, std::vector<Timer>, std::greater<Timer>> g_timers;
unsigned g_nextGen = 1;

long long nowNs()
{
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

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

// The JSON value after "key": in body, for the few flat fields the stub looks at.
std::string_view jsonValue(std::string_view body, std::string_view key)
{
    std::string quoted = "\"" + std::string(key) + "\"";
    size_t p = body.find(quoted);
    if (p == std::string_view::npos)
        return {};
    p += quoted.size();
    while (p < body.size() && (body[p] == ' ' || body[p] == ':' || body[p] == '\t' || body[p] == '\n' || body[p] == '\r'))
        ++p;
    if (p >= body.size())
        return {};
    if (body[p] == '"') {
        size_t e = body.find('"', p + 1);
        return e == std::string_view::npos ? std::string_view{} : body.substr(p + 1, e - p - 1);
    }
    size_t e = p;
    while (e < body.size() && body[e] != ',' && body[e] != '}' && body[e] != ' ')
        ++e;
    return body.substr(p, e - p);
}

void closeConn(Conn &c)
{
    epoll_ctl(g_epoll, EPOLL_CTL_DEL, c.fd, nullptr);
    close(c.fd);
    g_conns.erase(c.fd);
}

void updateInterest(Conn &c)
{
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLRDHUP | (c.wantWrite ? static_cast<uint32_t>(EPOLLOUT) : 0u);
    ev.data.fd = c.fd;
    epoll_ctl(g_epoll, EPOLL_CTL_MOD, c.fd, &ev);
}

// Returns false when the connection was closed.
bool flush(Conn &c)
{
    while (c.outOff < c.out.size()) {
        ssize_t n = send(c.fd, c.out.data() + c.outOff, c.out.size() - c.outOff, MSG_NOSIGNAL);
        if (n > 0) {
            c.outOff += static_cast<size_t>(n);
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            if (!c.wantWrite) {
                c.wantWrite = true;
                updateInterest(c);
            }
            return true;
        }
        closeConn(c);
        return false;
    }
    c.out.clear();
    c.outOff = 0;
    if (c.wantWrite) {
        c.wantWrite = false;
        updateInterest(c);
    }
    if (c.closeAfter && c.streamLeft == 0) {
        closeConn(c);
        return false;
    }
    return true;
}

void appendChunk(Conn &c, std::string_view data)
{
    char size[32];
    int n = std::snprintf(size, sizeof size, "%zx\r\n", data.size());
    c.out.append(size, static_cast<size_t>(n));
    c.out.append(data);
    c.out.append("\r\n");
}

// One SSE event of the stream; the last content event carries finish_reason, then usage, then [DONE].
void appendStreamEvent(Conn &c)
{
    char event[512];
    int n;
    const bool last = c.streamLeft == 1;
    if (c.streamIndex == 0) {
        n = std::snprintf(event, sizeof event,
                          "data: {\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,"
                          "\"model\":\"bench-model\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},"
                          "\"logprobs\":null,\"finish_reason\":null}]}\n\n");
    } else if (!last) {
        n = std::snprintf(event, sizeof event,
                          "data: {\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,"
                          "\"model\":\"bench-model\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"tok%d \"},"
                          "\"logprobs\":null,\"finish_reason\":null}]}\n\n",
                          c.streamIndex);
    } else {
        n = std::snprintf(event, sizeof event,
                          "data: {\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,"
                          "\"model\":\"bench-model\",\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}]}\n\n");
    }
    std::string data(event, static_cast<size_t>(n));
    if (last) {
        if (c.includeUsage) {
            char usage[256];
            int u = std::snprintf(usage, sizeof usage,
                                  "data: {\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,"
                                  "\"model\":\"bench-model\",\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":%d,"
                                  "\"total_tokens\":%d}}\n\n",
                                  c.streamIndex, c.streamIndex + 12);
            data.append(usage, static_cast<size_t>(u));
        }
        data.append("data: [DONE]\n\n");
    }
    appendChunk(c, data);
    ++c.streamIndex;
    --c.streamLeft;
    if (c.streamLeft == 0)
        c.out.append("0\r\n\r\n");
}

// Sends what the stream owes now; schedules the rest.
bool pumpStream(Conn &c)
{
    if (c.delayMs <= 0) {
        // Unpaced: every event is its own write, as a provider's token stream would be.
        while (c.streamLeft > 0) {
            appendStreamEvent(c);
            if (!flush(c))
                return false;
        }
        return true;
    }
    appendStreamEvent(c);
    if (!flush(c))
        return false;
    if (c.streamLeft > 0)
        g_timers.push({nowNs() + c.delayMs * 1000000LL, c.fd, c.gen});
    return true;
}

void respond(Conn &c, const char *status, std::string_view contentType, std::string_view body)
{
    char head[256];
    int n = std::snprintf(head, sizeof head,
                          "HTTP/1.1 %s\r\nContent-Type: %.*s\r\nContent-Length: %zu\r\n%s\r\n", status,
                          static_cast<int>(contentType.size()), contentType.data(), body.size(),
                          c.closeAfter ? "Connection: close\r\n" : "");
    c.out.append(head, static_cast<size_t>(n));
    c.out.append(body);
}

// Handles every complete request in the input buffer. Returns false when the connection closed.
bool processInput(Conn &c, const Options &opt)
{
    while (c.streamLeft == 0) {
        size_t headEnd = c.in.find("\r\n\r\n");
        if (headEnd == std::string::npos) {
            if (c.in.size() > 65536) {
                closeConn(c);
                return false;
            }
            return true;
        }
        std::string_view head(c.in.data(), headEnd);
        size_t lineEnd = head.find("\r\n");
        std::string_view requestLine = head.substr(0, lineEnd);
        size_t sp1 = requestLine.find(' ');
        size_t sp2 = requestLine.find(' ', sp1 + 1);
        if (sp1 == std::string_view::npos || sp2 == std::string_view::npos) {
            closeConn(c);
            return false;
        }
        std::string_view method = requestLine.substr(0, sp1);
        std::string_view target = requestLine.substr(sp1 + 1, sp2 - sp1 - 1);
        bool http10 = requestLine.substr(sp2 + 1) == "HTTP/1.0";
        size_t contentLength = 0;
        bool closeRequested = http10;
        size_t pos = lineEnd == std::string_view::npos ? head.size() : lineEnd + 2;
        while (pos < head.size()) {
            size_t e = head.find("\r\n", pos);
            if (e == std::string_view::npos)
                e = head.size();
            std::string_view line = head.substr(pos, e - pos);
            size_t colon = line.find(':');
            if (colon != std::string_view::npos) {
                std::string_view name = line.substr(0, colon);
                std::string_view value = line.substr(colon + 1);
                while (!value.empty() && value.front() == ' ')
                    value.remove_prefix(1);
                if (ieq(name, "content-length"))
                    contentLength = std::strtoul(std::string(value).c_str(), nullptr, 10);
                else if (ieq(name, "connection"))
                    closeRequested = ieq(value, "close") ? true : (ieq(value, "keep-alive") ? false : closeRequested);
                else if (ieq(name, "transfer-encoding")) {
                    closeConn(c); // no client in the harness sends chunked bodies
                    return false;
                }
            }
            pos = e + 2;
        }
        const size_t total = headEnd + 4 + contentLength;
        if (c.in.size() < total)
            return true;
        std::string body = c.in.substr(headEnd + 4, contentLength);
        const std::string path(target.substr(0, target.find('?')));
        const std::string meth(method);
        c.in.erase(0, total);
        c.closeAfter = closeRequested;

        if (meth == "GET" && path == "/v1/models") {
            respond(c, "200 OK", "application/json", kModels);
        } else if (meth == "POST" && path == "/v1/chat/completions") {
            if (jsonValue(body, "stream") == "true") {
                int chunks = opt.chunks;
                int delay = opt.delayMs;
                std::string_view model = jsonValue(body, "model");
                if (size_t s = model.find("bench-stream-"); s != std::string_view::npos)
                    std::sscanf(std::string(model.substr(s + 13)).c_str(), "%dx%d", &chunks, &delay);
                c.streamLeft = chunks < 2 ? 2 : chunks;
                c.streamIndex = 0;
                c.delayMs = delay;
                c.includeUsage = jsonValue(body, "include_usage") == "true";
                char headBuf[256];
                int n = std::snprintf(headBuf, sizeof headBuf,
                                      "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
                                      "Transfer-Encoding: chunked\r\n%s\r\n",
                                      c.closeAfter ? "Connection: close\r\n" : "");
                c.out.append(headBuf, static_cast<size_t>(n));
                // The head and the first event leave together, as they do from real providers.
                if (!pumpStream(c))
                    return false;
                continue;
            }
            respond(c, "200 OK", "application/json", kPlain);
        } else if (meth == "GET" && (path == "/health" || path == "/")) {
            respond(c, "200 OK", "application/json", R"({"status":"ok"})");
        } else {
            respond(c, "404 Not Found", "application/json",
                    R"({"error":{"message":"benchstub serves /v1/models and /v1/chat/completions only","type":"invalid_request_error"}})");
        }
        if (!flush(c))
            return false;
    }
    return true;
}

void onReadable(Conn &c, const Options &opt)
{
    char buf[65536];
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
        closeConn(c);
        return;
    }
    processInput(c, opt);
}

void acceptAll(int listenFd)
{
    for (;;) {
        int fd = accept4(listenFd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0)
            return;
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        Conn &c = g_conns[fd];
        c = Conn{};
        c.fd = fd;
        c.gen = g_nextGen++;
        epoll_event ev{};
        ev.events = EPOLLIN | EPOLLRDHUP;
        ev.data.fd = fd;
        epoll_ctl(g_epoll, EPOLL_CTL_ADD, fd, &ev);
    }
}

void usage()
{
    std::fprintf(stderr, "usage: benchstub --port N [--chunks N] [--delay-ms MS]\n"
                         "  Streams for model bench-stream-<chunks>x<delay ms> use those values instead.\n");
}

} // namespace

int main(int argc, char **argv)
{
    Options opt;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        auto next = [&]() -> int {
            if (i + 1 >= argc) {
                usage();
                std::exit(2);
            }
            return std::atoi(argv[++i]);
        };
        if (a == "--port")
            opt.port = next();
        else if (a == "--chunks")
            opt.chunks = next();
        else if (a == "--delay-ms")
            opt.delayMs = next();
        else {
            usage();
            return 2;
        }
    }
    if (opt.port <= 0) {
        usage();
        return 2;
    }
    std::signal(SIGPIPE, SIG_IGN);

    int listenFd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(listenFd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(opt.port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(listenFd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0 || listen(listenFd, 4096) != 0) {
        std::fprintf(stderr, "benchstub: cannot listen on 127.0.0.1:%d: %s\n", opt.port, std::strerror(errno));
        return 1;
    }
    g_epoll = epoll_create1(EPOLL_CLOEXEC);
    epoll_event lev{};
    lev.events = EPOLLIN;
    lev.data.fd = listenFd;
    epoll_ctl(g_epoll, EPOLL_CTL_ADD, listenFd, &lev);
    std::printf("benchstub listening on http://127.0.0.1:%d/v1\n", opt.port);
    std::fflush(stdout);

    std::vector<epoll_event> events(1024);
    for (;;) {
        int timeoutMs = -1;
        if (!g_timers.empty()) {
            long long wait = g_timers.top().whenNs - nowNs();
            timeoutMs = wait <= 0 ? 0 : static_cast<int>((wait + 999999) / 1000000);
        }
        int n = epoll_wait(g_epoll, events.data(), static_cast<int>(events.size()), timeoutMs);
        for (int i = 0; i < n; ++i) {
            int fd = events[i].data.fd;
            if (fd == listenFd) {
                acceptAll(listenFd);
                continue;
            }
            auto it = g_conns.find(fd);
            if (it == g_conns.end())
                continue;
            Conn &c = it->second;
            if (events[i].events & (EPOLLERR | EPOLLHUP)) {
                closeConn(c);
                continue;
            }
            if (events[i].events & EPOLLOUT) {
                if (!flush(c))
                    continue;
            }
            if (events[i].events & (EPOLLIN | EPOLLRDHUP))
                onReadable(c, opt);
        }
        const long long now = nowNs();
        while (!g_timers.empty() && g_timers.top().whenNs <= now) {
            Timer t = g_timers.top();
            g_timers.pop();
            auto it = g_conns.find(t.fd);
            if (it == g_conns.end() || it->second.gen != t.gen || it->second.streamLeft == 0)
                continue;
            Conn &c = it->second;
            if (!pumpStream(c))
                continue;
            // A finished stream frees the connection for the next request, which may already wait.
            if (c.streamLeft == 0 && !c.in.empty())
                processInput(c, opt);
        }
    }
}
