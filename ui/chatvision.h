#pragma once

#include <QString>

namespace patchbay {

// Whether a model takes images, judged from its name. Neither the gateway's /v1/models nor the
// price catalog says (the catalog has no modality field, and no model in it prices image
// input), so this is a table of the model families whose image input is documented.
namespace ChatVision {

enum class Images {
    Taken,   // a family documented to take images (gpt-4o, claude-3 and later, gemini, llava …)
    Refused, // a family documented as text only (gpt-3.5, o3-mini, deepseek-chat, llama-3.3 …)
    Unknown, // not in the table: a local model under its own name, a family too new for it
};

// model: "provider/model" as the picker shows it; only the last path segment is looked at,
// so "openrouter/openai/gpt-4o" and "openai/gpt-4o" are judged alike.
Images takesImages(const QString &model);

// A sentence for the attachment strip when images go to a model that may not take them;
// empty when the model is known to take them.
QString warning(const QString &model);

} // namespace ChatVision

} // namespace patchbay
