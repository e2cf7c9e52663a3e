// BodyReader: reads facts out of request/response bodies (JSON text) for the analysis: VM size,
// region, priority, capacity, images, role assignment targets. Keys match case-insensitively
// (bodies arrive in camelCase and PascalCase); an array on the path is searched element by
// element, first match wins.
//
// Not thread-safe. Each Parse() invalidates the element returned by the previous one. The
// lookups that write into a caller's string reuse its capacity, so a reader kept per thread
// reads bodies without allocating in steady state.
#pragma once

#include <initializer_list>
#include <optional>
#include <simdjson.h>
#include <span>
#include <string>
#include <string_view>

namespace minetrace {

class BodyReader {
  public:
    // Null for empty or invalid JSON text.
    std::optional<simdjson::dom::element> Parse(std::string_view text);
    // The value at `path` (lowercase keys) as text: strings as is, numbers and booleans as
    // written, objects/arrays as minified JSON; empty when absent.
    std::string Find(simdjson::dom::element root,
                     std::initializer_list<std::string_view> path) const;
    // The same into `out`; false (and `out` empty) when absent.
    static bool Find(simdjson::dom::element root, std::span<const std::string_view> path,
                     std::string& out);
    // The first scalar value of `key` anywhere in the document (depth-first, in document order).
    std::string FindAnywhere(simdjson::dom::element root, std::string_view key) const;
    // FindAnywhere for several keys in one walk: `out[k]` gets the value of `keys[k]`; keys
    // whose `out` is not empty on entry are not looked for (their value is kept).
    static void FindAnywhere(simdjson::dom::element root, std::span<const std::string_view> keys,
                             std::span<std::string* const> out);

  private:
    simdjson::dom::parser parser_;
};

} // namespace minetrace
