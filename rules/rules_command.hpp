// What `minetrace rules lint|test|list [--rules DIR]...` runs. `paths` are the rule locations in
// load order (the shipped pack directory first, then each --rules DIR), as for RuleSet::Load.
//
// Each returns the process exit code: 0 on success, 2 when a rule file has errors or a rule
// example fails (a configuration error). Reports go to `out`, problems to `err`, one per line as
// `file:line: rule_id: message`. Text taken from rule files is printed terminal-safe.
#pragma once

#include <ostream>
#include <string>
#include <vector>

namespace minetrace {

int RunRulesLint(const std::vector<std::string>& paths, std::ostream& out, std::ostream& err);
int RunRulesTest(const std::vector<std::string>& paths, std::ostream& out, std::ostream& err);
int RunRulesList(const std::vector<std::string>& paths, std::ostream& out, std::ostream& err);

} // namespace minetrace
