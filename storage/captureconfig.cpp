#include "captureconfig.h"

namespace patchbay {

namespace {

bool readBool(const QJsonObject &o, const char *key, bool *value, QString *error)
{
    const QJsonValue v = o.value(QLatin1String(key));
    if (v.isUndefined())
        return true;
    if (!v.isBool()) {
        *error = QStringLiteral("gateway.capture.%1 must be true or false.").arg(QLatin1String(key));
        return false;
    }
    *value = v.toBool();
    return true;
}

} // namespace

QJsonObject CaptureConfig::toJson() const
{
    return {{QStringLiteral("headers"), headers},
            {QStringLiteral("bodies"), bodies},
            {QStringLiteral("max_body_bytes"), maxBodyBytes}};
}

bool CaptureConfig::fromJson(const QJsonValue &value, CaptureConfig *out, QString *error)
{
    if (value.isUndefined())
        return true;
    if (!value.isObject()) {
        *error = QStringLiteral("gateway.capture must be an object, e.g. {\"headers\": true, \"bodies\": false, "
                                "\"max_body_bytes\": 65536}.");
        return false;
    }
    const QJsonObject o = value.toObject();
    CaptureConfig c = *out;
    if (!readBool(o, "headers", &c.headers, error) || !readBool(o, "bodies", &c.bodies, error))
        return false;
    const QJsonValue cap = o.value(QLatin1String("max_body_bytes"));
    if (!cap.isUndefined()) {
        if (!cap.isDouble() || cap.toDouble() < 1 || cap.toDouble() > kMaxBodyBytesLimit
            || cap.toDouble() != static_cast<double>(cap.toInteger())) {
            *error = QStringLiteral("gateway.capture.max_body_bytes must be a whole number of bytes from 1 to %1 (16 MiB).")
                         .arg(kMaxBodyBytesLimit);
            return false;
        }
        c.maxBodyBytes = cap.toInteger();
    }
    *out = c;
    return true;
}

} // namespace patchbay
