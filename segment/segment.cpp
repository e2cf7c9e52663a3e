#include "segment/segment.hpp"

#include "core/byte_form.hpp"
#include "core/output_set.hpp"
#include "core/sha256.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <map>
#include <set>
#include <sys/stat.h>
#include <unistd.h>

namespace minetrace {

namespace {

constexpr std::string_view kMagic = "MINETRACE-SEGMENT\n";
constexpr std::string_view kEndMagic = "SEGMENT-END\n";
constexpr uint32_t kByteOrder = 0x01020304;
constexpr size_t kTrailerSize = 8 + 32 + kEndMagic.size();
constexpr char kFrameTag = 'F';
constexpr char kCatalogTag = 'C';

void PutU32(std::string& out, uint32_t value) {
    char bytes[sizeof value];
    std::memcpy(bytes, &value, sizeof value);
    out.append(bytes, sizeof value);
}

void PutU64(std::string& out, uint64_t value) {
    char bytes[sizeof value];
    std::memcpy(bytes, &value, sizeof value);
    out.append(bytes, sizeof value);
}

std::string HeaderBytes(std::string_view rules_fingerprint, const auto& input_errors,
                        size_t consumers) {
    std::string header(kMagic);
    PutU32(header, kSegmentVersion);
    PutU32(header, kByteOrder);
    PutText(header, rules_fingerprint);
    PutVarint(header, input_errors.size());
    for (const std::string& e : input_errors) PutText(header, e);
    PutVarint(header, consumers);
    return header;
}

std::string CatalogBytes(const std::vector<SegmentFile>& files) {
    std::string bytes;
    bytes += kCatalogTag;
    PutVarint(bytes, files.size());
    for (const SegmentFile& f : files) {
        PutText(bytes, f.path);
        PutVarint(bytes, f.size);
        PutText(bytes, f.sha256);
        PutVarint(bytes, f.content_bytes);
        PutText(bytes, f.error);
        PutVarint(bytes, f.begin);
        PutVarint(bytes, f.consumed);
        PutVarint(bytes, f.frames_begin);
        PutVarint(bytes, f.frames_end);
        PutVarint(bytes, f.frames);
    }
    return bytes;
}

// Where the catalog starts and the SHA-256 of everything before the trailer.
std::string TrailerBytes(uint64_t catalog_at, const Sha256Digest& digest) {
    std::string trailer;
    PutU64(trailer, catalog_at);
    trailer.append(reinterpret_cast<const char*>(digest.data()), digest.size());
    trailer += kEndMagic;
    return trailer;
}

} // namespace

struct SegmentRecorder::Impl {
    std::filesystem::path file;
    std::vector<std::string> paths;
    std::vector<ReplayableConsumer*> consumers;
    std::vector<std::string> digests; // one per consumer, filled during Consume
    std::unique_ptr<PendingOutput> out;
    Sha256 sha;
    uint64_t written = 0;
    std::map<uint32_t, SegmentFile> files; // by file id
    std::string frame;

    void Put(std::string_view bytes) {
        out->stream().write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        sha.Update(bytes);
        written += bytes.size();
    }
};

SegmentRecorder::SegmentRecorder(const std::filesystem::path& file, std::vector<std::string> paths,
                                 std::vector<ReplayableConsumer*> consumers,
                                 const std::string& rules_fingerprint,
                                 const std::vector<std::string>& input_errors)
    : impl_(std::make_unique<Impl>()) {
    Impl& s = *impl_;
    s.file = file;
    s.paths = std::move(paths);
    s.consumers = std::move(consumers);
    s.digests.resize(s.consumers.size());
    for (size_t i = 0; i < s.consumers.size(); ++i) s.consumers[i]->RecordInto(&s.digests[i]);
    std::filesystem::path dir = file.parent_path().empty() ? "." : file.parent_path();
    s.out = std::make_unique<PendingOutput>(dir, file.filename().string());
    s.Put(HeaderBytes(rules_fingerprint, input_errors, s.consumers.size()));
}

SegmentRecorder::~SegmentRecorder() {
    for (ReplayableConsumer* c : impl_->consumers) c->RecordInto(nullptr);
}

void SegmentRecorder::Consume(const Batch& batch) {
    Impl& s = *impl_;
    auto [it, fresh] = s.files.try_emplace(batch.file_id);
    SegmentFile& f = it->second;
    if (fresh) {
        f.path = batch.file_id < s.paths.size() ? s.paths[batch.file_id] : "";
        f.frames_begin = s.written;
    }
    s.frame.clear();
    s.frame += kFrameTag;
    std::string body;
    for (std::string& d : s.digests) {
        PutText(body, d);
        d.clear();
    }
    PutVarint(s.frame, body.size());
    s.frame += body;
    s.Put(s.frame);
    f.frames_end = s.written;
    ++f.frames;
    if (batch.file_end) {
        f.size = batch.summary.size;
        f.sha256 = batch.summary.sha256;
        f.content_bytes = batch.summary.content_bytes;
        f.error = batch.summary.error;
        f.begin = batch.summary.begin;
        f.consumed = batch.summary.consumed;
    }
}

void SegmentRecorder::Finish() {
    Impl& s = *impl_;
    const uint64_t catalog_at = s.written;
    std::vector<SegmentFile> files;
    for (const auto& [id, f] : s.files) files.push_back(f);
    s.Put(CatalogBytes(files));
    std::string trailer = TrailerBytes(catalog_at, s.sha.Finish());
    s.out->stream().write(trailer.data(), static_cast<std::streamsize>(trailer.size()));
    s.out->Finish();
    for (ReplayableConsumer* c : s.consumers) c->RecordInto(nullptr);
}

struct Segment::Impl {
    std::filesystem::path file;
    int fd = -1;
    uint64_t size = 0;
    std::string rules_fingerprint;
    std::vector<std::string> input_errors;
    std::vector<SegmentFile> files;
    size_t consumers = 0;

    ~Impl() {
        if (fd >= 0) close(fd);
    }
    [[noreturn]] void Refuse(const std::string& why) const {
        throw SegmentRefused("segment " + file.string() + ": " + why);
    }
    std::string Read(uint64_t at, size_t length) const {
        std::string bytes(length, '\0');
        for (size_t done = 0; done < length;) {
            ssize_t got =
                pread(fd, bytes.data() + done, length - done, static_cast<off_t>(at + done));
            if (got < 0 && errno == EINTR) continue;
            if (got < 0) Refuse(std::string("cannot read: ") + std::strerror(errno));
            if (got == 0) Refuse("truncated");
            done += static_cast<size_t>(got);
        }
        return bytes;
    }
};

Segment::Segment(const std::filesystem::path& file) : impl_(std::make_unique<Impl>()) {
    Impl& s = *impl_;
    s.file = file;
    s.fd = open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (s.fd < 0) s.Refuse(std::string("cannot open: ") + std::strerror(errno));
    struct stat st {};
    if (fstat(s.fd, &st) != 0 || !S_ISREG(st.st_mode)) s.Refuse("not a regular file");
    s.size = static_cast<uint64_t>(st.st_size);
    if (s.size < kMagic.size() + 8 + kTrailerSize) s.Refuse("truncated or not a segment");
    if (s.Read(0, kMagic.size()) != kMagic) s.Refuse("not a minetrace segment");
    // The trailer: where the catalog starts, the digest of everything before it.
    std::string trailer = s.Read(s.size - kTrailerSize, kTrailerSize);
    if (trailer.substr(8 + 32) != kEndMagic) s.Refuse("truncated (no end marker)");
    uint64_t catalog_at = 0;
    std::memcpy(&catalog_at, trailer.data(), 8);
    const uint64_t body = s.size - kTrailerSize;
    Sha256 sha;
    for (uint64_t at = 0; at < body;) {
        size_t chunk = static_cast<size_t>(std::min<uint64_t>(body - at, 1u << 20));
        sha.Update(s.Read(at, chunk));
        at += chunk;
    }
    Sha256Digest digest = sha.Finish();
    if (std::memcmp(digest.data(), trailer.data() + 8, 32) != 0)
        s.Refuse("damaged (its SHA-256 does not match its trailer)");
    // From here on the bytes are the ones written; a format error is a foreign writer's.
    std::string header = s.Read(kMagic.size(), 8);
    uint32_t version = 0, order = 0;
    std::memcpy(&version, header.data(), 4);
    std::memcpy(&order, header.data() + 4, 4);
    if (order != kByteOrder) s.Refuse("written on a machine of another byte order");
    if (version != kSegmentVersion)
        s.Refuse("format version " + std::to_string(version) + ", this minetrace reads version " +
                 std::to_string(kSegmentVersion));
    if (catalog_at > body) s.Refuse("damaged (catalog offset)");
    try {
        std::string head =
            s.Read(kMagic.size() + 8,
                   static_cast<size_t>(std::min<uint64_t>(body - kMagic.size() - 8, 1u << 20)));
        ByteFormReader in(head, "");
        s.rules_fingerprint.assign(in.Text());
        for (uint64_t n = in.Varint(); n > 0; --n) s.input_errors.emplace_back(in.Text());
        s.consumers = static_cast<size_t>(in.Varint());
        std::string catalog = s.Read(catalog_at, static_cast<size_t>(body - catalog_at));
        ByteFormReader c(catalog, "");
        char tag = 0;
        c.Copy(&tag, 1);
        if (tag != kCatalogTag) s.Refuse("damaged (catalog)");
        for (uint64_t n = c.Varint(); n > 0; --n) {
            SegmentFile& f = s.files.emplace_back();
            f.path.assign(c.Text());
            f.size = c.Varint();
            f.sha256.assign(c.Text());
            f.content_bytes = c.Varint();
            f.error.assign(c.Text());
            f.begin = c.Varint();
            f.consumed = c.Varint();
            f.frames_begin = c.Varint();
            f.frames_end = c.Varint();
            f.frames = c.Varint();
            if (f.frames_begin > f.frames_end || f.frames_end > catalog_at)
                s.Refuse("damaged (frame range of " + f.path + ")");
        }
        if (!c.done()) s.Refuse("damaged (catalog end)");
    } catch (const std::runtime_error& e) {
        if (dynamic_cast<const SegmentRefused*>(&e)) throw;
        s.Refuse("damaged (header or catalog)");
    }
}

Segment::~Segment() = default;
Segment::Segment(Segment&&) noexcept = default;
Segment& Segment::operator=(Segment&&) noexcept = default;

const std::filesystem::path& Segment::file() const {
    return impl_->file;
}
const std::string& Segment::rules_fingerprint() const {
    return impl_->rules_fingerprint;
}
const std::vector<std::string>& Segment::input_errors() const {
    return impl_->input_errors;
}
const std::vector<SegmentFile>& Segment::files() const {
    return impl_->files;
}
size_t Segment::consumers() const {
    return impl_->consumers;
}

std::string Segment::FrameBytes(size_t index) const {
    const SegmentFile& f = impl_->files.at(index);
    return impl_->Read(f.frames_begin, static_cast<size_t>(f.frames_end - f.frames_begin));
}

void Segment::Replay(size_t index, uint32_t file_id,
                     const std::vector<ReplayableConsumer*>& consumers) const {
    const Impl& s = *impl_;
    const SegmentFile& f = s.files.at(index);
    if (consumers.size() != s.consumers) s.Refuse("holds digests of other consumers");
    // Frames one at a time: each is one batch's digests, small.
    uint64_t at = f.frames_begin;
    std::string head;
    for (uint64_t frame = 0; frame < f.frames; ++frame) {
        if (at >= f.frames_end) s.Refuse("damaged (frames of " + f.path + ")");
        // The tag and the body's length: at most 11 bytes.
        head = s.Read(at, static_cast<size_t>(std::min<uint64_t>(11, f.frames_end - at)));
        if (head[0] != kFrameTag) s.Refuse("damaged (frame tag)");
        ByteFormReader in(std::string_view(head).substr(1), "");
        uint64_t length = 0;
        try {
            length = in.Varint();
        } catch (const std::runtime_error&) {
            s.Refuse("damaged (frame length)");
        }
        size_t prefix = 1;
        for (uint64_t v = length;; v >>= 7) {
            ++prefix;
            if (v < 0x80) break;
        }
        if (length > f.frames_end - at - prefix) s.Refuse("damaged (frame length)");
        std::string body = s.Read(at + prefix, static_cast<size_t>(length));
        at += prefix + length;
        ByteFormReader digests(body, "minetrace: a segment frame is damaged");
        for (ReplayableConsumer* c : consumers) {
            std::string_view digest = digests.Text();
            if (c) c->Replay(digest, file_id);
        }
        if (!digests.done()) s.Refuse("damaged (frame end)");
    }
}

SliceChoice ChooseSlice(const SegmentFile& first, const SegmentFile& second) {
    const bool first_read = first.consumed > first.begin;
    const bool second_read = second.consumed > second.begin;
    if (!first_read && second_read) return SliceChoice::kTakeSecond;
    if (first_read && !second_read) return SliceChoice::kKeepFirst;
    const bool same = first.size == second.size && first.sha256 == second.sha256 &&
                      first.error == second.error && first.consumed == second.consumed;
    return same ? SliceChoice::kKeepFirst : SliceChoice::kConflict;
}

void CompactSegments(const std::vector<std::filesystem::path>& inputs,
                     const std::filesystem::path& output) {
    std::vector<Segment> segments;
    for (const std::filesystem::path& input : inputs) segments.emplace_back(input);
    if (segments.empty()) throw SegmentRefused("no segment to compact");
    const std::string& rules = segments.front().rules_fingerprint();
    std::set<std::string> errors;
    // Per (path, begin): the segment and file index kept, as analyze chooses them.
    std::map<std::pair<std::string, uint64_t>, std::pair<size_t, size_t>> kept;
    for (size_t s = 0; s < segments.size(); ++s) {
        if (segments[s].rules_fingerprint() != rules)
            throw SegmentRefused("segment " + segments[s].file().string() +
                                 " was ingested with other rules than " +
                                 segments.front().file().string());
        if (segments[s].consumers() != segments.front().consumers())
            throw SegmentRefused("segment " + segments[s].file().string() +
                                 " holds digests of other consumers");
        for (const std::string& e : segments[s].input_errors()) errors.insert(e);
        const std::vector<SegmentFile>& files = segments[s].files();
        for (size_t f = 0; f < files.size(); ++f) {
            auto [it, fresh] = kept.try_emplace({files[f].path, files[f].begin}, s, f);
            if (fresh) continue;
            const SegmentFile& first = segments[it->second.first].files()[it->second.second];
            const SliceChoice choice = ChooseSlice(first, files[f]);
            if (choice == SliceChoice::kTakeSecond) it->second = {s, f};
            if (choice == SliceChoice::kConflict)
                throw SegmentRefused("the file " + files[f].path + " is in segments " +
                                     segments[it->second.first].file().string() + " and " +
                                     segments[s].file().string() + " with different content");
        }
    }
    std::filesystem::path dir = output.parent_path().empty() ? "." : output.parent_path();
    PendingOutput out(dir, output.filename().string());
    Sha256 sha;
    uint64_t written = 0;
    auto put = [&](std::string_view bytes) {
        out.stream().write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        sha.Update(bytes);
        written += bytes.size();
    };
    put(HeaderBytes(rules, errors, segments.front().consumers()));
    std::vector<SegmentFile> catalog;
    for (const auto& [key, at] : kept) {
        SegmentFile f = segments[at.first].files()[at.second];
        std::string frames = segments[at.first].FrameBytes(at.second);
        f.frames_begin = written;
        put(frames);
        f.frames_end = written;
        catalog.push_back(std::move(f));
    }
    const uint64_t catalog_at = written;
    put(CatalogBytes(catalog));
    std::string trailer = TrailerBytes(catalog_at, sha.Finish());
    out.stream().write(trailer.data(), static_cast<std::streamsize>(trailer.size()));
    out.Finish();
}

} // namespace minetrace
