// The report files of a run: report.html, report.md and the response pack per language, each
// written by its own task into the output directory. Thread-safety: the writers only read the
// context (its facts are built once, before the tasks start).
#include "core/output_set.hpp"
#include "report/facts.hpp"
#include "report/report.hpp"

#include <filesystem>
#include <functional>
#include <stdexcept>
#include <string>
#include <tbb/task_group.h>
#include <vector>

namespace minetrace {

namespace {

struct Job {
    std::string name;
    std::function<void(std::ostream&)> writer;
};

std::vector<Job> Jobs(const ReportContext* context, const std::vector<Language>& languages) {
    std::vector<Job> jobs;
    jobs.push_back({"report.html", [context](std::ostream& o) { WriteHtmlReport(o, *context); }});
    jobs.push_back({"report.md", [context](std::ostream& o) { WriteMarkdownReport(o, *context); }});
    for (Language language : languages) {
        jobs.push_back(
            {PackFileName("support-request.txt", language),
             [context, language](std::ostream& o) { WriteSupportRequest(o, *context, language); }});
        jobs.push_back(
            {PackFileName("containment.sh", language), [context, language](std::ostream& o) {
                 WriteContainmentScript(o, *context, language);
             }});
        jobs.push_back(
            {PackFileName("next-steps.md", language),
             [context, language](std::ostream& o) { WriteNextSteps(o, *context, language); }});
    }
    return jobs;
}

} // namespace

std::vector<std::string> ReportFileNames(const std::vector<Language>& languages) {
    std::vector<std::string> names;
    for (const Job& job : Jobs(nullptr, languages)) names.push_back(job.name);
    return names;
}

std::vector<std::string> WriteReportFiles(OutputSet& outputs, const ReportContext& context,
                                          const std::vector<Language>& languages) {
    std::vector<Job> jobs = Jobs(&context, languages);
    // The facts are built here, once, so the writers below only read them.
    CachedFacts(context);
    // One file per task: --threads (oneTBB's global limit) bounds them. Each file depends only
    // on the context, so the order they finish in does not matter. Every file gets mode 0644:
    // containment scripts are for review, never executable, whatever the umask.
    tbb::task_group writing;
    for (const Job& job : jobs)
        writing.run([&outputs, &job] { outputs.Write(job.name, job.writer, 0644); });
    writing.wait(); // rethrows the first failure
    std::vector<std::string> written;
    for (const Job& job : jobs) written.push_back(job.name);
    return written;
}

} // namespace minetrace
