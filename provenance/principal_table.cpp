#include "provenance/principal_table.hpp"

#include "core/byte_form.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <unistd.h>

namespace minetrace {

namespace {

constexpr size_t kIndexStride = 64;
constexpr const char* kDamaged = "minetrace: the principals' temporary file is damaged";

[[noreturn]] void Fail(const std::string& what) {
    throw std::runtime_error("minetrace: principals' spill file: " + what + ": " +
                             std::strerror(errno));
}

// One row as read back: views into the bytes it was decoded from.
struct RowView {
    std::string_view key;
    std::string_view bytes; // the whole row
};

} // namespace

struct PrincipalTable::Rows {
    std::string memory; // the rows, when not spilled
    int fd = -1;        // else an unlinked file
    uint64_t size = 0;  // bytes of rows
    size_t count = 0;
    // Every kIndexStride-th row: its key and where it starts; the end is `size`.
    std::vector<std::pair<std::string, uint64_t>> index;

    ~Rows() {
        if (fd >= 0) close(fd);
    }

    // Bytes [begin, end) of the rows into `buffer` (file) or as a view (memory).
    std::string_view Read(uint64_t begin, uint64_t end, std::string& buffer) const {
        if (fd < 0) return std::string_view(memory).substr(begin, end - begin);
        buffer.resize(end - begin);
        size_t done = 0;
        while (done < buffer.size()) {
            ssize_t got = pread(fd, buffer.data() + done, buffer.size() - done,
                                static_cast<off_t>(begin + done));
            if (got < 0 && errno == EINTR) continue;
            if (got <= 0) Fail("read");
            done += static_cast<size_t>(got);
        }
        return buffer;
    }
};

namespace {

// Each row: its length, then key, identity texts, foreign flag, times, counts, addresses.
void DecodeRow(std::string_view bytes, PrincipalSummary& row,
               std::vector<std::pair<std::string_view, int64_t>>* ips) {
    ByteFormReader in(bytes, kDamaged);
    row.key.assign(in.Text());
    row.identity.name.assign(in.Text());
    row.identity.type.assign(in.Text());
    row.identity.object_id.assign(in.Text());
    row.identity.app_id.assign(in.Text());
    row.identity.tenant_id.assign(in.Text());
    row.identity.foreign_tenant = in.Varint() != 0;
    row.first_seen_us = in.Int64();
    row.last_seen_us = in.Int64();
    row.events = in.Varint();
    row.failures = in.Varint();
    row.ips.clear();
    uint64_t count = in.Varint();
    for (uint64_t i = 0; i < count; ++i) {
        std::string_view ip = in.Text();
        int64_t at = in.Int64();
        row.ips.emplace_hint(row.ips.end(), ip);
        if (ips) ips->emplace_back(ip, at);
    }
    if (!in.done()) in.Damaged();
}

// Visits the rows of `bytes` (whole rows, back to back): key and row bytes.
template <typename Visit> void ForEachRow(std::string_view bytes, Visit&& visit) {
    ByteFormReader in(bytes, kDamaged);
    while (!in.done()) {
        std::string_view row = in.Text();
        ByteFormReader key(row, kDamaged);
        if (!visit(RowView{key.Text(), row})) return;
    }
}

} // namespace

struct PrincipalTable::Builder::State {
    RetainedStoreOptions spill;
    std::shared_ptr<Rows> rows = std::make_shared<Rows>();
    std::string pending; // rows not yet written to the file (spilled) or all rows (memory)
    std::string last_key;
    std::string row;

    void WriteOut() {
        Rows& r = *rows;
        if (r.fd < 0) {
            std::string dir = spill.spill_dir.empty() ? DefaultSpillDir() : spill.spill_dir;
            std::string path = dir + "/minetrace-principals-XXXXXX";
            r.fd = mkstemp(path.data());
            if (r.fd < 0) Fail("cannot create in " + dir);
            unlink(path.c_str()); // gone with the process, however it ends
        }
        const char* data = pending.data();
        size_t left = pending.size();
        uint64_t at = r.size - left;
        while (left > 0) {
            ssize_t put = pwrite(r.fd, data, left, static_cast<off_t>(at));
            if (put < 0 && errno == EINTR) continue;
            if (put <= 0) Fail("write");
            data += put;
            left -= static_cast<size_t>(put);
            at += static_cast<uint64_t>(put);
        }
        pending.clear();
    }
};

PrincipalTable::Builder::Builder(RetainedStoreOptions spill) : state_(std::make_unique<State>()) {
    state_->spill = std::move(spill);
}

PrincipalTable::Builder::~Builder() = default;

void PrincipalTable::Builder::Add(const PrincipalSummary& summary,
                                  const std::vector<std::pair<std::string, int64_t>>& ips) {
    State& s = *state_;
    Rows& rows = *s.rows;
    if (rows.count > 0 && summary.key <= s.last_key)
        throw std::logic_error("PrincipalTable::Builder::Add: keys out of order");
    s.last_key = summary.key;
    std::string& row = s.row;
    row.clear();
    PutText(row, summary.key);
    PutText(row, summary.identity.name);
    PutText(row, summary.identity.type);
    PutText(row, summary.identity.object_id);
    PutText(row, summary.identity.app_id);
    PutText(row, summary.identity.tenant_id);
    PutVarint(row, summary.identity.foreign_tenant ? 1 : 0);
    PutInt64(row, summary.first_seen_us);
    PutInt64(row, summary.last_seen_us);
    PutVarint(row, summary.events);
    PutVarint(row, summary.failures);
    PutVarint(row, ips.size());
    for (const auto& [ip, at] : ips) {
        PutText(row, ip);
        PutInt64(row, at);
    }
    if (rows.count % kIndexStride == 0) rows.index.emplace_back(summary.key, rows.size);
    size_t before = s.pending.size();
    PutText(s.pending, row);
    rows.size += s.pending.size() - before;
    ++rows.count;
    if (s.pending.size() >= s.spill.budget_bytes || (rows.fd >= 0 && s.pending.size() >= 1u << 20))
        s.WriteOut();
}

PrincipalTable PrincipalTable::Builder::Finish() {
    State& s = *state_;
    if (s.rows->fd >= 0)
        s.WriteOut();
    else
        s.rows->memory = std::move(s.pending);
    PrincipalTable table;
    table.rows_ = std::move(s.rows);
    s.rows = std::make_shared<Rows>();
    return table;
}

PrincipalTable::PrincipalTable()
    : rows_(std::make_shared<Rows>()),
      findings_(std::make_shared<std::map<std::string, FindingTally, std::less<>>>()) {}

size_t PrincipalTable::size() const {
    return rows_->count;
}
uint64_t PrincipalTable::bytes() const {
    return rows_->size;
}
bool PrincipalTable::spilled() const {
    return rows_->fd >= 0;
}

void PrincipalTable::ForEach(const std::function<void(const PrincipalSummary&)>& visit) const {
    const Rows& rows = *rows_;
    PrincipalSummary row;
    std::string buffer;
    constexpr uint64_t kReadBytes = 1u << 20;
    // Whole rows a block at a time: index entries are row starts.
    size_t i = 0;
    while (i < rows.index.size()) {
        uint64_t begin = rows.index[i].second;
        size_t j = i + 1;
        while (j < rows.index.size() && rows.index[j].second - begin < kReadBytes) ++j;
        uint64_t end = j < rows.index.size() ? rows.index[j].second : rows.size;
        std::string_view bytes = rows.Read(begin, end, buffer);
        ForEachRow(bytes, [&](const RowView& view) {
            DecodeRow(view.bytes, row, nullptr);
            row.created_by_type.clear();
            row.created_by_size.clear();
            row.created_by_region.clear();
            row.worst = Severity::kLow;
            row.has_findings = false;
            if (auto f = findings_->find(row.key); f != findings_->end()) {
                row.created_by_type = f->second.created_by_type;
                row.created_by_size = f->second.created_by_size;
                row.created_by_region = f->second.created_by_region;
                row.worst = f->second.worst;
                row.has_findings = f->second.has_findings;
            }
            visit(row);
            return true;
        });
        i = j;
    }
}

int64_t PrincipalTable::AddressFirstUsed(std::string_view key, std::string_view ip) const {
    const Rows& rows = *rows_;
    auto after =
        std::upper_bound(rows.index.begin(), rows.index.end(), key,
                         [](std::string_view k, const auto& entry) { return k < entry.first; });
    if (after == rows.index.begin()) return -1;
    uint64_t begin = std::prev(after)->second;
    uint64_t end = after == rows.index.end() ? rows.size : after->second;
    std::string buffer;
    std::string_view bytes = rows.Read(begin, end, buffer);
    int64_t found = -1;
    ForEachRow(bytes, [&](const RowView& view) {
        if (view.key < key) return true;
        if (view.key == key) {
            PrincipalSummary row;
            std::vector<std::pair<std::string_view, int64_t>> ips;
            DecodeRow(view.bytes, row, &ips);
            for (const auto& [address, at] : ips)
                if (address == ip) found = at;
        }
        return false;
    });
    return found;
}

void PrincipalTable::SetFindings(std::map<std::string, FindingTally, std::less<>> tallies) {
    findings_ = std::make_shared<const std::map<std::string, FindingTally, std::less<>>>(
        std::move(tallies));
}

} // namespace minetrace
