// Output must be byte-identical at any thread count and batch size, run after run.
#include "support/run_ingest.hpp"

#include <catch2/catch.hpp>

using namespace minetrace;
using namespace minetrace::testing;

TEST_CASE("Ingest: identical output at 1 and 2 threads and any batch size", "[pipeline]") {
    std::vector<std::string> inputs = {std::string(MINETRACE_FIXTURES_DIR)};
    if (DatasetsPresent()) inputs.push_back(DatasetsDir());
    IngestOutput one = RunIngestToStrings(inputs, 1, 2u << 20);
    IngestOutput two_small = RunIngestToStrings(inputs, 2, 4096);
    IngestOutput two_again = RunIngestToStrings(inputs, 2, 4096);
    REQUIRE(!one.events.empty());
    CHECK(one.events == two_small.events);
    CHECK(one.quarantine == two_small.quarantine);
    CHECK(two_small.events == two_again.events);
    CHECK(one.accounting->records_read() == two_small.accounting->records_read());
}
