// RecordParser::Impl, shared by the files that implement it: field_collector.cpp (one pass
// over a record's keys into RawFields), activity_normalizer.cpp (kind decision and the
// Event), partner_center_record.cpp and record_parser.cpp (the entry points). Private to
// parsers/.
#pragma once

#include "parsers/json_validator.hpp"
#include "parsers/ondemand_text.hpp"
#include "parsers/record_keys.hpp"
#include "parsers/record_kind.hpp"
#include "parsers/record_parser.hpp"
#include "parsers/repeated_keys.hpp"

#include <optional>

namespace minetrace {

using namespace record_parsing;

struct RecordParser::Impl : OnDemandText {
    RawFields fields;
    JsonValidator validator;

    // ---- nested objects ------------------------------------------------------------------

    bool WalkClaims(od::object object);

    bool WalkEvidence(od::object object);

    bool WalkAuthorizationObject(od::object object);

    // `authorization` is an object, an array of objects (newer categories), or JSON text.
    bool WalkAuthorization(od::value& value);

    bool WalkProperties(od::object object);

    bool WalkHttpRequest(od::object object);

    bool WalkIdentity(od::object object);

    // Applies `walk` to an object value, or to JSON text held in a string value.
    bool ObjectOrText(od::value& value, bool (Impl::*walk)(od::object));

    // LocalizableString {value, localizedValue} or a plain string.
    bool Localizable(od::value& value, std::string_view& out_value,
                     std::string_view* out_localized);

    // ---- top level -----------------------------------------------------------------------

    // Handles one top-level key/value as its key's route says; false on a JSON error.
    bool TopField(const TopRoute& route, od::value& value);

    // Handles one top-level field given as text (CSV cells, and scalar JSON values).
    bool TopText(const TopRoute& route, std::string_view text);

    // Notes a repeated key (see SeenKeys); the record is quarantined when it is finished.
    void NoteRepeatedKey(std::string_view key) {
        if (fields.repeated_key) return;
        fields.repeated_key = true;
        fields.repeated_key_name = arena->Store(key.substr(0, 64));
    }

    // The quarantine of a record with a repeated key, if it has one.
    std::optional<ParseOutcome> RepeatedKeyOutcome() {
        if (!fields.repeated_key) return std::nullopt;
        return Quarantine(QuarantineReason::kAmbiguousKey,
                          "key \"" + std::string(fields.repeated_key_name) +
                              "\" written twice in one object (ASCII case and _ - ignored): "
                              "which copy counts cannot be told");
    }

    // ---- kind decision and normalization -------------------------------------------------

    ParseOutcome Quarantine(QuarantineReason reason, std::string detail) {
        ParseOutcome out;
        out.outcome = RecordOutcome::kQuarantined;
        out.reason = reason;
        out.detail = std::move(detail);
        return out;
    }

    static ParseOutcome Wrapper() {
        ParseOutcome out;
        out.outcome = RecordOutcome::kWrapper;
        return out;
    }

    // Validates the whole record first (On-Demand reads only what it is asked for). Several
    // values in one record text (a JSON Lines line holding `{..}\r{..}`) come back as a wrapper
    // for the caller to split; nullopt when the record is one valid value.
    std::optional<ParseOutcome> Validate(std::string_view record, bool several_allowed);

    static ParseOutcome Ignored(std::string_view kind) {
        ParseOutcome out;
        out.outcome = RecordOutcome::kIgnored;
        out.ignored_kind = kind;
        return out;
    }

    ParseOutcome Finish(Event& event, bool from_table);

    void FinishCaller(Event& event);

    ParseOutcome FinishPartnerCenter(Event& event);

    void Reset(Arena& target_arena) {
        arena = &target_arena;
        fields = RawFields{};
        doc_begin = nullptr;
        doc_size = 0;
        escape_from = 0;
        escape_at = 0;
    }
};

} // namespace minetrace
