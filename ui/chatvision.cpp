#include "chatvision.h"

#include <QCoreApplication>
#include <QList>
#include <QRegularExpression>

namespace patchbay::ChatVision {

namespace {

struct Rule
{
    QRegularExpression pattern;
    Images verdict;
};

// First match wins, so the order matters: markers that only vision models carry, then the text-only
// members of vision families (o3-mini is an o3, llama-3.3 a llama), then whole vision families.
const QList<Rule> &rules()
{
    static const QList<Rule> table = [] {
        const auto rule = [](const char *pattern, Images verdict) {
            return Rule{QRegularExpression(QLatin1String(pattern)), verdict};
        };
        return QList<Rule>{
            // Names that say so: llama-3.2-11b-vision, qwen2.5-vl, deepseek-vl2, llava, pixtral, phi-4-multimodal …
            rule(R"(vision|multimodal|llava|pixtral|moondream|minicpm-v|internvl|vlm|qvq|(^|[-_.:\d])vl([-_.:\d]|$))",
                 Images::Taken),
            rule(R"(^glm-[\d.]+v)", Images::Taken),
            // Text only, though a sibling takes images.
            rule(R"(^gpt-3\.5)", Images::Refused),
            rule(R"(^gpt-4(-0314|-0613|-32k.*)?$)", Images::Refused), // the first GPT-4; gpt-4-turbo took images
            rule(R"(^o1-(mini|preview)|^o3-mini)", Images::Refused),
            rule(R"(gpt-oss)", Images::Refused),
            rule(R"(^claude-(2|instant))", Images::Refused),
            rule(R"(^grok-(3|code|2(-\d|$)|beta))", Images::Refused),
            rule(R"(^deepseek-(chat|reasoner|coder|r1|v3))", Images::Refused),
            rule(R"(^codestral)", Images::Refused),
            rule(R"(^(meta-)?llama-?(v?3([.p][0-3])?|2)([-_:]|$))", Images::Refused), // 3.2 takes images only as -vision
            rule(R"(^(code)?gemma-?2|^gemma-?3[-:]?1b)", Images::Refused),
            rule(R"(^kimi-k2(-|$))", Images::Refused),
            // Families that take images.
            rule(R"(^(chatgpt-)?gpt-4o|^gpt-4\.[15]|^gpt-4-turbo|^gpt-5)", Images::Taken),
            rule(R"(^o[134]($|-))", Images::Taken),
            rule(R"(^claude-)", Images::Taken), // every Claude from 3 on
            rule(R"(^gemini-|^gemma-?[34])", Images::Taken),
            rule(R"(^grok-[4-9])", Images::Taken),
            rule(R"(^llama-?4)", Images::Taken),
            rule(R"(^kimi-k(2[.p][5-9]|[3-9]))", Images::Taken),
            rule(R"(^mistral-(small|medium)-(latest|3))", Images::Taken),
        };
    }();
    return table;
}

} // namespace

Images takesImages(const QString &model)
{
    const QString name = model.section(QLatin1Char('/'), -1).trimmed().toLower();
    if (name.isEmpty())
        return Images::Unknown;
    for (const Rule &r : rules()) {
        if (r.pattern.match(name).hasMatch())
            return r.verdict;
    }
    return Images::Unknown;
}

QString warning(const QString &model)
{
    switch (takesImages(model)) {
    case Images::Taken:
        return {};
    case Images::Refused:
        return QCoreApplication::translate("ChatVision",
                                           "%1 does not take images: the provider will most likely refuse this message. "
                                           "Pick a model that does, or remove the image.")
            .arg(model);
    case Images::Unknown:
        break;
    }
    if (model.trimmed().isEmpty())
        return QCoreApplication::translate("ChatVision", "Pick a model that takes images.");
    return QCoreApplication::translate("ChatVision",
                                       "Patchbay does not know whether %1 takes images; they will be sent anyway, "
                                       "and the provider may refuse them.")
        .arg(model);
}

} // namespace patchbay::ChatVision
