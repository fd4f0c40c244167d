#include "jsonpeek.h"

#include <array>

namespace patchbay {

namespace {

bool isSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// Bytes where a string's scan must stop and look: its end, an escape, or a control character,
// which makes it malformed.
constexpr auto kStringStop = [] {
    std::array<bool, 256> stop{};
    for (int c = 0; c < 0x20; ++c)
        stop[c] = true;
    stop['"'] = stop['\\'] = true;
    return stop;
}();

// Bytes that matter inside an object or array being skipped: nesting, and strings, whose
// brackets do not count.
constexpr auto kNestingStop = [] {
    std::array<bool, 256> stop{};
    stop['"'] = stop['{'] = stop['['] = stop['}'] = stop[']'] = true;
    return stop;
}();

// The loops run on a local cursor and store it back once: they read through char pointers,
// which may alias a member, so a member cursor would be written back on every byte.
class Scanner
{
public:
    explicit Scanner(QByteArrayView text) : m_pos(text.data()), m_end(text.data() + text.size()) {}

    const char *pos() const { return m_pos; }
    bool atEnd() const { return m_pos == m_end; }

    void skipSpace()
    {
        const char *p = m_pos;
        while (p != m_end && isSpace(*p))
            ++p;
        m_pos = p;
    }

    bool take(char c)
    {
        if (m_pos == m_end || *m_pos != c)
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
        const char *p = m_pos;
        for (;;) {
            while (p != m_end && !kStringStop[static_cast<unsigned char>(*p)])
                ++p;
            if (p == m_end)
                return false;
            const char c = *p++;
            if (c == '"') {
                m_pos = p;
                return true;
            }
            if (c != '\\' || p == m_end)
                return false;
            *escaped = true;
            ++p;
        }
    }

    // Any value at the cursor, checked only as far as finding its end needs.
    bool skipValue()
    {
        if (atEnd())
            return false;
        bool escaped = false;
        const char c = *m_pos;
        if (c == '"')
            return skipString(&escaped);
        if (c == '{' || c == '[')
            return skipNested();
        return skipScalar();
    }

    QByteArrayView slice(const char *from) const { return QByteArrayView(from, m_pos); }

private:
    // Nesting is followed by depth, with strings skipped whole so brackets inside them do not
    // count.
    bool skipNested()
    {
        int depth = 0;
        const char *p = m_pos;
        for (;;) {
            while (p != m_end && !kNestingStop[static_cast<unsigned char>(*p)])
                ++p;
            if (p == m_end)
                return false;
            if (*p == '"') {
                bool escaped = false;
                m_pos = p;
                if (!skipString(&escaped))
                    return false;
                p = m_pos;
                continue;
            }
            const char d = *p++;
            if (d == '{' || d == '[') {
                ++depth;
            } else if (--depth == 0) {
                m_pos = p;
                return true;
            }
        }
    }

    bool skipScalar()
    {
        const char *p = m_pos;
        while (p != m_end && *p != ',' && *p != '}' && *p != ']' && !isSpace(*p))
            ++p;
        const bool any = p != m_pos;
        m_pos = p;
        return any;
    }

    const char *m_pos;
    const char *m_end;
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
        const char *keyStart = s.pos();
        bool escaped = false;
        if (!s.skipString(&escaped) || escaped)
            return Result::Unsure;
        const QByteArrayView name = s.slice(keyStart).sliced(1).chopped(1);
        s.skipSpace();
        if (!s.take(':'))
            return Result::Unsure;
        s.skipSpace();
        const char *valueStart = s.pos();
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
