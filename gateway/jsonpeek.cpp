#include "jsonpeek.h"

namespace patchbay {

namespace {

class Scanner
{
public:
    explicit Scanner(QByteArrayView text) : m_text(text) {}

    qsizetype pos() const { return m_pos; }
    bool atEnd() const { return m_pos >= m_text.size(); }
    char peek() const { return atEnd() ? '\0' : m_text.at(m_pos); }

    void skipSpace()
    {
        while (!atEnd()) {
            const char c = m_text.at(m_pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
                return;
            ++m_pos;
        }
    }

    bool take(char c)
    {
        if (peek() != c)
            return false;
        ++m_pos;
        return true;
    }

    // A string at the cursor; *escaped says whether it held a backslash escape.
    bool skipString(bool *escaped)
    {
        *escaped = false;
        if (!take('"'))
            return false;
        while (!atEnd()) {
            const char c = m_text.at(m_pos++);
            if (c == '"')
                return true;
            if (c == '\\') {
                *escaped = true;
                if (atEnd())
                    return false;
                ++m_pos;
            } else if (static_cast<unsigned char>(c) < 0x20) {
                return false;
            }
        }
        return false;
    }

    // Any value at the cursor. Nesting is followed by depth, with strings skipped whole so
    // brackets inside them do not count; the value is checked only as far as that needs.
    bool skipValue()
    {
        bool escaped = false;
        const char c = peek();
        if (c == '"')
            return skipString(&escaped);
        if (c == '{' || c == '[') {
            int depth = 0;
            while (!atEnd()) {
                const char d = m_text.at(m_pos);
                if (d == '"') {
                    if (!skipString(&escaped))
                        return false;
                    continue;
                }
                ++m_pos;
                if (d == '{' || d == '[')
                    ++depth;
                else if ((d == '}' || d == ']') && --depth == 0)
                    return true;
            }
            return false;
        }
        const qsizetype start = m_pos;
        while (!atEnd()) {
            const char d = m_text.at(m_pos);
            if (d == ',' || d == '}' || d == ']' || d == ' ' || d == '\t' || d == '\n' || d == '\r')
                break;
            ++m_pos;
        }
        return m_pos > start;
    }

    QByteArrayView slice(qsizetype from) const { return m_text.sliced(from, m_pos - from); }

private:
    QByteArrayView m_text;
    qsizetype m_pos = 0;
};

} // namespace

JsonPeek::Result JsonPeek::member(QByteArrayView json, QByteArrayView key, QByteArrayView *value)
{
    Scanner s(json);
    s.skipSpace();
    if (!s.take('{'))
        return Result::Unsure;
    bool found = false;
    s.skipSpace();
    if (s.take('}'))
        return Result::Absent;
    for (;;) {
        s.skipSpace();
        const qsizetype keyStart = s.pos();
        bool escaped = false;
        if (!s.skipString(&escaped) || escaped)
            return Result::Unsure;
        const QByteArrayView name = s.slice(keyStart).sliced(1).chopped(1);
        s.skipSpace();
        if (!s.take(':'))
            return Result::Unsure;
        s.skipSpace();
        const qsizetype valueStart = s.pos();
        if (!s.skipValue())
            return Result::Unsure;
        if (name == key) {
            if (found)
                return Result::Unsure; // which of the two wins is the full parser's call
            found = true;
            *value = s.slice(valueStart);
        }
        s.skipSpace();
        if (s.take(','))
            continue;
        if (!s.take('}'))
            return Result::Unsure;
        s.skipSpace();
        if (!s.atEnd())
            return Result::Unsure;
        return found ? Result::Found : Result::Absent;
    }
}

} // namespace patchbay
