#pragma once

#include <QString>

namespace patchbay::testing {

// One tool (function) call a scripted reply makes; each dialect frames it its own way.
struct FakeToolCall
{
    QString id;            // empty: a fresh id in the dialect's style (Gemini sends none)
    QString name;
    QString argumentsJson; // a JSON object as text; empty means "{}"
};

} // namespace patchbay::testing
