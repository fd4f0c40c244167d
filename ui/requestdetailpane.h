#pragma once

#include "dashboardtypes.h"

#include <QTextBrowser>

namespace patchbay {

// One call in full beside the Requests table: timing, every attempt of its retry / fallback
// chain, usage with cached and reasoning tokens, cost with the price catalog it came from, and
// the headers and bodies capture kept (read by the dashboard's worker with the chain).
class RequestDetailPane : public QTextBrowser
{
    Q_OBJECT
public:
    explicit RequestDetailPane(QWidget *parent = nullptr);

    // Shows the row at once; the chain follows with setDetail() when the worker has read it.
    void setRecord(const UsageRecord &record);
    void setDetail(const RequestDetail &detail);
    void clearRecord();
    const QString &requestId() const { return m_record.requestId; }

private:
    void render();

    UsageRecord m_record;
    RequestDetail m_detail;
    bool m_haveDetail = false;
};

} // namespace patchbay
