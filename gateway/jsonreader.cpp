#include "jsonreader.h"

#include <QtAlgorithms>
#include <QtEndian>

#include <array>

namespace patchbay {

namespace {

bool isDigit(char c)
{
    return c >= '0' && c <= '9';
}

// Bytes a string may hold as they are. Only strings with nothing to decode are read: an escape
// could spell a key this reader looks for, and a non-ASCII byte would need the full parser's
// UTF-8 check. Control characters, which JSON forbids in strings, are left to it as well.
constexpr auto kPlain = [] {
    std::array<bool, 256> plain{};
    for (int c = 0x20; c < 0x80; ++c)
        plain[c] = c != '"' && c != '\\';
    return plain;
}();

// The high bit of each byte of w that is not kPlain, eight bytes at a time: scanning strings is
// most of the reader's work. Adding to the low seven bits of a byte never carries into the next,
// so each byte is tested on its own.
quint64 stopBytes(quint64 w)
{
    constexpr quint64 ones = 0x0101010101010101;
    constexpr quint64 low = ones * 0x7f;
    const quint64 t = w & low;
    const quint64 notQuote = (t ^ (ones * '"')) + low;
    const quint64 notBackslash = (t ^ (ones * '\\')) + low;
    const quint64 notControl = t + ones * 0x60;
    return ~(notQuote & notBackslash & notControl & ~w) & (ones * 0x80);
}

} // namespace

bool JsonReader::readInteger(qint64 *number)
{
    skipSpace();
    const char *p = m_pos;
    const bool negative = p != m_end && *p == '-';
    if (negative)
        ++p;
    if (p == m_end || !isDigit(*p))
        return !negative && skipValue();
    const char *digits = p;
    quint64 n = 0; // unsigned, so that a long number wraps harmlessly before it is refused
    while (p != m_end && isDigit(*p))
        n = n * 10 + quint64(*p++ - '0');
    m_pos = p;
    // Eighteen digits always fit. A longer number may not, and a fraction or an exponent makes a
    // double: the full parser rounds those its own way.
    if (p - digits > 18 || (p != m_end && (*p == '.' || *p == 'e' || *p == 'E')))
        return false;
    if (*digits == '0' && p - digits > 1)
        return false; // not JSON
    *number = negative ? -qint64(n) : qint64(n);
    return true;
}

bool JsonReader::skipValue()
{
    skipSpace();
    if (m_pos == m_end)
        return false;
    switch (*m_pos) {
    case '{':
        return readMembers({}, [](int) { return false; });
    case '[':
        return skipArray();
    case '"': {
        QByteArrayView text;
        return readString(&text);
    }
    case 't':
        return skipWord("true");
    case 'f':
        return skipWord("false");
    case 'n':
        return skipWord("null");
    default:
        return skipNumber();
    }
}

bool JsonReader::atObject()
{
    skipSpace();
    return m_pos != m_end && *m_pos == '{';
}

bool JsonReader::atEnd()
{
    skipSpace();
    return m_pos == m_end;
}

bool JsonReader::readString(QByteArrayView *text)
{
    if (!take('"'))
        return false;
    // A local cursor: m_pos would be stored back on every step, as a char read may alias it.
    const char *p = m_pos;
    for (;;) {
        if (m_end - p < 8) {
            while (p != m_end && kPlain[static_cast<unsigned char>(*p)])
                ++p;
            break;
        }
        if (const quint64 stops = stopBytes(qFromLittleEndian<quint64>(p))) {
            p += qCountTrailingZeroBits(stops) / 8;
            break;
        }
        p += 8;
    }
    if (p == m_end || *p != '"')
        return false;
    *text = QByteArrayView(m_pos, p);
    m_pos = p + 1;
    return true;
}

// JSON's own number grammar; the full parser also takes oddities such as "1." that no provider
// writes. At most 40 characters and a two-digit exponent keep a number far from a double's
// overflow and underflow, which the full parser refuses.
bool JsonReader::skipNumber()
{
    const auto digits = [this] {
        const char *p = m_pos;
        while (p != m_end && isDigit(*p))
            ++p;
        const qsizetype count = p - m_pos;
        m_pos = p;
        return count;
    };
    const char *start = m_pos;
    take('-');
    if (!take('0') && digits() == 0)
        return false;
    if (take('.') && digits() == 0)
        return false;
    if (take('e') || take('E')) {
        if (!take('+'))
            take('-');
        const qsizetype exponent = digits();
        if (exponent == 0 || exponent > 2)
            return false;
    }
    return m_pos - start <= 40;
}

bool JsonReader::skipWord(QByteArrayView word)
{
    if (m_end - m_pos < word.size() || QByteArrayView(m_pos, word.size()) != word)
        return false;
    m_pos += word.size();
    return true;
}

bool JsonReader::skipArray()
{
    if (!take('[') || ++m_depth > kMaxDepth)
        return false;
    skipSpace();
    if (!take(']')) {
        do {
            if (!skipValue())
                return false;
            skipSpace();
        } while (take(','));
        if (!take(']'))
            return false;
    }
    --m_depth;
    return true;
}

} // namespace patchbay
