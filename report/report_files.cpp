// The report files of a run: report.html, report.md and the response pack per language, each
// written by its own task into the output directory. Thread-safety: the writers only read the
// context (its facts are built once, before the tasks start).
#include "core/text_output.hpp"
#include "report/facts.hpp"
#include "report/report.hpp"

#include <filesystem>
#include <functional>
#include <stdexcept>
#include <string>
#include <tbb/task_group.h>
#include <vector>

namespace minetrace {

std::vector<std::string> WriteReportFiles(const std::filesystem::path& dir,
                                          const ReportContext& context,
                                          const std::vector<Language>& languages) {
    namespace fs = std::filesystem;
    struct Job {
        std::string name;
        std::function<void(std::ostream&)> writer;
        bool script = false;
    };
    std::vector<Job> jobs;
    jobs.push_back({"report.html", [&](std::ostream& o) { WriteHtmlReport(o, context); }});
    jobs.push_back({"report.md", [&](std::ostream& o) { WriteMarkdownReport(o, context); }});
    for (Language language : languages) {
        jobs.push_back(
            {PackFileName("support-request.txt", language),
             [&context, language](std::ostream& o) { WriteSupportRequest(o, context, language); }});
        jobs.push_back({PackFileName("containment.sh", language),
                        [&context, language](std::ostream& o) {
                            WriteContainmentScript(o, context, language);
                        },
                        true});
        jobs.push_back(
            {PackFileName("next-steps.md", language),
             [&context, language](std::ostream& o) { WriteNextSteps(o, context, language); }});
    }
    // The facts are built here, once, so the writers below only read them.
    CachedFacts(context);
    // One file per task: --threads (oneTBB's global limit) bounds them. Each file depends only
    // on the context, so the order they finish in does not matter.
    tbb::task_group writing;
    for (const Job& job : jobs)
        writing.run([&dir, &job] {
            WriteOutputFile(dir / job.name, job.writer);
            if (!job.script) return;
            // Never executable, whatever the umask or an earlier file: it is for review.
            std::error_code ec;
            fs::permissions(dir / job.name,
                            fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                                fs::perms::others_read,
                            fs::perm_options::replace, ec);
            if (ec) throw std::runtime_error("setting the mode of " + job.name + " failed");
        });
    writing.wait(); // rethrows the first failure
    std::vector<std::string> written;
    for (const Job& job : jobs) written.push_back(job.name);
    return written;
}

} // namespace minetrace
