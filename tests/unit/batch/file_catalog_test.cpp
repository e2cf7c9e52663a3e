// The file catalog: new, grown (read from the watermark only), unchanged (trusted on size and
// mtime), touched, rewritten prefix, shrunk, vanished and back, unreadable; the JSON round trip.
#include "batch/file_catalog.hpp"
#include "unit/batch/batch_test_util.hpp"

#include <catch2/catch.hpp>
#include <fcntl.h>
#include <sys/stat.h>

using namespace minetrace::batch;
using namespace minetrace::batch::test;
namespace fs = std::filesystem;

namespace {

const FileObservation& Find(const CatalogScan& scan, const fs::path& path) {
    for (const FileObservation& f : scan.files)
        if (f.path == path.string()) return f;
    FAIL("not in the scan: " << path);
    throw std::logic_error("unreachable");
}

// Sets a file's mtime (ns precision) as it was, so size+mtime look untouched.
void SetMtime(const fs::path& path, int64_t mtime_ns) {
    timespec times[2];
    times[0].tv_sec = 0;
    times[0].tv_nsec = UTIME_OMIT;
    times[1].tv_sec = mtime_ns / 1000000000;
    times[1].tv_nsec = mtime_ns % 1000000000;
    REQUIRE(utimensat(AT_FDCWD, path.c_str(), times, 0) == 0);
}

void BumpMtime(const fs::path& path, int64_t by_ns = 5000000000) {
    struct stat st {};
    REQUIRE(stat(path.c_str(), &st) == 0);
    SetMtime(path, st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec + by_ns);
}

// Applies a scan as an engine would that consumes up to the last '\n' of each slice.
void ConsumeLines(FileCatalog& catalog, CatalogScan& scan, int64_t now) {
    std::vector<uint64_t> ends;
    for (const SegmentSlice& s : scan.Slices()) {
        std::string bytes = ReadFile(s.path).substr(s.begin, s.end - s.begin);
        size_t last = bytes.rfind('\n');
        ends.push_back(last == std::string::npos ? s.begin : s.begin + last + 1);
    }
    catalog.Apply(scan, ends, now, now - Night(30) + Night(0));
}

} // namespace

TEST_CASE("File catalog: each kind of change across runs", "[batch][catalog]") {
    fs::path root = FreshDir("catalog");
    fs::path in = root / "in";
    fs::path a = in / "h00" / "PT1H.json";
    fs::path b = in / "h01" / "PT1H.json";
    fs::path c = in / "h02" / "PT1H.json";
    WriteFile(a, "{\"n\": 1}\n{\"n\": 2}\n");
    WriteFile(b, "{\"n\": 3}\n{\"n\": 4, \"cut"); // a blob still being appended to
    WriteFile(c, "{\"n\": 5}\n");
    FileCatalog catalog;

    // Run 1: all new, read whole; b's last record is incomplete and stays unread.
    CatalogScan one = catalog.Scan({in.string()});
    REQUIRE(one.files.size() == 3);
    CHECK(one.Count(FileChange::kNew) == 3);
    std::vector<SegmentSlice> slices = one.Slices();
    REQUIRE(slices.size() == 3);
    CHECK(slices[0].path == a.string()); // input order: sorted paths
    CHECK(slices[1].begin == 0);
    CHECK(slices[1].end == fs::file_size(b));
    ConsumeLines(catalog, one, Night(0));
    CHECK(catalog.entries().at(b.string()).consumed == 9);
    CHECK(catalog.entries().at(a.string()).prefix_sha256 == minetrace::Sha256Hex(ReadFile(a)));
    CHECK(catalog.entries().at(b.string()).prefix_sha256 ==
          minetrace::Sha256Hex(ReadFile(b).substr(0, 9)));

    // Run 2: b grows (its cut record completed, one more); only [watermark, size) is read.
    Append(b, "\"}\n{\"n\": 6}\n");
    BumpMtime(b);
    CatalogScan two = catalog.Scan({in.string()});
    CHECK(Find(two, a).change == FileChange::kUnchanged);
    CHECK(Find(two, c).change == FileChange::kUnchanged);
    const FileObservation& grown = Find(two, b);
    CHECK(grown.change == FileChange::kGrown);
    slices = two.Slices();
    REQUIRE(slices.size() == 1);
    CHECK(slices[0].path == b.string());
    CHECK(slices[0].begin == 9);
    CHECK(slices[0].end == fs::file_size(b));
    ConsumeLines(catalog, two, Night(1));
    CHECK(catalog.entries().at(b.string()).consumed == fs::file_size(b));
    CHECK(catalog.entries().at(b.string()).prefix_sha256 == minetrace::Sha256Hex(ReadFile(b)));

    // Run 3: a is rewritten in place (same size, new bytes, new mtime); c shrinks; b is touched
    // (new mtime, same bytes). The rewrite and the shrink are reported, nothing is re-read.
    WriteFile(a, "{\"n\": 9}\n{\"n\": 8}\n");
    BumpMtime(a);
    WriteFile(c, "{}\n");
    BumpMtime(c);
    BumpMtime(b);
    CatalogScan three = catalog.Scan({in.string()});
    const FileObservation& rewritten = Find(three, a);
    CHECK(rewritten.change == FileChange::kRewritten);
    CHECK(rewritten.reported);
    CHECK(rewritten.detail == "the first 18 bytes, already read, changed");
    const FileObservation& shrunk = Find(three, c);
    CHECK(shrunk.change == FileChange::kRewritten);
    CHECK(shrunk.detail == "shrank to 3 bytes, below the 9 bytes already read");
    CHECK(Find(three, b).change == FileChange::kUnchanged);
    CHECK(three.Slices().empty());
    ConsumeLines(catalog, three, Night(2));
    const CatalogEntry& kept = catalog.entries().at(a.string());
    CHECK(kept.rewritten);
    CHECK(kept.consumed == 18); // the old watermark and hash stay
    CHECK(kept.prefix_sha256 == minetrace::Sha256Hex("{\"n\": 1}\n{\"n\": 2}\n"));

    // Run 4: the same rewritten forms are not reported again; c vanishes.
    fs::remove(c);
    CatalogScan four = catalog.Scan({in.string()});
    CHECK(Find(four, a).change == FileChange::kRewritten);
    CHECK_FALSE(Find(four, a).reported);
    CHECK(four.Count(FileChange::kRewritten) == 0);
    CHECK(four.Count(FileChange::kRewritten, false) == 1);
    CHECK(Find(four, c).change == FileChange::kVanished);
    CHECK(Find(four, c).reported);
    ConsumeLines(catalog, four, Night(3));
    CHECK(catalog.entries().at(c.string()).vanished_us == Night(3));

    // Run 5: still gone: not reported again. a changes again: reported again.
    WriteFile(a, "{\"n\": 7}\n{\"n\": 7}\n{\"n\": 7}\n");
    BumpMtime(a, 9000000000);
    CatalogScan five = catalog.Scan({in.string()});
    CHECK_FALSE(Find(five, c).reported);
    CHECK(Find(five, a).change == FileChange::kRewritten);
    CHECK(Find(five, a).reported);
    ConsumeLines(catalog, five, Night(4));

    // Run 6: c comes back as it was: checked against its entry, not read again from zero.
    WriteFile(c, "{\"n\": 5}\n");
    CatalogScan six = catalog.Scan({in.string()});
    CHECK(Find(six, c).change == FileChange::kUnchanged);
    ConsumeLines(catalog, six, Night(5));
    CHECK(catalog.entries().at(c.string()).vanished_us == -1);

    // A vanished entry is forgotten once gone for the look-back window.
    fs::remove(c);
    CatalogScan seven = catalog.Scan({in.string()});
    catalog.Apply(seven, {}, Night(6), Night(0));
    CHECK(catalog.entries().count(c.string()) == 1);
    CatalogScan eight = catalog.Scan({in.string()});
    catalog.Apply(eight, {}, Night(40), Night(10));
    CHECK(catalog.entries().count(c.string()) == 0);
    fs::remove_all(root);
}

TEST_CASE("File catalog: size and mtime are trusted (the documented cheap default)",
          "[batch][catalog]") {
    fs::path root = FreshDir("catalog-trust");
    fs::path a = root / "a.json";
    WriteFile(a, "{\"n\": 1}\n");
    FileCatalog catalog;
    CatalogScan one = catalog.Scan({a.string()});
    ConsumeLines(catalog, one, Night(0));
    int64_t mtime = catalog.entries().at(a.string()).mtime_ns;
    // Rewritten with the same size and its mtime put back: not seen (the contract), not read.
    WriteFile(a, "{\"n\": 2}\n");
    SetMtime(a, mtime);
    CatalogScan two = catalog.Scan({a.string()});
    CHECK(two.files.at(0).change == FileChange::kUnchanged);
    CHECK(two.Slices().empty());
    // Any mtime change makes it re-hashed, and then the rewrite is seen.
    BumpMtime(a, 1);
    CatalogScan three = catalog.Scan({a.string()});
    CHECK(three.files.at(0).change == FileChange::kRewritten);
    fs::remove_all(root);
}

TEST_CASE("File catalog: unreadable inputs and a missing root", "[batch][catalog]") {
    fs::path root = FreshDir("catalog-unreadable");
    fs::path in = root / "in";
    WriteFile(in / "ok.json", "{}\n");
    REQUIRE(mkfifo((in / "pipe").c_str(), 0644) == 0);
    fs::create_symlink(in / "nowhere", in / "dangling");
    FileCatalog catalog;
    CatalogScan scan = catalog.Scan({in.string(), (root / "absent").string()});
    REQUIRE(scan.input_errors.size() == 1);
    CHECK(scan.input_errors[0] == (root / "absent").string() + ": no such file or directory");
    CHECK(Find(scan, in / "pipe").change == FileChange::kUnreadable);
    CHECK(Find(scan, in / "pipe").detail == "not a regular file");
    CHECK(Find(scan, in / "dangling").change == FileChange::kUnreadable);
    CHECK(Find(scan, in / "ok.json").change == FileChange::kNew);
    ConsumeLines(catalog, scan, Night(0));
    // Nothing recorded for them: retried (and reported) next run.
    CHECK(catalog.entries().size() == 1);
    // The same file through two inputs is one file.
    CatalogScan twice = FileCatalog{}.Scan({in.string(), (in / "ok.json").string()});
    CHECK(twice.Count(FileChange::kNew) == 1);
    fs::remove_all(root);
}

TEST_CASE("File catalog: an engine end outside its slice is refused", "[batch][catalog]") {
    fs::path root = FreshDir("catalog-bad-end");
    WriteFile(root / "a.json", "{}\n");
    FileCatalog catalog;
    CatalogScan scan = catalog.Scan({root.string()});
    CHECK_THROWS_AS(catalog.Apply(scan, {99}, Night(0), Night(0)), std::logic_error);
    CHECK_THROWS_AS(catalog.Apply(scan, {}, Night(0), Night(0)), std::logic_error);
    CHECK(catalog.entries().empty()); // nothing recorded by a failed Apply
    fs::remove_all(root);
}

TEST_CASE("File catalog: entries round-trip through JSON", "[batch][catalog]") {
    CatalogEntry e;
    e.path = "/in/\"quoted\"\n/PT1H.json";
    e.size = 1234;
    e.mtime_ns = -5;
    e.consumed = 1000;
    e.prefix_sha256 = std::string(64, 'a');
    e.first_seen_us = Night(0);
    e.vanished_us = Night(3);
    e.rewritten = true;
    e.rewritten_size = 7;
    e.rewritten_mtime_ns = 42;
    std::string line;
    AppendCatalogEntryJson(line, e);
    CatalogEntry back;
    std::string error;
    REQUIRE(ParseCatalogEntryJson(line, back, error));
    CHECK(back == e);
    CHECK_FALSE(ParseCatalogEntryJson("{\"type\": \"file\", \"path\": \"x\"}", back, error));
    CHECK(error == "file entry: 'size' must be a count");
    CHECK_FALSE(ParseCatalogEntryJson("not json", back, error));
}
