#include "parsers/csv_splitter.hpp"
#include "support/datasets.hpp"

#include <algorithm>
#include <catch2/catch.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>
#include <vector>

namespace minetrace {
namespace {

struct Want {
    std::string_view text;
    SpanKind kind = SpanKind::kRecord;
};

std::string Render(std::string_view content, const std::vector<RecordSpan>& spans) {
    std::string r;
    for (const RecordSpan& s : spans) {
        r += s.kind == SpanKind::kRecord      ? "record"
             : s.kind == SpanKind::kTruncated ? "truncated"
                                              : "garbage";
        r += " @" + std::to_string(s.offset) + "+" + std::to_string(s.length) + " ";
        if (s.offset <= content.size() && s.length <= content.size() - s.offset) {
            r += content.substr(s.offset, s.length);
        } else {
            r += "<out of range>";
        }
        r += "\n";
    }
    return r;
}

std::string RenderWant(std::string_view content, std::initializer_list<Want> wants) {
    std::vector<RecordSpan> spans;
    size_t from = 0;
    for (const Want& w : wants) {
        const size_t at = content.find(w.text, from);
        INFO("expected span text: " << w.text);
        REQUIRE(at != std::string_view::npos);
        RecordSpan s;
        s.offset = at;
        s.length = w.text.size();
        s.kind = w.kind;
        spans.push_back(s);
        from = at + w.text.size();
    }
    return Render(content, spans);
}

// Feeds in pieces (sizes cycle; 0 = the rest) and checks safe_cut against later spans.
std::vector<RecordSpan> FeedPieces(std::string_view content, const std::vector<size_t>& sizes) {
    CsvStreamSplitter splitter;
    std::vector<RecordSpan> spans;
    std::vector<std::pair<uint64_t, size_t>> checkpoints; // safe_cut, spans emitted so far
    size_t pos = 0;
    size_t k = 0;
    while (pos < content.size()) {
        size_t n = sizes[k++ % sizes.size()];
        if (n == 0 || n > content.size() - pos) n = content.size() - pos;
        splitter.Feed(content.data() + pos, n, pos, spans);
        pos += n;
        CHECK(splitter.safe_cut() <= pos);
        checkpoints.emplace_back(splitter.safe_cut(), spans.size());
    }
    splitter.Finish(spans);
    bool ok = true;
    uint64_t previous = 0;
    for (const auto& [cut, emitted] : checkpoints) {
        if (cut < previous) ok = false;
        previous = cut;
        for (size_t i = emitted; i < spans.size(); ++i) {
            if (spans[i].offset < cut) ok = false;
        }
    }
    uint64_t previous_end = 0;
    for (const RecordSpan& span : spans) {
        if (span.length == 0 || span.offset < previous_end || span.offset > content.size() ||
            span.length > content.size() - span.offset) {
            ok = false;
        }
        previous_end = span.offset + span.length;
    }
    CHECK(ok);
    return spans;
}

std::vector<RecordSpan> Split(std::string_view content) {
    const std::vector<RecordSpan> whole = FeedPieces(content, {0});
    const std::string expected = Render(content, whole);
    CHECK(Render(content, FeedPieces(content, {1})) == expected);
    CHECK(Render(content, FeedPieces(content, {7})) == expected);
    std::mt19937 rng(777);
    std::uniform_int_distribution<size_t> dist(1, 33);
    for (int round = 0; round < 3; ++round) {
        std::vector<size_t> sizes;
        for (int i = 0; i < 50; ++i) sizes.push_back(dist(rng));
        CHECK(Render(content, FeedPieces(content, sizes)) == expected);
    }
    return whole;
}

std::string ReadFile(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

} // namespace

TEST_CASE("CsvStreamSplitter: portal export with BOM, CRLF and multi-line JSON cells",
          "[parsers]") {
    const std::string row1 = "t1,\"{\r\n  \"\"scope\"\": \"\"/subscriptions/x\"\",\r\n  "
                             "\"\"list\"\": [1, 2]\r\n}\",Informational";
    const std::string content = "\xEF\xBB\xBFTenantId,Properties,Level\r\n" + row1 +
                                "\r\n\r\n\nt2,,\r\nt3,\"plain\",\"a,b\"\r\n";
    const std::vector<RecordSpan> spans = Split(content);
    CHECK(Render(content, spans) ==
          RenderWant(content,
                     {{"TenantId,Properties,Level"}, {row1}, {"t2,,"}, {"t3,\"plain\",\"a,b\""}}));
    REQUIRE(spans.size() == 4);
    CHECK(spans[0].offset == 3);
    CHECK(spans[0].length == 25);
}

TEST_CASE("CsvStreamSplitter: line endings, last record and unterminated quotes", "[parsers]") {
    const std::string lf = "a,b,c\nd,e,f\n";
    CHECK(Render(lf, Split(lf)) == RenderWant(lf, {{"a,b,c"}, {"d,e,f"}}));

    const std::string no_newline = "a,b,c\r\nd,e,f";
    CHECK(Render(no_newline, Split(no_newline)) == RenderWant(no_newline, {{"a,b,c"}, {"d,e,f"}}));

    const std::string trailing_cr = "a,b,c\r\nd,e,f\r";
    CHECK(Render(trailing_cr, Split(trailing_cr)) ==
          RenderWant(trailing_cr, {{"a,b,c"}, {"d,e,f"}}));

    const std::string unterminated = "h1,h2,h3\r\nx,\"open\r\nmore,\"\"q\"\"";
    CHECK(Render(unterminated, Split(unterminated)) ==
          RenderWant(unterminated,
                     {{"h1,h2,h3"}, {"x,\"open\r\nmore,\"\"q\"\"", SpanKind::kTruncated}}));

    // The closing quote is the last byte: the field is closed, the record complete.
    const std::string closed = "h\n\"a\"\"\"";
    CHECK(Render(closed, Split(closed)) == RenderWant(closed, {{"h"}, {"\"a\"\"\""}}));

    const std::string only_blank = "\r\n\n\r\n";
    CHECK(Split(only_blank).empty());
    CHECK(Split("").empty());

    const std::string bom_only = "\xEF\xBB\xBF";
    CHECK(Split(bom_only).empty());
    const std::string not_bom = "\xEF\xBBx,y\n";
    CHECK(Render(not_bom, Split(not_bom)) == RenderWant(not_bom, {{"\xEF\xBBx,y"}}));
}

TEST_CASE("CsvStreamSplitter: quotes only open at the start of a field", "[parsers]") {
    const std::string content = "ab\"c,d\n\"x\"y,\"z\n\"\n5 \"inch\",\"\"\"\"\n";
    CHECK(Render(content, Split(content)) ==
          RenderWant(content, {{"ab\"c,d"}, {"\"x\"y,\"z\n\""}, {"5 \"inch\",\"\"\"\""}}));
}

TEST_CASE("CsvStreamSplitter: safe_cut is the start of the open record", "[parsers]") {
    CsvStreamSplitter splitter;
    std::vector<RecordSpan> spans;
    const std::string a = "h1,h2\nx,\"multi\n";
    splitter.Feed(a.data(), a.size(), 0, spans);
    CHECK(spans.size() == 1);
    CHECK(splitter.safe_cut() == 6);
    const std::string b = "line\"\nnext";
    splitter.Feed(b.data(), b.size(), a.size(), spans);
    CHECK(spans.size() == 2);
    CHECK(splitter.safe_cut() == a.size() + 6);
    splitter.Finish(spans);
    REQUIRE(spans.size() == 3);
    CHECK(spans[2].offset == a.size() + 6);
    CHECK(spans[2].length == 4);
}

TEST_CASE("SplitCsvRecord: unquoting and malformed cells", "[parsers]") {
    Arena arena;
    std::vector<std::string_view> cells;
    const std::string record = "t1,\"{\r\n  \"\"a\"\": \"\"x,y\"\"\r\n}\",,\"plain\",last";
    REQUIRE(SplitCsvRecord(record, arena, cells));
    REQUIRE(cells.size() == 5);
    CHECK(cells[0] == "t1");
    CHECK(cells[1] == "{\r\n  \"a\": \"x,y\"\r\n}");
    CHECK(cells[2].empty());
    CHECK(cells[3] == "plain");
    CHECK(cells[4] == "last");
    const auto in_record = [&](std::string_view cell) {
        return cell.data() >= record.data() && cell.data() < record.data() + record.size();
    };
    CHECK(in_record(cells[0]));
    CHECK_FALSE(in_record(cells[1])); // unescaped into the arena
    CHECK(in_record(cells[3]));       // quoted without "" escapes: a view

    REQUIRE(SplitCsvRecord("", arena, cells));
    CHECK(cells == std::vector<std::string_view>{""});
    REQUIRE(SplitCsvRecord(",", arena, cells));
    CHECK(cells == std::vector<std::string_view>{"", ""});
    REQUIRE(SplitCsvRecord("\"\",x,", arena, cells));
    CHECK(cells == std::vector<std::string_view>{"", "x", ""});
    REQUIRE(SplitCsvRecord("\"a\"\"\",b", arena, cells));
    CHECK(cells == std::vector<std::string_view>{"a\"", "b"});
    REQUIRE(SplitCsvRecord("5 \"inch\",c", arena, cells)); // literal quote in an unquoted cell
    CHECK(cells == std::vector<std::string_view>{"5 \"inch\"", "c"});

    CHECK_FALSE(SplitCsvRecord("\"a\"b,c", arena, cells)); // text after the closing quote
    CHECK_FALSE(SplitCsvRecord("x,\"open", arena, cells)); // unterminated
    CHECK_FALSE(SplitCsvRecord("\"a\"\"", arena, cells));
}

TEST_CASE("CsvStreamSplitter: mutated input never breaks the span contract", "[parsers]") {
    const std::string seed = "\xEF\xBB\xBF"
                             "a,b,c\r\n1,\"x\r\n\"\"y\"\"\",3\r\n\r\n4,5 \"in\",6\n";
    const std::string alphabet = "\",\r\n a\xEF";
    std::mt19937 rng(99);
    Arena arena;
    std::vector<std::string_view> cells;
    for (int round = 0; round < 150; ++round) {
        std::string content = seed;
        for (int e = 0; e < 1 + static_cast<int>(rng() % 5); ++e) {
            const size_t at = rng() % content.size();
            const char c = alphabet[rng() % alphabet.size()];
            if (rng() % 2 == 0) {
                content[at] = c;
            } else {
                content = content.substr(0, at) + c + content.substr(at);
            }
        }
        INFO("round " << round << ": " << content);
        for (const RecordSpan& s : Split(content)) {
            if (s.kind != SpanKind::kRecord) continue;
            // Whatever the verdict, splitting a record stays within it.
            const std::string_view record(content.data() + s.offset, s.length);
            if (SplitCsvRecord(record, arena, cells)) CHECK(!cells.empty());
        }
    }
}

TEST_CASE("CsvStreamSplitter: dataset exports split into well-formed records",
          "[parsers][datasets]") {
    namespace fs = std::filesystem;
    if (!minetrace::testing::RequireDatasets()) return;
    const fs::path root = minetrace::testing::DatasetsDir();
    // Records (header included) and cells per record, as Python's csv module counts them.
    struct Expect {
        const char* path;
        size_t records;
        size_t cells;
    };
    const Expect expects[] = {
        {"sentinel-training-lab-telemetry/AuditLogs_Hunting.csv", 6, 39},
        {"sentinel-training-lab-telemetry/azureActivity_adele.csv", 24, 47},
        {"sentinel-training-lab-telemetry/azure_activity.csv", 326, 20},
        {"sentinel-training-lab-telemetry/disable_accounts.csv", 5, 61},
        {"sentinel-training-lab-telemetry/sign-in_adelete.csv", 57, 71},
        {"sentinel-training-lab-telemetry/signinLogs.csv", 2, 12},
        {"finops-toolkit/EA_ActualCost_Small.csv", 12, 55},
        {"finops-toolkit/EA_AmortizedCost_Small.csv", 29, 55},
        {"finops-toolkit/EA_NoRows.csv", 1, 55},
    };
    Arena arena;
    std::vector<std::string_view> cells;
    for (const Expect& e : expects) {
        const fs::path path = root / e.path;
        if (!fs::exists(path)) {
            WARN("dataset file absent: " << path.string());
            continue;
        }
        const std::string content = ReadFile(path);
        INFO(e.path);
        const std::vector<RecordSpan> spans = FeedPieces(content, {8191});
        CHECK(spans.size() == e.records);
        REQUIRE(!spans.empty());
        CHECK(spans[0].offset == 3); // after the BOM
        for (const RecordSpan& s : spans) {
            CHECK(s.kind == SpanKind::kRecord);
            const std::string_view record(content.data() + s.offset, s.length);
            CHECK(SplitCsvRecord(record, arena, cells));
            CHECK(cells.size() == e.cells);
        }
        arena.Reset();
    }
}

TEST_CASE("CsvStreamSplitter: throughput", "[.bench]") {
    std::string row = "AzureActivity,7c759f10-811c-4db8-ad6d-f07d8ae3f8ea,Azure,37.142.150.162,"
                      "Administrative,\"{\r\n  \"\"scope\"\": \"\"/subscriptions/8f15/rg\"\",\r\n"
                      "  \"\"action\"\": \"\"Microsoft.Compute/virtualMachines/write\"\"\r\n}\","
                      "Informational,adele@contoso.com,,,\r\n";
    std::string content = "\xEF\xBB\xBFh1,h2,h3,h4,h5,h6,h7,h8,h9,h10\r\n";
    while (content.size() < (128u << 20)) content += row;
    CsvStreamSplitter splitter;
    std::vector<RecordSpan> spans;
    const auto start = std::chrono::steady_clock::now();
    constexpr size_t kBlock = 1 << 20;
    for (size_t pos = 0; pos < content.size(); pos += kBlock) {
        splitter.Feed(content.data() + pos, std::min(kBlock, content.size() - pos), pos, spans);
    }
    splitter.Finish(spans);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("CsvStreamSplitter: %.2f GB/s\n",
                static_cast<double>(content.size()) / seconds / 1e9);
    CHECK(spans.size() > 1000);
}

} // namespace minetrace
