// Inputs that are not regular files: a FIFO, a socket, a device, a dangling symlink, a symlink
// loop, a symlink to a directory. Inside an input directory each is a manifest entry with an
// error and the good file beside them is read; given directly, none blocks or reads forever.
// Every run is guarded by a deadline: a hang fails the test instead of stalling the suite.
#include "app/investigate_job.hpp"
#include "support/run_ingest.hpp"
#include "unit/test_util.hpp"

#include <catch2/catch.hpp>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <future>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <thread>
#include <unistd.h>

namespace fs = std::filesystem;
using namespace minetrace;
using namespace minetrace::testing;

namespace {

const fs::path kGoodFile =
    fs::path(MINETRACE_FIXTURES_DIR) /
    "scenarios/intrusion/export-jsonl/insights-activity-logs/resourceId=/SUBSCRIPTIONS/"
    "D0177A1F-D5B7-48C6-BF2C-E5A0DE6F4EF7/y=2026/m=10/d=13/h=11/m=00/PT1H.json";

// Runs `work` on its own thread; fails (without waiting for it) when it takes longer than a
// generous deadline, so a blocking open or an endless read shows as a failure, not a hang. The
// thread is left behind then: `work` must own everything it uses.
template <class Work> auto WithinDeadline(Work work) {
    using Result = decltype(work());
    std::packaged_task<Result()> task(std::move(work));
    std::future<Result> done = task.get_future();
    std::thread(std::move(task)).detach();
    if (done.wait_for(std::chrono::seconds(60)) != std::future_status::ready)
        FAIL("the run did not finish within 60 s (blocked on a special file?)");
    return done.get();
}

class TempDir {
  public:
    TempDir() {
        std::string pattern = (fs::temp_directory_path() / "minetrace-special-XXXXXX").string();
        REQUIRE(::mkdtemp(pattern.data()) != nullptr);
        path_ = pattern;
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    const fs::path& path() const { return path_; }

  private:
    fs::path path_;
};

// A UNIX socket bound at `path` (the file stays after the descriptor is closed).
void BindSocket(const fs::path& path) {
    int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::string name = path.string();
    REQUIRE(name.size() < sizeof addr.sun_path);
    std::memcpy(addr.sun_path, name.c_str(), name.size() + 1);
    int rc = ::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr);
    ::close(fd);
    REQUIRE(rc == 0);
}

// A character device to point a symlink at (containers may replace /dev/null by a file).
std::string CharDevice() {
    for (const char* candidate : {"/dev/null", "/dev/zero", "/dev/urandom"}) {
        struct stat st {};
        if (::stat(candidate, &st) == 0 && S_ISCHR(st.st_mode)) return candidate;
    }
    return "";
}

const FileAccount* Find(const Accounting& accounting, const fs::path& path) {
    for (const FileAccount& f : accounting.files())
        if (f.summary.path == path.string()) return &f;
    return nullptr;
}

} // namespace

TEST_CASE("Special files in an input directory: each a manifest error, the good file read",
          "[app][inputs]") {
    TempDir tmp;
    const fs::path in = tmp.path() / "in";
    fs::create_directories(in / "sub");
    fs::copy_file(kGoodFile, in / "good.json");
    REQUIRE(::mkfifo((in / "fifo").c_str(), 0600) == 0);
    BindSocket(in / "sock");
    fs::create_symlink(in / "nowhere", in / "dangling");
    fs::create_symlink(in / "loop-b", in / "loop-a");
    fs::create_symlink(in / "loop-a", in / "loop-b");
    fs::create_directory_symlink(in / "sub", in / "dir-link");
    const std::string device = CharDevice();
    if (!device.empty()) fs::create_symlink(device, in / "device");
    struct Expected {
        const char* name;
        const char* error;
    };
    std::vector<Expected> expected = {
        {"fifo", "not a regular file (a FIFO)"},
        {"sock", "not a regular file (a socket)"},
        {"dangling", "dangling symlink"},
        {"loop-a", "symlink loop"},
        {"loop-b", "symlink loop"},
        {"dir-link", "symlink to a directory: not followed"},
    };
    if (!device.empty()) expected.push_back({"device", "not a regular file (a character device)"});

    InvestigateConfig config;
    config.inputs = ExpandInputs({in.string()});
    config.out_dir = tmp.path() / "out";
    config.rule_sources = {MINETRACE_RULES_DIR};
    config.ingest.threads = 2;
    auto outcome = std::make_shared<InvestigateOutcome>();
    WithinDeadline([config, outcome] { *outcome = RunInvestigation(config); });
    REQUIRE(outcome->ran());
    CHECK_FALSE(outcome->clean()); // exit code 3
    const Accounting& accounting = *outcome->accounting;
    CHECK(accounting.files().size() == expected.size() + 1);
    CHECK(accounting.files_with_errors() == expected.size());
    const std::string manifest = minetrace::test::ReadFile(config.out_dir / "manifest.json");
    for (const Expected& e : expected) {
        INFO(e.name);
        const FileAccount* f = Find(accounting, in / e.name);
        REQUIRE(f != nullptr);
        CHECK(f->summary.error.find(e.error) == 0);
        CHECK(f->records_read == 0);
        CHECK(f->reconciled());
        CHECK(manifest.find("\"path\": \"" + (in / e.name).string() + "\"") != std::string::npos);
    }
    CHECK(manifest.find("\"error\": \"not a regular file (a FIFO)") != std::string::npos);
    const FileAccount* good = Find(accounting, in / "good.json");
    REQUIRE(good != nullptr);
    CHECK(good->summary.error.empty());
    CHECK(good->events > 0);
    CHECK(good->events == accounting.events());
}

TEST_CASE("Special files given directly: refused at once, never read", "[pipeline][inputs]") {
    TempDir tmp;
    const fs::path fifo = tmp.path() / "fifo";
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    fs::create_symlink(tmp.path() / "nowhere", tmp.path() / "dangling");
    std::vector<std::string> paths = {fifo.string(), (tmp.path() / "dangling").string(),
                                      kGoodFile.string()};
    struct stat st {};
    const bool have_zero = ::stat("/dev/zero", &st) == 0 && S_ISCHR(st.st_mode);
    if (have_zero) paths.push_back("/dev/zero");
    auto out = std::make_shared<IngestOutput>();
    WithinDeadline([paths, out] { *out = RunIngestToStrings(paths, 2); });
    const Accounting& accounting = *out->accounting;
    REQUIRE(accounting.files().size() == paths.size());
    CHECK(accounting.files()[0].summary.error.find("not a regular file (a FIFO)") == 0);
    CHECK(accounting.files()[1].summary.error.find("dangling symlink") == 0);
    CHECK(accounting.files()[2].summary.error.empty());
    CHECK(accounting.files()[2].events > 0);
    if (have_zero) {
        CHECK(accounting.files()[3].summary.error.find("not a regular file (a character device)") ==
              0);
        CHECK(accounting.files()[3].summary.content_bytes == 0);
    } else {
        WARN("/dev/zero is not a character device here: that case is not checked");
    }
    CHECK(accounting.files_with_errors() == paths.size() - 1);
    for (const FileAccount& f : accounting.files()) CHECK(f.reconciled());
}
