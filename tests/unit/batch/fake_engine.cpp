#include "unit/batch/fake_engine.hpp"

#include "core/ascii.hpp"
#include "core/json_writer.hpp"
#include "core/timestamp.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <simdjson.h>
#include <sstream>
#include <stdexcept>

namespace minetrace::batch::test {

namespace fs = std::filesystem;

namespace {

constexpr const char* kHeader = "FAKESEG/1\n";

struct Record {
    std::string src;
    uint64_t offset = 0;
    int64_t time_us = -1;
    std::string resource, kind, severity, principal;
};

std::string Str(simdjson::dom::element e, const char* key) {
    std::string_view value;
    if (e[key].get_string().get(value) != simdjson::SUCCESS) return {};
    return std::string(value);
}

void AppendRecord(std::string& out, const Record& r) {
    JsonObjectWriter j(out, JsonEmpty::kKeep);
    j.Str("src", r.src).Int("off", r.offset).Raw("time_us", std::to_string(r.time_us));
    j.Str("resource", r.resource).Str("kind", r.kind).Str("severity", r.severity);
    j.Str("principal", r.principal);
    j.Close();
    out += '\n';
}

std::vector<Record> ReadSegment(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::string line;
    if (!std::getline(in, line) || line + "\n" != kHeader)
        throw std::runtime_error("not a fake segment: " + path.string());
    std::vector<Record> records;
    simdjson::dom::parser parser;
    while (std::getline(in, line)) {
        simdjson::dom::element e;
        if (parser.parse(line).get(e) != simdjson::SUCCESS)
            throw std::runtime_error("corrupt fake segment: " + path.string());
        Record r;
        r.src = Str(e, "src");
        r.offset = uint64_t(e["off"]);
        r.time_us = int64_t(e["time_us"]);
        r.resource = Str(e, "resource");
        r.kind = Str(e, "kind");
        r.severity = Str(e, "severity");
        r.principal = Str(e, "principal");
        records.push_back(std::move(r));
    }
    return records;
}

// Each (file, offset) once, in (file, offset) order.
std::vector<Record> ReadAll(const std::vector<fs::path>& segments) {
    std::map<std::pair<std::string, uint64_t>, Record> unique;
    for (const fs::path& s : segments)
        for (Record& r : ReadSegment(s)) unique.emplace(std::pair(r.src, r.offset), std::move(r));
    std::vector<Record> records;
    for (auto& [key, r] : unique) records.push_back(std::move(r));
    return records;
}

SegmentInfo Write(const fs::path& file, const std::vector<Record>& records,
                  const std::function<void()>& midway) {
    std::string body = kHeader;
    SegmentInfo info;
    for (const Record& r : records) {
        AppendRecord(body, r);
        ++info.records;
        if (r.time_us >= 0) {
            if (info.oldest_us < 0 || r.time_us < info.oldest_us) info.oldest_us = r.time_us;
            info.newest_us = std::max(info.newest_us, r.time_us);
        }
    }
    if (fs::exists(file)) throw std::logic_error("segment file exists: " + file.string());
    std::ofstream out(file, std::ios::binary);
    out.write(body.data(), static_cast<std::streamsize>(body.size() / 2));
    out.flush();
    if (midway) midway();
    out.write(body.data() + body.size() / 2,
              static_cast<std::streamsize>(body.size() - body.size() / 2));
    if (!out) throw std::runtime_error("cannot write " + file.string());
    return info;
}

std::vector<std::string> Names(const std::vector<fs::path>& paths) {
    std::vector<std::string> names;
    for (const fs::path& p : paths) names.push_back(p.filename().string());
    return names;
}

} // namespace

std::vector<std::string> FakeEngine::Check(const EngineOptions& options) {
    std::vector<std::string> errors;
    for (const fs::path& rules : options.rules)
        if (!fs::exists(rules))
            errors.push_back("rules: no such file or folder: " + rules.string());
    return errors;
}

IngestResult FakeEngine::Ingest(const std::vector<SegmentSlice>& slices,
                                const fs::path& segment_file, const EngineOptions&) {
    ingest_calls.push_back(slices);
    ingest_cases.push_back(segment_file.parent_path().parent_path().filename().string());
    IngestResult result;
    std::vector<Record> kept;
    simdjson::dom::parser parser;
    for (const SegmentSlice& slice : slices) {
        SliceResult r;
        r.consumed_end = slice.begin;
        std::ifstream in(slice.path, std::ios::binary);
        if (!in) {
            r.error = "cannot open";
            result.slices.push_back(r);
            continue;
        }
        in.seekg(static_cast<std::streamoff>(slice.begin));
        std::string bytes(slice.end - slice.begin, '\0');
        in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        bytes.resize(static_cast<size_t>(in.gcount()));
        size_t last = bytes.rfind('\n');
        if (last == std::string::npos) {
            result.slices.push_back(r);
            continue;
        }
        r.consumed_end = slice.begin + last + 1;
        size_t at = 0;
        while (at <= last) {
            size_t end = bytes.find('\n', at);
            std::string line = bytes.substr(at, end - at);
            uint64_t offset = slice.begin + at;
            at = end + 1;
            if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
            ++r.records;
            simdjson::dom::element e;
            if (parser.parse(line).get(e) != simdjson::SUCCESS || !e.is_object()) {
                ++r.quarantined;
                continue;
            }
            Record rec;
            rec.src = slice.path;
            rec.offset = offset;
            std::optional<ParsedTime> t = ParseTimestamp(Str(e, "time"));
            rec.time_us = t ? t->unix_us : -1;
            rec.resource = Str(e, "resource");
            rec.kind = Str(e, "kind");
            rec.severity = Str(e, "severity");
            rec.principal = Str(e, "principal");
            kept.push_back(std::move(rec));
        }
        result.slices.push_back(r);
    }
    result.segment = Write(segment_file, kept, mid_segment_write);
    return result;
}

AnalyzeResult FakeEngine::Analyze(const std::vector<fs::path>& segments, const fs::path& out_dir,
                                  const EngineOptions& options) {
    analyze_calls.push_back(Names(segments));
    analyze_cases.push_back(out_dir.parent_path().filename().string());
    if (fail_analyze) throw std::runtime_error("analysis failed (test)");
    std::vector<Record> records = ReadAll(segments);
    std::map<std::pair<std::string, std::string>, Finding> findings;
    for (const Record& r : records) {
        if (r.kind.empty()) continue;
        Severity severity = Severity::kLow;
        ParseSeverity(r.severity, severity);
        auto [it, inserted] = findings.try_emplace({AsciiLowerCopy(r.resource), r.kind});
        Finding& f = it->second;
        if (inserted || severity > f.severity) {
            f.resource_id = r.resource;
            f.kind = r.kind;
            f.severity = severity;
            f.title = r.kind + " on " + r.resource;
        }
        if (r.time_us >= 0 && (f.created_at_us < 0 || r.time_us < f.created_at_us)) {
            f.created_at_us = r.time_us;
            f.principal = r.principal;
        }
        f.evidence.push_back(r.src + "@" + std::to_string(r.offset));
    }
    AnalyzeResult result;
    result.records = records.size();
    std::string resources;
    for (auto& [key, f] : findings) {
        JsonObjectWriter j(resources, JsonEmpty::kKeep);
        j.Str("resource_id", f.resource_id).Str("kind", f.kind);
        j.Str("severity", SeverityName(f.severity)).Time("created_at", f.created_at_us);
        j.Str("principal", f.principal);
        j.Close();
        resources += '\n';
        result.findings.push_back(f);
    }
    std::ofstream(out_dir / "resources.jsonl", std::ios::binary) << resources;
    std::string manifest;
    JsonObjectWriter m(manifest, JsonEmpty::kKeep);
    m.StrArray("segments", Names(segments)).Int("records", records.size());
    m.StrArray("languages", options.languages);
    m.Close();
    std::ofstream(out_dir / "manifest.json", std::ios::binary) << manifest << "\n";
    return result;
}

SegmentInfo FakeEngine::Compact(const std::vector<fs::path>& segments,
                                const fs::path& segment_file) {
    compact_calls.push_back(Names(segments));
    return Write(segment_file, ReadAll(segments), nullptr);
}

} // namespace minetrace::batch::test
