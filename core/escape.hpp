// Output escaping for every sink (JSON, CSV, terminal, HTML) plus small text helpers.
//
// Every function is pure and thread-safe, appends to `out` without clearing it, and accepts any
// byte sequence: invalid UTF-8 never passes through unchanged, so a sink's output is always valid
// UTF-8 whatever the (attacker-controlled) log contained. UTF-8 validation is strict (no
// overlong forms, no surrogates, nothing above U+10FFFF); each invalid byte is handled alone.
#pragma once

#include <string>
#include <string_view>

namespace minetrace {

// Body of a JSON string (no surrounding quotes): `"` and `\` escaped; C0 controls as \n \r \t \b
// \f or \u00XX; DEL as \u007f; U+2028/U+2029 as \u2028/\u2029 (JavaScript line terminators);
// C1 controls (U+0080..U+009F) and the bidi controls (U+202A..U+202E, U+2066..U+2069, U+200E,
// U+200F, U+061C) as \uXXXX (the same string, but no viewer reorders or hides text with them);
// invalid UTF-8 bytes become U+FFFD.
void AppendJsonEscaped(std::string& out, std::string_view text);
// AppendJsonEscaped with the surrounding quotes.
void AppendJsonString(std::string& out, std::string_view text);

// One RFC 4180 CSV cell. Quoted (quotes doubled) when it contains `,` `"` CR or LF, begins or ends
// with a space/TAB, or was formula-guarded. Formula injection guard (OWASP): a cell whose first
// non-space character is `=` `+` `-` `@` TAB or CR gets a leading `'` inside the quotes, except
// plain decimal numbers (`-1`, `-0.5`, `+3e2`) so numeric columns stay numeric. Other C0 controls
// and DEL become the text `\xNN`, C1 and bidi controls (as for JSON) the text `\uXXXX`; invalid
// UTF-8 bytes become U+FFFD.
void AppendCsvField(std::string& out, std::string_view text);

// One piece of a terminal line. C0 controls (ESC, CR, LF, TAB, BS, ...) and DEL become `\xNN`;
// C1 controls (U+0080..U+009F), bidi embeddings/overrides/isolates (U+202A..U+202E,
// U+2066..U+2069) and the invisible bidi marks U+200E, U+200F, U+061C become `\uXXXX`; invalid
// UTF-8 bytes become `\xNN`. Other printable UTF-8 (backslash included) passes through.
void AppendTerminalSafe(std::string& out, std::string_view text);

// True when `text` holds a C1 or bidi control (valid UTF-8 ones; see AppendJsonEscaped): text a
// reader may see reordered or hidden, so never a shell word a reviewer is asked to run.
bool HasHiddenControl(std::string_view text);

// HTML text or (quoted) attribute value: & < > " ' as entities; controls other than TAB, LF and CR
// (C0, DEL, C1) and invalid UTF-8 bytes become U+FFFD.
void AppendHtmlEscaped(std::string& out, std::string_view text);

// Strips leading and trailing ' ', \t, \n, \r, \f, \v.
std::string_view TrimAsciiSpace(std::string_view text);

// Strict UTF-8 validation (see above).
bool IsValidUtf8(std::string_view text);

} // namespace minetrace
