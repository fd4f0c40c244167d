#pragma once

#include "usagerecord.h"

#include <random>

namespace patchbay {

// Plausible ledger rows for the bench: ten models at six providers, five client programs, a few
// percent of failures, cancelled calls and calls without a price. Deterministic per seed.
class BenchRows
{
public:
    explicit BenchRows(quint64 seed);
    UsageRecord make(const QString &requestId, qint64 startedAtMs);

private:
    std::mt19937_64 m_random;
};

} // namespace patchbay
