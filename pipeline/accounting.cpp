#include "pipeline/accounting.hpp"

#include "core/byte_form.hpp"
#include "core/json_writer.hpp"
#include "core/version.hpp"

#include <numeric>

namespace minetrace {

namespace {

uint64_t Sum(const std::map<std::string, uint64_t>& counts) {
    return std::accumulate(counts.begin(), counts.end(), uint64_t{0},
                           [](uint64_t total, const auto& kv) { return total + kv.second; });
}

} // namespace

uint64_t FileAccount::ignored_total() const {
    return Sum(ignored);
}
std::map<std::string, uint64_t> FileAccount::record_kinds() const {
    std::map<std::string, uint64_t> out;
    for (size_t i = 0; i < kind_counts.size(); ++i)
        if (kind_counts[i] > 0)
            out[std::string(ToString(static_cast<SourceKind>(i)))] = kind_counts[i];
    return out;
}

uint64_t FileAccount::quarantined_total() const {
    return Sum(quarantined);
}
uint64_t FileAccount::quarantine_unwritten_total() const {
    return Sum(quarantine_unwritten);
}

Accounting::Accounting(std::vector<std::string> paths, std::ostream* quarantine_out,
                       QuarantineLimits limits)
    : paths_(std::move(paths)), quarantine_out_(quarantine_out), limits_(limits) {
    files_.resize(paths_.size());
    for (size_t i = 0; i < paths_.size(); ++i) files_[i].summary.path = paths_[i];
}

FileAccount& Accounting::Account(uint32_t file_id) {
    if (files_.size() <= file_id) files_.resize(file_id + 1);
    return files_[file_id];
}

void Accounting::Consume(const Batch& batch) {
    Share& share = share_;
    share.records_read = batch.records_read;
    share.kinds.fill(0);
    for (const Event& event : batch.events) ++share.kinds[static_cast<size_t>(event.kind)];
    share.ignored.clear();
    for (const auto& [kind, count] : batch.ignored) share.ignored.emplace_back(kind, count);
    share.quarantined.clear();
    share.beyond_per_file.clear();
    if (digested_per_file_.size() <= batch.file_id) digested_per_file_.resize(batch.file_id + 1);
    for (const QuarantineEntry& entry : batch.quarantined) {
        if (digest_ && digested_per_file_[batch.file_id] >= limits_.per_file) {
            ++share.beyond_per_file[std::string(ToString(entry.reason))];
            continue;
        }
        if (digest_) ++digested_per_file_[batch.file_id];
        share.quarantined.push_back(entry);
    }
    share.summary = batch.file_end ? &batch.summary : nullptr;
    Apply(batch.file_id, share);
    if (!digest_) return;
    std::string& d = *digest_;
    PutVarint(d, share.records_read);
    for (uint64_t k : share.kinds) PutVarint(d, k);
    PutVarint(d, share.ignored.size());
    for (const auto& [kind, count] : share.ignored) {
        PutText(d, kind);
        PutVarint(d, count);
    }
    PutVarint(d, share.quarantined.size());
    for (const QuarantineEntry& e : share.quarantined) {
        PutVarint(d, e.line);
        PutVarint(d, e.offset);
        PutVarint(d, e.length);
        PutVarint(d, static_cast<uint64_t>(e.reason));
        PutText(d, e.detail);
        PutText(d, e.excerpt);
    }
    PutVarint(d, share.beyond_per_file.size());
    for (const auto& [reason, count] : share.beyond_per_file) {
        PutText(d, reason);
        PutVarint(d, count);
    }
    PutVarint(d, share.summary ? 1 : 0);
    if (const FileSummary* f = share.summary) {
        PutText(d, f->path);
        PutVarint(d, static_cast<uint64_t>(f->shape));
        PutText(d, f->container);
        PutVarint(d, static_cast<uint64_t>(f->compression));
        PutVarint(d, f->size);
        PutText(d, f->sha256);
        PutVarint(d, f->content_bytes);
        PutText(d, f->error);
    }
}

void Accounting::Replay(std::string_view digest, uint32_t file_id) {
    ByteFormReader in(digest, "minetrace: a segment's accounting digest is damaged");
    Share share;
    share.records_read = in.Varint();
    for (uint64_t& k : share.kinds) k = in.Varint();
    for (uint64_t n = in.Varint(); n > 0; --n) {
        std::string kind(in.Text());
        share.ignored.emplace_back(std::move(kind), in.Varint());
    }
    for (uint64_t n = in.Varint(); n > 0; --n) {
        QuarantineEntry& e = share.quarantined.emplace_back();
        e.file_id = file_id;
        e.line = in.Varint();
        e.offset = in.Varint();
        e.length = in.Varint();
        uint64_t reason = in.Varint();
        if (reason > static_cast<uint64_t>(QuarantineReason::kLast)) in.Damaged();
        e.reason = static_cast<QuarantineReason>(reason);
        e.detail.assign(in.Text());
        e.excerpt.assign(in.Text());
    }
    for (uint64_t n = in.Varint(); n > 0; --n) {
        std::string reason(in.Text());
        share.beyond_per_file[reason] += in.Varint();
    }
    FileSummary summary;
    if (in.Varint() != 0) {
        summary.path.assign(in.Text());
        summary.shape = static_cast<ContentShape>(in.Varint());
        summary.container.assign(in.Text());
        summary.compression = static_cast<Compression>(in.Varint());
        summary.size = in.Varint();
        summary.sha256.assign(in.Text());
        summary.content_bytes = in.Varint();
        summary.error.assign(in.Text());
        share.summary = &summary;
    }
    if (!in.done()) in.Damaged();
    Apply(file_id, share);
}

void Accounting::Apply(uint32_t file_id, const Share& share) {
    FileAccount& account = Account(file_id);
    account.records_read += share.records_read;
    for (size_t k = 0; k < share.kinds.size(); ++k) {
        account.events += share.kinds[k];
        account.kind_counts[k] += share.kinds[k];
    }
    for (const auto& [kind, count] : share.ignored) account.ignored[kind] += count;
    if (written_per_file_.size() <= file_id) written_per_file_.resize(file_id + 1);
    uint64_t& written_here = written_per_file_[file_id];
    for (const QuarantineEntry& entry : share.quarantined) {
        std::string reason(ToString(entry.reason));
        ++account.quarantined[reason];
        if (quarantine_out_ == nullptr) continue;
        // Batches come in input order (the sink is serial and ordered): the first ones written.
        if (written_here >= limits_.per_file || quarantine_written_ >= limits_.total) {
            ++account.quarantine_unwritten[reason];
            continue;
        }
        ++written_here;
        ++quarantine_written_;
        line_.clear();
        // Every member always present, "" when empty.
        JsonObjectWriter j(line_, JsonEmpty::kKeep);
        j.Str("file", file_id < paths_.size() ? paths_[file_id] : "");
        j.Int("line", entry.line).Int("offset", entry.offset).Int("length", entry.length);
        j.Str("reason", ToString(entry.reason)).Str("detail", entry.detail);
        j.Str("excerpt", entry.excerpt);
        j.Close();
        line_ += '\n';
        *quarantine_out_ << line_;
    }
    for (const auto& [reason, count] : share.beyond_per_file) {
        account.quarantined[reason] += count;
        if (quarantine_out_ != nullptr) account.quarantine_unwritten[reason] += count;
    }
    if (share.summary) account.summary = *share.summary;
}

uint64_t Accounting::records_read() const {
    uint64_t total = 0;
    for (const auto& f : files_) total += f.records_read;
    return total;
}
uint64_t Accounting::duplicates() const {
    uint64_t total = 0;
    for (const auto& f : files_) total += f.duplicates;
    return total;
}
void Accounting::SetDuplicates(const std::vector<uint64_t>& per_file) {
    for (size_t i = 0; i < files_.size(); ++i)
        files_[i].duplicates = i < per_file.size() ? per_file[i] : 0;
}
uint64_t Accounting::events() const {
    uint64_t total = 0;
    for (const auto& f : files_) total += f.events;
    return total;
}
uint64_t Accounting::ignored() const {
    uint64_t total = 0;
    for (const auto& f : files_) total += f.ignored_total();
    return total;
}
uint64_t Accounting::quarantined() const {
    uint64_t total = 0;
    for (const auto& f : files_) total += f.quarantined_total();
    return total;
}
uint64_t Accounting::quarantine_unwritten() const {
    uint64_t total = 0;
    for (const auto& f : files_) total += f.quarantine_unwritten_total();
    return total;
}
size_t Accounting::files_with_errors() const {
    size_t count = 0;
    for (const auto& f : files_) count += f.summary.error.empty() ? 0 : 1;
    return count;
}

std::string Accounting::Summary() const {
    return std::to_string(files_.size()) + " files, " + std::to_string(records_read()) +
           " records read: " + std::to_string(events()) + " events" +
           (duplicates() == 0 ? std::string()
                              : " (" + std::to_string(unique_events()) + " unique, " +
                                    std::to_string(duplicates()) + " duplicates)") +
           ", " + std::to_string(ignored()) + " ignored, " + std::to_string(quarantined()) +
           " quarantined" +
           (quarantine_unwritten() == 0 ? std::string()
                                        : " (" + std::to_string(quarantine_unwritten()) +
                                              " beyond the quarantine.jsonl cap, counted only)") +
           "; " + std::to_string(files_with_errors()) + " file errors";
}

void Accounting::WriteManifest(std::ostream& out, const RunInfo& run) const {
    std::string s;
    s += "{\n  \"tool\": \"minetrace\",\n  \"version\": ";
    AppendJsonString(s, kVersion);
    s += ",\n  \"command_line\": ";
    AppendJsonStringArray(s, run.command_line);
    s += ",\n  \"rule_sources\": ";
    AppendJsonStringArray(s, run.rule_sources);
    s += ",\n  \"input_errors\": ";
    AppendJsonStringArray(s, run.input_errors);
    s += ",\n  \"files\": [";
    for (size_t i = 0; i < files_.size(); ++i) {
        const FileAccount& f = files_[i];
        s += i == 0 ? "\n" : ",\n";
        s += "    {\"path\": ";
        AppendJsonString(s, f.summary.path);
        s += ", \"size\": " + std::to_string(f.summary.size);
        s += ", \"sha256\": ";
        AppendJsonString(s, f.summary.sha256);
        s += ", \"compression\": ";
        AppendJsonString(s, ToString(f.summary.compression));
        s += ", \"content_bytes\": " + std::to_string(f.summary.content_bytes);
        s += ", \"format\": ";
        AppendJsonString(s, ToString(f.summary.shape));
        s += ", \"container\": ";
        AppendJsonStringOrNull(s, f.summary.container);
        s += ",\n     \"records_read\": " + std::to_string(f.records_read);
        s += ", \"events\": " + std::to_string(f.events);
        s += ", \"duplicates\": " + std::to_string(f.duplicates);
        s += ", \"ignored\": " + std::to_string(f.ignored_total());
        s += ", \"quarantined\": " + std::to_string(f.quarantined_total());
        s += ", \"reconciled\": ";
        s += f.reconciled() ? "true" : "false";
        s += ",\n     \"record_kinds\": ";
        AppendJsonCounts(s, f.record_kinds());
        s += ", \"ignored_by_kind\": ";
        AppendJsonCounts(s, f.ignored);
        s += ", \"quarantined_by_reason\": ";
        AppendJsonCounts(s, f.quarantined);
        s += ",\n     \"quarantine_unwritten\": " + std::to_string(f.quarantine_unwritten_total());
        s += ", \"quarantine_unwritten_by_reason\": ";
        AppendJsonCounts(s, f.quarantine_unwritten);
        s += ", \"error\": ";
        AppendJsonStringOrNull(s, f.summary.error);
        s += "}";
    }
    s += files_.empty() ? "],\n" : "\n  ],\n";
    bool reconciled = true;
    for (const auto& f : files_) reconciled = reconciled && f.reconciled();
    s += "  \"totals\": {\"files\": " + std::to_string(files_.size());
    s += ", \"files_with_errors\": " + std::to_string(files_with_errors());
    s += ", \"records_read\": " + std::to_string(records_read());
    s += ", \"events\": " + std::to_string(events());
    s += ", \"duplicates\": " + std::to_string(duplicates());
    s += ", \"unique_events\": " + std::to_string(unique_events());
    s += ", \"ignored\": " + std::to_string(ignored());
    s += ", \"quarantined\": " + std::to_string(quarantined());
    s += ", \"quarantine_unwritten\": " + std::to_string(quarantine_unwritten());
    s += ", \"quarantine_cap\": {\"per_file\": " + std::to_string(limits_.per_file) +
         ", \"total\": " + std::to_string(limits_.total) + "}";
    s += ", \"reconciled\": ";
    s += reconciled ? "true" : "false";
    s += "},\n  \"run\": {\"started_at\": ";
    AppendJsonString(s, run.started_at);
    s += ", \"finished_at\": ";
    AppendJsonString(s, run.finished_at);
    char duration[32];
    std::snprintf(duration, sizeof duration, "%.3f", run.duration_seconds);
    s += ", \"duration_seconds\": ";
    s += duration;
    s += ", \"host\": ";
    AppendJsonString(s, run.host);
    s += ", \"threads\": " + std::to_string(run.threads);
    s += "}\n}\n";
    out << s;
}

} // namespace minetrace
