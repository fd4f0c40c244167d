#include "targethealth.h"

#include <QElapsedTimer>

namespace patchbay {

TargetHealth::TargetHealth(Clock clock)
    : m_clock(std::move(clock))
{
    if (!m_clock) {
        auto timer = std::make_shared<QElapsedTimer>();
        timer->start();
        m_clock = [timer] { return timer->elapsed(); };
    }
}

void TargetHealth::setPolicy(int failuresBeforeCooldown, int cooldownMs)
{
    m_failuresBeforeCooldown = failuresBeforeCooldown;
    m_cooldownMs = cooldownMs;
}

void TargetHealth::recordSuccess(const QString &target, qint64 latencyMs)
{
    State &s = m_states[target];
    s.consecutiveFailures = 0;
    s.coolUntil = 0;
    // Recent calls count most; a single slow answer does not reorder a route for long.
    s.latency = s.latency < 0 ? double(latencyMs) : 0.7 * s.latency + 0.3 * double(latencyMs);
}

void TargetHealth::recordFailure(const QString &target)
{
    State &s = m_states[target];
    if (++s.consecutiveFailures >= m_failuresBeforeCooldown)
        s.coolUntil = m_clock() + m_cooldownMs;
}

bool TargetHealth::isCoolingDown(const QString &target) const
{
    const auto it = m_states.constFind(target);
    return it != m_states.constEnd() && it->coolUntil > m_clock();
}

qint64 TargetHealth::latencyMs(const QString &target) const
{
    const auto it = m_states.constFind(target);
    return it == m_states.constEnd() || it->latency < 0 ? -1 : qint64(it->latency);
}

} // namespace patchbay
