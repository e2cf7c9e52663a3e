#include "batch/case_state.hpp"

#include "batch/json_line.hpp"
#include "core/json_writer.hpp"
#include "core/sha256.hpp"

#include <algorithm>

namespace minetrace::batch {

namespace {

void AppendSegmentJson(std::string& out, const SegmentRecord& s) {
    JsonObjectWriter j(out, JsonEmpty::kKeep);
    j.Str("type", "segment").Str("file", s.file).Int("records", s.records);
    j.Raw("oldest_us", std::to_string(s.oldest_us)).Raw("newest_us", std::to_string(s.newest_us));
    j.Raw("created_us", std::to_string(s.created_us)).Int("source_segments", s.source_segments);
    j.Close();
}

// A segment file name: what the runner writes, never a path.
bool PlainName(std::string_view name) {
    return !name.empty() && name[0] != '.' && name.find('/') == std::string_view::npos;
}

} // namespace

std::string SerializeCaseState(const CaseState& state) {
    std::string text;
    uint64_t lines = 0;
    auto end_line = [&] {
        text += '\n';
        ++lines;
    };
    {
        JsonObjectWriter j(text, JsonEmpty::kKeep);
        j.Str("type", "state").Str("schema", kCaseStateSchema);
        j.Str("case", state.case_name).Str("tenant_id", state.tenant_id);
        j.Str("state_epoch", state.state_epoch).Int("run_counter", state.run_counter);
        j.Raw("last_run_us", std::to_string(state.last_run_us));
        j.Str("last_output", state.last_output);
        j.Raw("last_exit", std::to_string(state.last_exit));
        j.Str("last_summary", state.last_summary);
        j.Close();
        end_line();
    }
    std::vector<SegmentRecord> segments = state.segments;
    std::sort(segments.begin(), segments.end(),
              [](const SegmentRecord& a, const SegmentRecord& b) { return a.file < b.file; });
    for (const SegmentRecord& s : segments) {
        AppendSegmentJson(text, s);
        end_line();
    }
    for (const auto& [path, entry] : state.catalog.entries()) {
        AppendCatalogEntryJson(text, entry);
        end_line();
    }
    std::vector<FindingRecord> findings = state.findings;
    std::sort(findings.begin(), findings.end(),
              [](const FindingRecord& a, const FindingRecord& b) { return a.id < b.id; });
    for (const FindingRecord& f : findings) {
        AppendFindingRecordJson(text, f);
        end_line();
    }
    std::string digest = Sha256Hex(text);
    JsonObjectWriter end(text, JsonEmpty::kKeep);
    end.Str("type", "end").Int("lines", lines).Str("sha256", digest);
    end.Close();
    text += '\n';
    return text;
}

bool ParseCaseState(std::string_view text, CaseState& state, std::string& error) {
    state = CaseState{};
    // The trailer first: nothing is read from a file that is cut short or altered.
    if (text.size() < 2 || text.back() != '\n') {
        error = "the state file is cut short (no final line)";
        return false;
    }
    size_t last_start = text.rfind('\n', text.size() - 2);
    last_start = last_start == std::string_view::npos ? 0 : last_start + 1;
    std::string_view body = text.substr(0, last_start);
    std::string_view trailer = text.substr(last_start, text.size() - 1 - last_start);
    JsonLineReader r;
    if (!r.Parse(trailer) || r.Str("type") != "end") {
        error = "the state file is cut short (no end line)";
        return false;
    }
    uint64_t lines = r.U64("lines");
    std::string digest = r.Str("sha256");
    if (!r.ok() || digest != Sha256Hex(body)) {
        error = "the state file's checksum does not match its content";
        return false;
    }
    if (static_cast<uint64_t>(std::count(body.begin(), body.end(), '\n')) != lines) {
        error = "the state file's line count does not match its end line";
        return false;
    }

    size_t line_number = 0;
    size_t at = 0;
    while (at < body.size()) {
        size_t end = body.find('\n', at);
        std::string_view line = body.substr(at, end - at);
        at = end + 1;
        ++line_number;
        auto fail = [&](const std::string& why) {
            error = "state line " + std::to_string(line_number) + ": " + why;
            return false;
        };
        if (!r.Parse(line)) return fail(r.error());
        std::string type = r.Str("type");
        if (!r.ok()) return fail(r.error());
        if (line_number == 1) {
            if (type != "state") return fail("the first line is not the state header");
            std::string schema = r.Str("schema");
            if (schema != kCaseStateSchema)
                return fail("schema '" + schema + "', this minetrace reads " + kCaseStateSchema);
            state.case_name = r.Str("case");
            state.tenant_id = r.Str("tenant_id");
            state.state_epoch = r.Str("state_epoch");
            state.run_counter = r.U64("run_counter");
            state.last_run_us = r.I64("last_run_us");
            state.last_output = r.Str("last_output");
            state.last_exit = static_cast<int>(r.I64("last_exit"));
            state.last_summary = r.Str("last_summary");
            if (!r.ok()) return fail(r.error());
        } else if (type == "segment") {
            SegmentRecord s;
            s.file = r.Str("file");
            s.records = r.U64("records");
            s.oldest_us = r.I64("oldest_us");
            s.newest_us = r.I64("newest_us");
            s.created_us = r.I64("created_us");
            s.source_segments = r.U64("source_segments");
            if (!r.ok()) return fail(r.error());
            if (!PlainName(s.file)) return fail("segment file '" + s.file + "' is not a name");
            state.segments.push_back(std::move(s));
        } else if (type == "file") {
            CatalogEntry entry;
            std::string why;
            if (!ParseCatalogEntryJson(line, entry, why)) return fail(why);
            state.catalog.Put(std::move(entry));
        } else if (type == "finding") {
            FindingRecord finding;
            std::string why;
            if (!ParseFindingRecordJson(line, finding, why)) return fail(why);
            state.findings.push_back(std::move(finding));
        } else {
            return fail("unknown line type '" + type + "'");
        }
    }
    if (line_number == 0) {
        error = "the state file has no header";
        return false;
    }
    return true;
}

} // namespace minetrace::batch
