#include "headerredaction.h"

#include <algorithm>
#include <string_view>

namespace patchbay {

namespace {

char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c;
}

bool wordAt(QByteArrayView name, qsizetype at, std::string_view word)
{
    if (at + qsizetype(word.size()) > name.size())
        return false;
    for (size_t i = 1; i < word.size(); ++i) { // the first letter has matched
        if (lower(name[at + qsizetype(i)]) != word[i])
            return false;
    }
    return true;
}

// An auth scheme is one word of letters (Bearer, Basic, Digest, Token); only that stays.
void appendRedacted(QByteArray &out, QByteArrayView value)
{
    value = value.trimmed();
    if (value.isEmpty())
        return;
    const qsizetype space = value.indexOf(' ');
    if (space > 0) {
        const QByteArrayView scheme = value.first(space);
        const bool word = std::all_of(scheme.begin(), scheme.end(), [](char c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        });
        if (word) {
            out += scheme;
            out += ' ';
        }
    }
    out += HeaderRedaction::kRedacted;
}

void appendLine(QByteArray &out, QByteArrayView name, QByteArrayView value)
{
    out += name;
    out += ": ";
    if (HeaderRedaction::isSecretName(name))
        appendRedacted(out, value);
    else
        out += value;
    out += '\n';
}

qsizetype headersSize(const HttpHeaders &headers)
{
    qsizetype size = 0;
    for (const auto &h : headers.items())
        size += h.first.size() + h.second.size() + 3;
    return size;
}

} // namespace

bool HeaderRedaction::isSecretName(QByteArrayView name)
{
    // Words that mark a name as credential-bearing wherever they stand in it: x-api-key,
    // x-goog-api-key, api-key, x-auth-token, proxy-authorization, x-amz-security-token …
    // Every header of every captured call comes through here, so it is one pass over the name
    // that compares a word only where its first letter stands.
    for (qsizetype at = 0; at < name.size(); ++at) {
        switch (lower(name[at])) {
        case 'a':
            if (wordAt(name, at, "auth"))
                return true;
            break;
        case 'c':
            if (wordAt(name, at, "cookie") || wordAt(name, at, "credential"))
                return true;
            break;
        case 'k':
            if (wordAt(name, at, "key"))
                return true;
            break;
        case 'p':
            if (wordAt(name, at, "passw")) // password, passwd
                return true;
            break;
        case 's':
            if (wordAt(name, at, "secret") || wordAt(name, at, "signature"))
                return true;
            break;
        case 't':
            if (wordAt(name, at, "token"))
                return true;
            break;
        default:
            break;
        }
    }
    return false;
}

QByteArray HeaderRedaction::redactedValue(QByteArrayView value)
{
    QByteArray out;
    appendRedacted(out, value);
    return out;
}

QByteArray HeaderRedaction::redactedTarget(const QByteArray &target)
{
    const qsizetype query = target.indexOf('?');
    if (query < 0)
        return target;
    QByteArray out = target.left(query + 1);
    const QByteArrayView params = QByteArrayView(target).sliced(query + 1);
    qsizetype start = 0;
    while (start <= params.size()) {
        qsizetype end = params.indexOf('&', start);
        if (end < 0)
            end = params.size();
        const QByteArrayView param = params.sliced(start, end - start);
        const qsizetype equals = param.indexOf('=');
        if (equals > 0 && isSecretName(param.first(equals))) {
            out += param.first(equals + 1);
            out += kRedacted;
        } else {
            out += param;
        }
        if (end < params.size())
            out += '&';
        start = end + 1;
    }
    return out;
}

QByteArray HeaderRedaction::requestHead(const HttpRequestHead &head)
{
    const QByteArray target = redactedTarget(head.target);
    QByteArray out;
    // One allocation: a redacted value is at most its scheme longer than the original, and a
    // call carries one or two credentials.
    out.reserve(head.method.size() + target.size() + 12 + headersSize(head.headers) + 2 * kRedacted.size());
    out += head.method;
    out += ' ';
    out += target;
    out += " HTTP/1.";
    out += char('0' + qBound(0, head.versionMinor, 9));
    out += '\n';
    for (const auto &h : head.headers.items())
        appendLine(out, h.first, h.second);
    return out;
}

QByteArray HeaderRedaction::responseHead(int status, const HttpHeaders &headers, qint64 contentLength)
{
    QByteArray out;
    out.reserve(16 + headersSize(headers) + 40); // the status line and the framing header
    out += "HTTP/1.1 ";
    appendNumber(out, status);
    out += '\n';
    for (const auto &h : headers.items())
        appendLine(out, h.first, h.second);
    if (contentLength < 0) {
        out += "Transfer-Encoding: chunked\n";
    } else {
        out += "Content-Length: ";
        appendNumber(out, contentLength);
        out += '\n';
    }
    return out;
}

} // namespace patchbay
