// Reports for people, written by `minetrace investigate` next to the machine-readable outputs:
//
//   report.html   one self-contained page (inline CSS and SVG, no script, no external resource;
//                 a Content-Security-Policy forbids scripts and remote loads)
//   report.md     the same facts in Markdown, for auditors' documents
//   response pack, per language (English without suffix, Japanese with ".ja"):
//     support-request.txt / support-request.ja.txt   draft "Cryptocurrency mining notification"
//     containment.sh / containment.ja.sh             az commands to stop and delete, for review
//     next-steps.md / next-steps.ja.md               what to check and where to report abuse
//
// Escaping contract: every string that comes from the logs is escaped for its medium (HTML
// entities in text, attributes and SVG; Markdown backslash escapes and entities, never raw HTML;
// single-quoted shell words, and terminal-safe text in shell comments). Output depends only on
// the context (no clock, host or locale), so the same result gives byte-identical files.
#pragma once

#include "core/output_set.hpp"
#include "report/facts.hpp"

#include <filesystem>
#include <ostream>
#include <string>
#include <vector>

namespace minetrace {

enum class Language : uint8_t { kEnglish, kJapanese };

void WriteHtmlReport(std::ostream& out, const ReportContext& context);
void WriteMarkdownReport(std::ostream& out, const ReportContext& context);
void WriteSupportRequest(std::ostream& out, const ReportContext& context, Language language);
void WriteContainmentScript(std::ostream& out, const ReportContext& context, Language language);
void WriteNextSteps(std::ostream& out, const ReportContext& context, Language language);

// The inline SVG timeline of report.html (exposed for tests): resources created over time, one
// lane per region, colour per resource type, precursors marked. Empty when nothing has a time.
std::string TimelineSvg(const ReportFacts& facts);

// The response-pack file name for `language`: "containment.sh" -> "containment.ja.sh".
std::string PackFileName(std::string_view base, Language language);

// The names WriteReportFiles writes for `languages`, in its order.
std::vector<std::string> ReportFileNames(const std::vector<Language>& languages);

// Writes report.html, report.md and the response pack for each of `languages` into `outputs`
// (each atomically, output_set.hpp). containment scripts get mode 0644: they are never made
// executable. Returns the file names written, in order. Throws std::runtime_error when a file
// cannot be written.
std::vector<std::string> WriteReportFiles(OutputSet& outputs, const ReportContext& context,
                                          const std::vector<Language>& languages);

// Shell-quotes one word for bash: '...' with embedded ' as '\''. Safe for any bytes except NUL,
// which the caller must not pass (containment.sh never quotes text with control characters).
std::string ShellQuote(std::string_view word);

// Markdown-escapes log text for a table cell or list item: & < > as entities, Markdown
// punctuation backslash-escaped (| too), line breaks and other controls neutralised.
void AppendMarkdownEscaped(std::string& out, std::string_view text);

} // namespace minetrace
