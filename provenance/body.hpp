// BodyReader: reads facts out of request/response bodies (JSON text) for the analysis: VM size,
// region, priority, capacity, images, role assignment targets. Keys match case-insensitively
// (bodies arrive in camelCase and PascalCase); an array on the path is searched element by
// element, first match wins.
//
// Not thread-safe. Each Parse() invalidates the element returned by the previous one.
#pragma once

#include <optional>
#include <simdjson.h>
#include <string>
#include <string_view>
#include <vector>

namespace minetrace {

class BodyReader {
  public:
    // Null for empty or invalid JSON text.
    std::optional<simdjson::dom::element> Parse(std::string_view text);
    // The value at `path` (lowercase keys) as text: strings as is, numbers and booleans as
    // written, objects/arrays as minified JSON; empty when absent.
    std::string Find(simdjson::dom::element root, const std::vector<std::string_view>& path) const;
    // The first value of `key` anywhere in the document (depth-first, in document order).
    std::string FindAnywhere(simdjson::dom::element root, std::string_view key) const;

  private:
    simdjson::dom::parser parser_;
};

} // namespace minetrace
