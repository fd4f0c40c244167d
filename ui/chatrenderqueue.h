#pragma once

#include <functional>

class QObject;

namespace patchbay {

// Work that would stall the UI thread if done all at once, run one piece per pass through the
// event loop, so that input, painting and timers get their turn between pieces. The workbench
// puts the one expensive render of a just-finished reply here: the columns of a comparison
// finish within the same few milliseconds, and their whole-reply layouts back to back were the
// longest stall of four streams at once.
namespace ChatRenderQueue {

// Runs work on a later pass through the event loop, after the work posted before it; dropped if
// owner is destroyed first. UI thread only.
void post(QObject *owner, std::function<void()> work);

} // namespace ChatRenderQueue

} // namespace patchbay
