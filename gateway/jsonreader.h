#pragma once

#include <QByteArrayView>

#include <cstring>
#include <span>

namespace patchbay {

// Reads JSON text from its bytes with the full parser's certainty, so that the hot path can take
// figures from a usage report without building a QJsonDocument. Where JsonPeek only follows
// nesting, this checks every byte it passes against the grammar: a figure may be trusted only if
// QJsonDocument would accept the whole text around it. Whatever it cannot settle (escapes or
// non-ASCII bytes in a string, numbers the full parser rounds or refuses, deep nesting, a member
// it reads written twice) makes the read fail, and the caller hands the text to QJsonDocument;
// a reader that failed once is not used again.
class JsonReader
{
public:
    explicit JsonReader(QByteArrayView text) : m_pos(text.data()), m_end(text.data() + text.size()) {}

    // Reads the object at the cursor. For each member whose key is keys[i], onMember(i) must read
    // or skip the value and return false if it could not; other members are skipped.
    template<typename OnMember>
    bool readMembers(std::span<const QByteArrayView> keys, OnMember &&onMember);
    // The same for one key; onValue() reads or skips its value.
    template<typename OnValue>
    bool readMember(QByteArrayView key, OnValue &&onValue)
    {
        return readMembers({&key, 1}, [&](int) { return onValue(); });
    }
    // The value at the cursor: *number is what QJsonValue::toInteger() gives for a number, and
    // stays as it was for any other value. Only plain integers ("-12", "0") of up to 18 digits,
    // which always fit, are settled; fractions and exponents ("12.0", "1e3") and longer numbers
    // fail, for the full parser to round.
    bool readInteger(qint64 *number);
    bool skipValue();
    bool atObject();
    // True when nothing but whitespace is left, as the full parser requires after the top value.
    bool atEnd();

private:
    // The full parser allows 1024 levels; usage reports have three.
    static constexpr int kMaxDepth = 32;

    void skipSpace()
    {
        while (m_pos != m_end && (*m_pos == ' ' || *m_pos == '\n' || *m_pos == '\r' || *m_pos == '\t'))
            ++m_pos;
    }
    bool take(char c)
    {
        if (m_pos == m_end || *m_pos != c)
            return false;
        ++m_pos;
        return true;
    }
    // A key and the colon after it.
    bool readKey(QByteArrayView *key)
    {
        skipSpace();
        if (!readString(key))
            return false;
        skipSpace();
        return take(':');
    }
    bool readString(QByteArrayView *text);
    bool skipNumber();
    bool skipWord(QByteArrayView word);
    bool skipArray();
    static int indexOf(std::span<const QByteArrayView> keys, QByteArrayView key)
    {
        for (size_t i = 0; i < keys.size(); ++i) {
            // The first byte before the call: most keys of one length differ there.
            if (keys[i].size() == key.size() && keys[i].front() == key.front()
                && std::memcmp(keys[i].data(), key.data(), size_t(key.size())) == 0)
                return int(i);
        }
        return -1;
    }

    const char *m_pos;
    const char *m_end;
    int m_depth = 0;
};

template<typename OnMember>
bool JsonReader::readMembers(std::span<const QByteArrayView> keys, OnMember &&onMember)
{
    skipSpace();
    if (!take('{') || ++m_depth > kMaxDepth || keys.size() > 64)
        return false;
    quint64 seen = 0; // bit i: keys[i] was read
    skipSpace();
    if (!take('}')) {
        do {
            QByteArrayView key;
            if (!readKey(&key))
                return false;
            const int i = indexOf(keys, key);
            const quint64 bit = i < 0 ? 0 : quint64(1) << i;
            // Which of two equal keys the full parser keeps is its own affair.
            if (seen & bit)
                return false;
            seen |= bit;
            if (!(i < 0 ? skipValue() : onMember(i)))
                return false;
            skipSpace();
        } while (take(','));
        if (!take('}'))
            return false;
    }
    --m_depth;
    return true;
}

} // namespace patchbay
