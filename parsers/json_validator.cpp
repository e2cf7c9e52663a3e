#include "parsers/json_validator.hpp"

#include <algorithm>
#include <simdjson.h>

namespace minetrace {

namespace {
// The DOM parser keeps the capacity of the largest record it saw; past this it is given back so
// that one huge record does not pin its size in every worker for the rest of the run.
constexpr size_t kRetainedCapacity = 4u << 20;
} // namespace

struct JsonValidator::Impl {
    simdjson::dom::parser parser;
    bool allocated = false;
};

JsonValidator::JsonValidator() : impl_(std::make_unique<Impl>()) {}
JsonValidator::~JsonValidator() = default;

JsonValidity JsonValidator::Check(std::string_view text, std::string* detail) {
    Impl& impl = *impl_;
    if (!impl.allocated || text.size() > impl.parser.capacity()) {
        const size_t capacity = std::max(text.size(), size_t{64} << 10);
        if (impl.parser.allocate(capacity, kMaxJsonDepth) != simdjson::SUCCESS) {
            if (detail != nullptr) *detail = "record too large to validate";
            impl.allocated = false;
            return JsonValidity::kInvalid;
        }
        impl.allocated = true;
    }
    simdjson::dom::element element;
    const simdjson::error_code error =
        impl.parser.parse(text.data(), text.size(), /*realloc_if_needed=*/false).get(element);
    if (impl.parser.capacity() > kRetainedCapacity) impl.allocated = false;
    if (error == simdjson::SUCCESS) return JsonValidity::kValid;
    if (detail != nullptr) *detail = std::string("JSON error: ") + simdjson::error_message(error);
    return error == simdjson::DEPTH_ERROR ? JsonValidity::kTooDeep : JsonValidity::kInvalid;
}

} // namespace minetrace
