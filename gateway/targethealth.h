#pragma once

#include <QHash>
#include <QString>

#include <functional>

namespace patchbay {

// What the gateway learned about each route target ("provider/model") from recent calls:
// how quickly it answers, and whether it keeps failing and should be left alone for a while.
// Lives on the gateway thread; the clock is injectable so tests control time.
class TargetHealth
{
public:
    using Clock = std::function<qint64()>; // milliseconds, monotonic

    explicit TargetHealth(Clock clock = {});

    void setPolicy(int failuresBeforeCooldown, int cooldownMs);
    void recordSuccess(const QString &target, qint64 latencyMs);
    void recordFailure(const QString &target);
    bool isCoolingDown(const QString &target) const;
    // A moving average of recent latencies; -1 when nothing is known yet.
    qint64 latencyMs(const QString &target) const;
    qint64 now() const { return m_clock(); }

private:
    struct State
    {
        int consecutiveFailures = 0;
        qint64 coolUntil = 0;
        double latency = -1;
    };

    Clock m_clock;
    int m_failuresBeforeCooldown = 3;
    int m_cooldownMs = 30'000;
    QHash<QString, State> m_states;
};

} // namespace patchbay
