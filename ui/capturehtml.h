#pragma once

#include "requestcapture.h"

#include <QString>

#include <optional>

namespace patchbay {

// The "Headers and bodies" part of the request detail pane, as HTML for a QTextBrowser:
// headers and bodies in monospace, JSON bodies pretty-printed, a note where a body was cut at
// the cap, and what to switch on where nothing was kept.
class CaptureHtml
{
public:
    // Where the settings are, as the Gateway page names them.
    static QString settingsPath();
    static QString render(const std::optional<RequestCapture> &capture);
    // A body for reading: pretty JSON when it parses whole, else its text; at most kShownBytes.
    static QString bodyText(const QByteArray &body);

    // A cap of megabytes is allowed; laying out that much text would stall the window.
    static constexpr qsizetype kShownBytes = 256 * 1024;
};

} // namespace patchbay
