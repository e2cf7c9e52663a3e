// ExampleEvent: a normalized Event built from field names and text values, with storage it owns.
// Used for the inline positive/negative examples of rules (`minetrace rules test`) and by tests.
//
// Field names are the rule field names (rules/README.md): scalar fields take their text as
// written, except that fields the Event contract lowercases (operation, resource_type, ids...)
// are lowercased the same way; `time` is parsed with ParseTimestamp; `kind`, `phase`,
// `caller.mfa` take their ToString() spellings (`phase` also any ParsePhase spelling); JSON
// members (request, response, status_message, partner.resource_new_value,
// partner.resource_old_value, partner.customized_data) take JSON text; resource_id_lower is
// derived from resource_id unless set.
//
// Not thread-safe while being built; immutable afterwards (the Event's views point into it).
#pragma once

#include "core/arena.hpp"
#include "core/event.hpp"

#include <string>
#include <string_view>

namespace minetrace {

class ExampleEvent {
  public:
    ExampleEvent() = default;
    ExampleEvent(const ExampleEvent&) = delete;
    ExampleEvent& operator=(const ExampleEvent&) = delete;

    // Sets one field. False (with a message in `error`) for an unknown field or a bad value;
    // the event is then unchanged. `partner.subscription_ids` may be set repeatedly (appends).
    bool Set(std::string_view field, std::string_view value, std::string& error);

    const Event& event() const { return event_; }

  private:
    Arena arena_{1024}; // rule packs hold hundreds of examples: keep each small
    Event event_;
    bool resource_id_lower_set_ = false;
};

} // namespace minetrace
