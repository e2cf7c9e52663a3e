// The response pack: a draft support request, a containment script for review, and next steps,
// in English and Japanese. Log text is made terminal-safe in the plain-text files (controls and
// bidi overrides become visible escapes), Markdown-escaped in next-steps.md, and single-quoted in
// the script, where it also appears in comments only after control characters are neutralised,
// so a name can neither end a comment line nor break out of a quoted word.
// Over 700 lines on purpose: the three files share one set of facts, wording helpers and the
// en/ja text side by side; split apart, each would repeat them.
#include "core/arm_id.hpp"
#include "core/ascii.hpp"
#include "core/escape.hpp"
#include "core/version.hpp"
#include "provenance/outputs.hpp"
#include "report/report.hpp"

#include <fstream>
#include <map>
#include <set>
#include <stdexcept>

namespace minetrace {

namespace {

// Plain-text form of log text (terminal-safe).
std::string Safe(std::string_view text) {
    std::string out;
    AppendTerminalSafe(out, text);
    return out;
}

// True when `word` can be given to the shell as an argument: no control characters (C0, DEL,
// C1, bidi: a reviewer must see the command as it runs), valid UTF-8. (Quoting handles every
// other byte.)
bool Quotable(std::string_view word) {
    if (word.empty() || !IsValidUtf8(word) || HasHiddenControl(word)) return false;
    for (unsigned char c : word)
        if (c < 0x20 || c == 0x7f) return false;
    return true;
}

struct Lang {
    bool ja;
    const char* operator()(const char* en, const char* japanese) const {
        return ja ? japanese : en;
    }
};

std::string N(uint64_t value) {
    return std::to_string(value);
}

bool Serious(const ResourceFinding& f) {
    return f.severity != Severity::kLow;
}

std::string SubscriptionLabel(const ReportFacts& facts, const std::string& id) {
    for (const AffectedSubscription& a : facts.summary.subscriptions)
        if (a.subscription_id == id && !a.name.empty()) return id + " \"" + a.name + "\"";
    return id;
}

// Short description of a finding for comments and lists: "HIGH virtualmachines NAME".
std::string Headline(const ResourceFinding& f, Language language) {
    std::string severity(ToString(f.severity));
    if (language == Language::kJapanese)
        severity = f.severity == Severity::kHigh     ? "重大度 高"
                   : f.severity == Severity::kMedium ? "重大度 中"
                                                     : "重大度 低";
    else
        for (char& c : severity) c = static_cast<char>(c - 32);
    return severity + " " + ShortResourceType(f.resource_type) + " " + DisplayName(f);
}

// DescribePrincipal in the pack's language.
std::string Who(const Principal& p, Language language) {
    if (language != Language::kJapanese) return DescribePrincipal(p);
    std::string out = p.name.empty() ? "不明な呼び出し元" : p.name;
    if (p.type == "service_principal") out += "（サービス プリンシパル）";
    if (p.type == "managed_identity") out += "（マネージド ID）";
    if (p.type == "application") out += "（アプリケーション）";
    return out;
}

// Findings by resource id (ids are unique in a result).
std::map<std::string_view, const ResourceFinding*> FindingsById(const InvestigationResult& result) {
    std::map<std::string_view, const ResourceFinding*> index;
    for (const ResourceFinding& f : result.resources) index.emplace(f.resource_id, &f);
    return index;
}

} // namespace

std::string ShellQuote(std::string_view word) {
    std::string out = "'";
    for (char c : word) {
        if (c == '\'')
            out += "'\\''";
        else
            out += c;
    }
    out += '\'';
    return out;
}

std::string PackFileName(std::string_view base, Language language) {
    if (language == Language::kEnglish) return std::string(base);
    size_t dot = base.rfind('.');
    if (dot == std::string_view::npos) return std::string(base) + ".ja";
    return std::string(base.substr(0, dot)) + ".ja" + std::string(base.substr(dot));
}

void WriteSupportRequest(std::ostream& out, const ReportContext& context, Language language) {
    const Lang L{language == Language::kJapanese};
    const ReportFacts& facts = CachedFacts(context);
    const ReportSummary& s = facts.summary;
    const InvestigationResult& result = context.result;
    std::string t;
    t += L("Title: Cryptocurrency mining notification\n\n",
           "件名: Cryptocurrency mining notification（暗号資産マイニングに関する通知）\n\n");
    t += L("[Draft written by minetrace ", "[minetrace ");
    t += kVersion;
    t += L(" from ", " が ");
    t += N(context.files.size());
    t +=
        L(" input files. Review and complete it before sending.]\n\n",
          " 個の入力ファイルから作成した下書きです。送信前に内容を確認し、補足してください。]\n\n");

    t += L("Summary\n", "概要\n");
    t += L("We received a notification of cryptocurrency mining in the Azure subscriptions "
           "below. Our review of the Azure activity logs and Partner Center audit records found ",
           "以下の Azure サブスクリプションで暗号資産マイニングが検出されたとの通知を受けました。"
           "Azure アクティビティ ログと Partner Center 監査レコードを調査した結果、");
    if (language == Language::kJapanese) {
        t += "不審なリソースが " + N(s.high + s.medium + s.low) + " 件（重大度 高: " + N(s.high) +
             " 件、中: " + N(s.medium) + " 件、低: " + N(s.low) + " 件）見つかりました";
        if (s.first_us >= 0)
            t += "。重大度が中以上の活動は " + ReportTime(s.first_us) + " から " +
                 ReportTime(s.last_us) + " の間に行われています";
        t += "。\n\n";
    } else {
        t += N(s.high + s.medium + s.low) + " suspicious resources (" + N(s.high) + " high, " +
             N(s.medium) + " medium, " + N(s.low) + " low severity)";
        if (s.first_us >= 0)
            t += "; the medium and high severity activity took place between " +
                 ReportTime(s.first_us) + " and " + ReportTime(s.last_us);
        t += ".\n\n";
    }

    t += L("Affected subscriptions\n", "影響を受けるサブスクリプション\n");
    size_t listed = 0;
    for (const AffectedSubscription& a : s.subscriptions) {
        if (a.high + a.medium == 0) continue;
        ++listed;
        t += "- " + Safe(a.subscription_id.empty() ? "(no subscription id)" : a.subscription_id);
        if (language == Language::kJapanese) {
            t += a.name.empty() ? "（名前は入力に含まれていません）" : "「" + Safe(a.name) + "」";
            if (a.finding) {
                const SubscriptionFinding& f = *a.finding;
                t += "（顧客: " + Safe(f.customer_name.empty() ? "-" : f.customer_name);
                if (!f.created_by.empty())
                    t += "。Partner Center で " + Safe(f.created_by) + " が " +
                         ReportTime(f.created_at_us) + " に作成";
                if (!f.order_id.empty()) t += "、注文 " + Safe(f.order_id);
                t += "）";
            }
            t += " 重大度 高: " + N(a.high) + " 件、中: " + N(a.medium) + " 件\n";
        } else {
            t += a.name.empty() ? " (name not in the input)" : " \"" + Safe(a.name) + "\"";
            if (a.finding) {
                const SubscriptionFinding& f = *a.finding;
                t += " (customer: " + Safe(f.customer_name.empty() ? "-" : f.customer_name);
                if (!f.created_by.empty())
                    t += "; created in Partner Center by " + Safe(f.created_by) + " on " +
                         ReportTime(f.created_at_us);
                if (!f.order_id.empty()) t += ", order " + Safe(f.order_id);
                t += ")";
            }
            t += ": " + N(a.high) + " high, " + N(a.medium) + " medium\n";
        }
    }
    if (listed == 0) t += L("- none\n", "- なし\n");

    t += L("\nWhat we found\n", "\n調査で判明した事項\n");
    for (const Creator& c : s.creators) {
        const Principal& p = c.identity;
        if (language == Language::kJapanese) {
            t += "- " + Safe(p.name) + "（" +
                 (p.type == "service_principal"  ? std::string("サービス プリンシパル")
                  : p.type == "managed_identity" ? std::string("マネージド ID")
                  : p.type == "user"             ? std::string("ユーザー")
                                                 : Safe(p.type));
            if (!p.app_id.empty()) t += "、アプリケーション ID " + Safe(p.app_id);
            if (!p.object_id.empty()) t += "、オブジェクト ID " + Safe(p.object_id);
            t += "）が";
            if (!p.ip.empty()) t += " IP アドレス " + Safe(p.ip) + " から";
            t += "重大度が中以上のリソースを " + N(c.resources) +
                 " 件作成しました（最初: " + ReportTime(c.first_us) +
                 "、最後: " + ReportTime(c.last_us) + "）。\n";
        } else {
            t += "- " + Safe(DescribePrincipal(p));
            if (!p.app_id.empty()) t += ", app id " + Safe(p.app_id);
            if (!p.object_id.empty()) t += ", object id " + Safe(p.object_id);
            t += ", created " + N(c.resources) + " medium/high severity resource" +
                 (c.resources == 1 ? "" : "s");
            if (!p.ip.empty()) t += " from IP " + Safe(p.ip);
            t += " (first " + ReportTime(c.first_us) + ", last " + ReportTime(c.last_us) + ").\n";
        }
    }
    std::set<std::string> grants;
    for (const ResourceFinding& f : result.resources) {
        if (!Serious(f) || !f.authorized_by) continue;
        const Grant& g = *f.authorized_by;
        if (!grants.insert(g.assignment_id).second) continue;
        // Name the grantee by the creator it became, when it is one.
        std::string grantee = g.principal_id;
        for (const Creator& c : s.creators)
            if (!g.principal_id.empty() && c.identity.object_id == g.principal_id)
                grantee = Who(c.identity, language);
        if (g.source == "evidence") {
            t += language == Language::kJapanese
                     ? "- " + Safe(grantee) + " は " + Safe(g.role) + " ロールの割り当て " +
                           Safe(g.assignment_id) +
                           " の権限で操作しました（呼び出しの承認情報による。割り当ての記録はログに"
                           "あり"
                           "ません）。\n"
                     : "- " + Safe(grantee) + " acted under the " + Safe(g.role) +
                           " role assignment " + Safe(g.assignment_id) +
                           " (named by the calls' authorization evidence; the grant's own records "
                           "are not in the logs).\n";
            continue;
        }
        if (language == Language::kJapanese)
            t += "- " + Safe(grantee) + " は " + ReportTime(g.at_us) + " に " +
                 Safe(Who(g.granted_by, language)) + " から " + Safe(g.role) +
                 " ロールを付与されていました（スコープ " + Safe(g.scope) + "）。\n";
        else
            t += "- " + Safe(grantee) + " had been granted the " + Safe(g.role) + " role by " +
                 Safe(DescribePrincipal(g.granted_by)) + " at " + ReportTime(g.at_us) + " (scope " +
                 Safe(g.scope) + ").\n";
    }
    t += L("- Resources (medium and high severity):\n", "- 不審なリソース（重大度 中以上）:\n");
    for (const ResourceFinding& f : result.resources) {
        if (!Serious(f)) continue;
        t += "  - " + ReportTime(f.created_at_us) + " " + Safe(Headline(f, language));
        auto size = f.details.find("vm_size");
        if (size != f.details.end()) t += " (" + Safe(size->second) + ")";
        auto region = f.details.find("location");
        if (region != f.details.end()) t += " " + Safe(region->second);
        if (f.status == "deleted")
            t += L(", deleted ", "、削除 ") + ReportTime(f.deleted_at_us);
        else if (f.status == "failed")
            t += L(", creation failed", "、作成失敗");
        t += "\n";
    }

    // Open questions: the standing ones, then those the findings raise.
    t += L("\nOpen questions\n", "\n確認したい事項\n");
    int q = 0;
    auto ask = [&](const std::string& text) { t += std::to_string(++q) + ". " + text + "\n"; };
    ask(L(
        "Please confirm the account standing of each affected subscription (active, suspended "
        "or restricted) and what is needed to restore it.",
        "各サブスクリプションのアカウントの状態（有効、停止、制限）と、復旧に必要な手続きを教えてく"
        "ださい。"));
    std::string span = s.first_us < 0
                           ? std::string(L("the period above", "上記の期間"))
                           : ReportTime(s.first_us) + L(" to ", " から ") + ReportTime(s.last_us);
    ask(language == Language::kJapanese
            ? span + " の期間に上記リソースで発生した使用料金をご確認ください。また、不正利用に"
                     "よる請求の調整が可能かどうかを教えてください。"
            : "Please confirm the usage charged for these resources from " + span +
                  ", and whether the charges from this fraudulent use can be adjusted.");
    std::vector<std::string> hidden, alive;
    std::set<std::string> foreign;
    for (const ResourceFinding& f : result.resources) {
        if (!Serious(f)) continue;
        if (!f.content_unavailable.empty()) {
            hidden.push_back(Safe(DisplayName(f)));
        }
        bool child = IsExtensionOrRunCommand(f.resource_type) ||
                     f.resource_type == "microsoft.resources/deployments";
        if (f.status == "created" && !child) alive.push_back(Safe(f.name));
        if (f.created_by && f.created_by->foreign_tenant)
            foreign.insert(Safe(f.created_by->name + " / " + f.created_by->tenant_id));
    }
    auto join = [](const std::vector<std::string>& v, const char* sep) {
        std::string joined;
        for (const std::string& x : v) joined += (joined.empty() ? "" : sep) + x;
        return joined;
    };
    if (!hidden.empty())
        ask(language == Language::kJapanese
                ? "次の拡張機能または実行コマンドの内容はアクティビティ "
                  "ログに記録されていません: " +
                      join(hidden, "、") +
                      "。実行された内容を提供いただけるか、入手方法を教えてく"
                      "ださい。"
                : "The commands run by these extensions or run commands are not in the activity "
                  "log: " +
                      join(hidden, ", ") +
                      ". Can you provide what they ran, or tell us how to obtain it?");
    if (!alive.empty())
        ask(language == Language::kJapanese
                ? "次のリソースはログ上まだ削除されていません: " + join(alive, "、") +
                      "。停止・削除する予定ですが、調査のために保全が必要な場合はお知らせくださ"
                      "い。"
                : "These resources were not deleted in the logs: " + join(alive, ", ") +
                      ". We intend to stop and delete them; please tell us if Microsoft needs "
                      "them preserved for its investigation.");
    for (const AffectedSubscription& a : s.subscriptions) {
        if (a.high + a.medium == 0 || (a.finding && !a.finding->created_by.empty())) continue;
        ask(language == Language::kJapanese
                ? "サブスクリプション " + Safe(a.subscription_id) +
                      " を作成した記録が、入力した Partner Center 監査レコードに見つかりませんでし"
                      "た。作成日時と作成者をご確認いただけますか。"
                : "The Partner Center audit records we have do not show who created subscription " +
                      Safe(a.subscription_id) +
                      ". Can you confirm when and by whom it was created?");
    }
    for (const std::string& who : foreign)
        ask(language == Language::kJapanese
                ? "他のテナントのプリンシパル（" + who +
                      "）がリソースを作成しています。このテナントを特定できますか。"
                : "A principal of another tenant (" + who +
                      ") created resources. Can you identify that tenant?");
    for (const Creator& c : s.creators)
        ask(language == Language::kJapanese
                ? "プリンシパル " + Safe(Who(c.identity, language)) +
                      " によるその他の活動（サインイン、他のサブスクリプションでの操作）を "
                      "Microsoft "
                      "側で検出していますか。"
                : "Has Microsoft seen other activity (sign-ins, other subscriptions) by " +
                      Safe(DescribePrincipal(c.identity)) + "?");

    t += L("\nEvidence\n", "\n証拠\n");
    t +=
        L("The attached report (report.html, report.md) lists every record behind these facts "
          "with its file, line, byte offset and SHA-256; manifest.json lists the SHA-256 of "
          "every input file.\n",
          "添付のレポート（report.html、report.md）に、これらの事実の根拠となる各レコードのファイル"
          "名、行、バイト オフセット、SHA-256 を記載しています。manifest.json には各入力ファイルの "
          "SHA-256 を記載しています。\n");
    out << t;
}

void WriteContainmentScript(std::ostream& out, const ReportContext& context, Language language) {
    const Lang L{language == Language::kJapanese};
    const InvestigationResult& result = context.result;
    const ReportFacts& facts = CachedFacts(context);
    std::string t = "#!/usr/bin/env bash\n";
    t += L("# containment.sh: written by minetrace ", "# containment.ja.sh: minetrace ");
    t += kVersion;
    t += L(" FOR REVIEW ONLY.\n", " が作成した確認用スクリプトです。\n");
    t += L(
        "#\n"
        "# minetrace never runs this script. It lists the az CLI commands that stop (deallocate)\n"
        "# and then delete the resources the investigation identified (medium and high\n"
        "# severity), grouped by subscription. Read every command, remove what must be kept\n"
        "# (evidence, legitimate workloads), then run the rest yourself with an account that\n"
        "# has the rights. Deleting is irreversible: snapshot disks or export what you need as\n"
        "# evidence first. Resource ids are single-quoted, so names from the logs cannot run\n"
        "# shell code; names in comments have control characters escaped.\n",
        "#\n"
        "# minetrace がこのスクリプトを実行することはありません。調査で特定したリソース（重大度\n"
        "# 中以上）を停止（割り当て解除）してから削除する az CLI コマンドを、サブスクリプション\n"
        "# ごとにまとめています。すべてのコマンドを確認し、残すべきもの（証拠、正当なワーク\n"
        "# ロード）を取り除いてから、権限のあるアカウントで実行してください。削除は元に戻せま\n"
        "# せん。先にディスクのスナップショットを取得するなど、証拠として必要なものを保全して\n"
        "# ください。リソース ID は単一引用符で囲んでいるため、ログ由来の名前がシェルコードとし\n"
        "# て実行されることはありません。コメント内の名前は制御文字をエスケープしています。\n");
    t += "set -euo pipefail\n\n";
    t += L("echo 'containment.sh: review this script first, then delete the next line to run it.' "
           ">&2\n",
           "echo 'containment.ja.sh: 内容を確認してから次の行を削除して実行してください。' >&2\n");
    t += "exit 1\n";

    const auto by_id = FindingsById(result);
    // Group by subscription, in id order.
    std::map<std::string, std::vector<const ResourceFinding*>> by_subscription;
    for (const ResourceFinding& f : result.resources)
        by_subscription[f.subscription_id].push_back(&f);
    for (const auto& [subscription, findings] : by_subscription) {
        std::vector<std::string> stop, revoke, remove, done, skipped, routine;
        auto comment = [&](const ResourceFinding& f, const std::string& note) {
            return "# " + Safe(Headline(f, language)) + (note.empty() ? "" : ": " + note) + "\n";
        };
        for (const ResourceFinding* fp : findings) {
            const ResourceFinding& f = *fp;
            const std::string& type = f.resource_type;
            if (!Serious(f)) {
                routine.push_back(comment(
                    f, L("low severity, likely routine; review in report.html",
                         "重大度 低（通常の操作の可能性が高い）。report.html で確認してください")));
                continue;
            }
            if (f.status == "failed") {
                done.push_back(comment(f, L("the creation failed; nothing to delete",
                                            "作成に失敗しているため削除は不要です")));
                continue;
            }
            if (f.status == "deleted") {
                done.push_back(comment(f, std::string(L("already deleted at ", "削除済み: ")) +
                                              ReportTime(f.deleted_at_us)));
                continue;
            }
            if (type == "microsoft.resources/deployments") {
                done.push_back(comment(
                    f, L("a deployment record; deleting it removes nothing, keep it as evidence",
                         "デプロイの記録です。削除してもリソースは消えないため、証拠として残してく"
                         "ださい")));
                continue;
            }
            if (!Quotable(f.resource_id) || (!subscription.empty() && !Quotable(subscription))) {
                skipped.push_back(comment(f, L("skipped: its id contains control characters or "
                                               "invalid UTF-8, so it is no real ARM id",
                                               "スキップ: ID に制御文字または不正な UTF-8 "
                                               "が含まれており、正しい ARM ID ではありません")));
                continue;
            }
            const std::string id = ShellQuote(f.resource_id);
            if (f.pre_existing && !f.created_by) {
                // It existed before the logs (production, perhaps): stop it or undo the change,
                // never delete it; what was added to it is removed as its own finding.
                std::string why =
                    comment(f, std::string(L("existed before these logs (first seen ",
                                             "ログの期間より前から存在 (初出 ")) +
                                   ReportTime(f.first_seen_us) + ")" +
                                   (f.actor ? std::string(L("; changed by ", "; 変更者 ")) +
                                                  Safe(Who(*f.actor, language)) + " " +
                                                  ReportTime(f.acted_at_us) + ": " + Safe(f.act)
                                            : std::string()));
                why += L("# Not deleted: minetrace never proposes deleting what it did not see "
                         "created.\n",
                         "# 削除しません: 作成が記録されていないリソースの削除は提案しません。\n");
                if (!f.identity_used_for.empty())
                    why +=
                        L("# It owns the managed identity behind other findings (see "
                          "identity_used_for): whatever runs on it holds that identity. "
                          "Snapshot its disks for forensics before stopping it, and revoke the "
                          "identity's role assignments.\n",
                          "# 他の検出結果の操作を行ったマネージド ID の所有リソースです "
                          "(identity_used_for)。停止前にフォレンジック用にディスクのスナップショッ"
                          "トを取得し、その ID のロール割り当てを取り消してください。\n");
                auto capacity = f.size_changes.find("capacity");
                bool scale_back = capacity != f.size_changes.end() &&
                                  !capacity->second.values.before.empty() &&
                                  Quotable(capacity->second.values.before) &&
                                  std::all_of(capacity->second.values.before.begin(),
                                              capacity->second.values.before.end(),
                                              [](char c) { return c >= '0' && c <= '9'; });
                if (f.act.find("/runcommand/action") != std::string::npos)
                    why += L("# A run command ran on it: inspect the host for what it left "
                             "(a run command leaves no resource to remove).\n",
                             "# 実行コマンドが実行されました: ホストに残されたものを調査してくだ"
                             "さい (実行コマンドは削除できるリソースを残しません)。\n");
                if (type == "microsoft.compute/virtualmachinescalesets" && scale_back) {
                    stop.push_back(why +
                                   L("# Back to the capacity it had before the change:\n",
                                     "# 変更前の容量に戻します:\n") +
                                   "az vmss scale --ids " + id + " --new-capacity " +
                                   capacity->second.values.before + "\n");
                } else if (type == "microsoft.compute/virtualmachinescalesets") {
                    stop.push_back(why + "az vmss deallocate --ids " + id + "\n");
                } else if (type == "microsoft.compute/virtualmachines") {
                    stop.push_back(why + "az vm deallocate --ids " + id + "\n");
                } else if (type == "microsoft.containerinstance/containergroups") {
                    stop.push_back(why + "az container stop --ids " + id + "\n");
                } else if (type == "microsoft.containerservice/managedclusters") {
                    stop.push_back(why + "az aks stop --ids " + id + "\n");
                } else {
                    done.push_back(why + L("# Review the change in report.html and undo it by "
                                           "hand.\n",
                                           "# report.html で変更内容を確認し、手作業で元に戻してく"
                                           "ださい。\n"));
                }
                continue;
            }
            std::string head =
                comment(f, std::string(L("created ", "作成 ")) + ReportTime(f.created_at_us) +
                               (f.created_by ? " " + Safe(Who(*f.created_by, language)) : ""));
            if (IsExtensionOrRunCommand(type)) {
                auto found = f.parent.empty() ? by_id.end() : by_id.find(f.parent);
                const ResourceFinding* parent = found == by_id.end() ? nullptr : found->second;
                if (parent && parent->status == "deleted") {
                    done.push_back(
                        comment(f, L("deleted with its parent", "親リソースとともに削除済み")));
                } else if (parent && Serious(*parent) && parent->status == "created" &&
                           parent->created_by) {
                    done.push_back(comment(f, L("removed when its parent is deleted below",
                                                "下記で親リソースを削除すると一緒に削除されます")));
                } else {
                    remove.push_back(head + "az resource delete --ids " + id + "\n");
                }
            } else if (type == "microsoft.compute/virtualmachines") {
                stop.push_back(head + "az vm deallocate --ids " + id + "\n");
                remove.push_back(head + "az vm delete --ids " + id + " --yes\n");
            } else if (type == "microsoft.compute/virtualmachinescalesets") {
                stop.push_back(head + "az vmss deallocate --ids " + id + "\n");
                remove.push_back(head + "az vmss delete --ids " + id + "\n");
            } else if (type == "microsoft.containerinstance/containergroups") {
                stop.push_back(head + "az container stop --ids " + id + "\n");
                remove.push_back(head + "az container delete --ids " + id + " --yes\n");
            } else if (type == "microsoft.containerservice/managedclusters") {
                stop.push_back(head + "az aks stop --ids " + id + "\n");
                remove.push_back(head + "az aks delete --ids " + id + " --yes\n");
            } else if (type == "microsoft.authorization/roleassignments") {
                revoke.push_back(head + "az role assignment delete --ids " + id + "\n");
            } else if (type == "microsoft.resources/resourcegroups") {
                remove.push_back(head +
                                 L("# Deletes EVERYTHING in the group. Uncomment only if the whole "
                                   "group is the attacker's.\n",
                                   "# "
                                   "グループ内のすべてが削除されます。グループ全体が攻撃者のもので"
                                   "ある場合のみコメントを外してください。\n") +
                                 "# az group delete --name " + ShellQuote(f.name) +
                                 " --subscription " + ShellQuote(subscription) + " --yes\n");
            } else {
                remove.push_back(head + "az resource delete --ids " + id + "\n");
            }
        }
        // The grants the serious findings were made under, where the grant is no finding of its
        // own (its records outside the logs, or not rated): revoking them is part of the plan.
        std::set<std::string> planned;
        for (const ResourceFinding* fp : findings)
            if (fp->resource_type == "microsoft.authorization/roleassignments")
                planned.insert(fp->resource_id);
        for (const ResourceFinding* fp : findings) {
            const ResourceFinding& f = *fp;
            if (!Serious(f) || !f.authorized_by) continue;
            const Grant& g = *f.authorized_by;
            if (g.assignment_id.empty() || !Quotable(g.assignment_id) ||
                !planned.insert(g.assignment_id).second)
                continue;
            std::string note =
                "# " + Safe(g.role) + L(" granted to ", " の付与先 ") +
                Safe((EqualsIgnoreCase(g.principal_type, "Group") ? "group " : "") +
                     g.principal_id) +
                L(", used by ", "、使用したリソース ") + Safe(Headline(f, language)) +
                (g.source == "evidence"
                     ? L(" (named by the authorization evidence; its grant record is not in the "
                         "logs)",
                         "（承認情報による。割り当ての記録はログにありません）")
                     : "") +
                "\n";
            if (EqualsIgnoreCase(g.principal_type, "Group"))
                note +=
                    L("# The role was granted to a group: its members are not in the activity "
                      "log; check them in Entra ID before revoking.\n",
                      "# ロールはグループに付与されています。メンバーはアクティビティ ログにあり"
                      "ません。取り消す前に Entra ID で確認してください。\n");
            revoke.push_back(note + "az role assignment delete --ids " +
                             ShellQuote(g.assignment_id) + "\n");
        }
        t += "\n# ==== " + std::string(L("Subscription ", "サブスクリプション ")) +
             Safe(SubscriptionLabel(facts, subscription)) + " ====\n";
        bool actionable = !stop.empty() || !revoke.empty() || !remove.empty();
        if (actionable && !subscription.empty() && Quotable(subscription))
            t += "az account set --subscription " + ShellQuote(subscription) + "\n";
        auto section = [&](const char* title, const std::vector<std::string>& lines) {
            if (lines.empty()) return;
            t += std::string("\n# --- ") + title + " ---\n";
            for (const std::string& line : lines) t += line;
        };
        section(L("1. Stop: deallocate compute so it stops mining and billing",
                  "1. 停止: コンピューティングを割り当て解除し、マイニングと課金を止めます"),
                stop);
        section(L("2. Revoke the rights that were used", "2. 使用された権限を取り消します"),
                revoke);
        section(L("3. Delete", "3. 削除"), remove);
        section(L("Nothing to do", "対応不要"), done);
        section(L("Skipped", "スキップ"), skipped);
        section(L("Not included", "対象外"), routine);
    }
    if (by_subscription.empty())
        t += L("\n# No suspicious resource was found: nothing to contain.\n",
               "\n# 不審なリソースは見つかりませんでした。封じ込めの対象はありません。\n");
    t += L(
        "\n# Also: reset or remove the credentials of the service principals named in\n"
        "# report.html (az ad app credential list / delete --id APP_ID) and review the\n"
        "# Entra ID sign-in and audit logs for how they were obtained.\n",
        "\n# あわせて: report.html に記載したサービス "
        "プリンシパルの資格情報をリセットまたは削除し\n"
        "# （az ad app credential list / delete --id アプリケーション ID）、Entra ID のサインイン\n"
        "# ログと監査ログで、資格情報がどのように入手されたかを確認してください。\n");
    out << t;
}

void WriteNextSteps(std::ostream& out, const ReportContext& context, Language language) {
    const Lang L{language == Language::kJapanese};
    const ReportFacts& facts = CachedFacts(context);
    const ReportSummary& s = facts.summary;
    std::string t;
    t += L("# Next steps after a crypto-mining notification\n\n",
           "# 暗号資産マイニングの通知を受けた後の対応手順\n\n");
    t += L("Written by minetrace ", "minetrace ");
    t += kVersion;
    t += L(" with the findings of this investigation (report.html).\n\n",
           " が今回の調査結果（report.html）をもとに作成しました。\n\n");
    t += L("Affected subscriptions:\n\n", "影響を受けるサブスクリプション:\n\n");
    size_t listed = 0;
    for (const AffectedSubscription& a : s.subscriptions) {
        if (a.high + a.medium == 0) continue;
        ++listed;
        t += "- ";
        AppendMarkdownEscaped(t, a.subscription_id.empty() ? "(no subscription id)"
                                                           : a.subscription_id);
        if (!a.name.empty()) {
            t += " (";
            AppendMarkdownEscaped(t, a.name);
            t += ")";
        }
        t += "\n";
    }
    if (listed == 0) t += L("- none\n", "- なし\n");
    std::string span;
    if (s.first_us >= 0)
        span = ReportTime(s.first_us) + L(" to ", " から ") + ReportTime(s.last_us);

    t += L(
        "\n## 1. Confirm the customer's account standing\n\n"
        "In Partner Center, open the customer and check whether each subscription above is "
        "active, suspended or disabled: Microsoft may have suspended it after the "
        "notification. If it is suspended, open a support request (support-request.txt is a "
        "draft) and ask what is needed to restore it. Tell the customer's administrators what "
        "happened and agree on who contains the incident.\n",
        "\n## 1. 顧客のアカウントの状態を確認する\n\n"
        "Partner Center で該当する顧客を開き、上記の各サブスクリプションが有効か、停止または無効に"
        "なっていないかを確認します。通知の後、Microsoft がサブスクリプションを停止している場合があ"
        "ります。停止されている場合はサポート リクエストを作成し（support-request.ja.txt が下書きで"
        "す）、復旧に必要な手続きを確認してください。顧客の管理者に経緯を伝え、誰が封じ込めを行う"
        "かを取り決めます。\n");
    t += L(
        "\n## 2. Review usage for sudden spikes\n\n"
        "In Partner Center (billing, unbilled usage) or Cost Management, look for sudden rises "
        "in compute usage",
        "\n## 2. 使用量の急増を確認する\n\n"
        "Partner Center（請求、未請求の使用量）または Cost Management で、コンピューティング使用量"
        "の急増を確認します");
    if (!span.empty()) t += L(" around ", "（特に ") + span + L("", " の期間）");
    t += L(
        ": GPU and Spot virtual machines, scale sets, Batch pools and container instances, in "
        "every region. Set a spending budget for the customer so that a repeat is noticed "
        "within hours, not at the end of the billing period.\n",
        "。GPU や Spot の仮想マシン、スケール セット、Batch プール、コンテナー インスタンスを、すべ"
        "てのリージョンについて確認してください。再発時に請求期間の終わりではなく数時間以内に気づ"
        "けるよう、顧客に支出予算（アラート）を設定してください。\n");
    t += L(
        "\n## 3. Review resource provisioning in the activity logs\n\n"
        "report.html lists every suspicious resource with its creator, the rights used and "
        "the preparation (quota requests, provider registrations, failed attempts). Export "
        "the activity logs of every subscription of this customer for the last 90 days (the "
        "activity log's retention) before they expire, and run minetrace on them too: the "
        "same principal or IP address may have acted elsewhere. Check the Entra ID sign-in "
        "and audit logs for the creators: new credentials on a service principal, new role "
        "assignments, sign-ins from unexpected places.\n",
        "\n## 3. アクティビティ ログでリソースの作成状況を確認する\n\n"
        "report.html に、不審なリソースごとの作成者、使用された権限、準備行為（クォータ引き上げ要"
        "求、リソース プロバイダーの登録、失敗した作成の試行）を記載しています。アクティビティ ロ"
        "グの保持期間は 90 日のため、期限切れになる前にこの顧客のすべてのサブスクリプションのログを"
        "エクスポートし、minetrace で同様に調査してください。同じプリンシパルや IP アドレスが別の場"
        "所でも操作している可能性があります。作成者について Entra ID のサインイン ログと監査ログ"
        "も確認します（サービス プリンシパルへの新しい資格情報、新しいロール割り当て、想定外の場所"
        "からのサインイン）。\n");
    t += L("\n## 4. Check who created the subscription in Partner Center\n\n",
           "\n## 4. Partner Center でサブスクリプションの作成者を確認する\n\n");
    t += L(
        "The Partner Center audit log (account settings, audit log, or the audit records API) "
        "shows who ordered each subscription. From the records given to minetrace:\n\n",
        "Partner Center の監査ログ（アカウント設定の監査ログ、または監査レコード API）で、各サブス"
        "クリプションを注文したユーザーを確認できます。minetrace に入力したレコードでは次のとおり"
        "です。\n\n");
    for (const AffectedSubscription& a : s.subscriptions) {
        if (a.high + a.medium == 0) continue;
        t += "- ";
        AppendMarkdownEscaped(t, a.subscription_id);
        t += ": ";
        if (a.finding && !a.finding->created_by.empty()) {
            if (language == Language::kJapanese) {
                AppendMarkdownEscaped(t, a.finding->created_by);
                t += " が " + ReportTime(a.finding->created_at_us) + " に作成";
            } else {
                t += "created by ";
                AppendMarkdownEscaped(t, a.finding->created_by);
                t += " on " + ReportTime(a.finding->created_at_us);
            }
        } else {
            t += L("no creation record in the input: search the audit log for it",
                   "入力に作成の記録がありません。監査ログで検索してください");
        }
        t += "\n";
    }
    t += L(
        "\nIf the creator is not someone who should order subscriptions, review the partner "
        "tenant's own accounts as well (MFA, admin relationships with the customer).\n",
        "\n作成者がサブスクリプションを注文する立場の人でない場合は、パートナー テナント側のアカウ"
        "ント（MFA、顧客との管理者関係）もあわせて確認してください。\n");
    t += L(
        "\n## 5. Contain\n\n"
        "Review containment.sh: it stops and deletes the resources identified, grouped by "
        "subscription. minetrace never runs it. Preserve evidence (disk snapshots, the logs and "
        "this report with its manifest.json hashes) before deleting.\n",
        "\n## 5. 封じ込める\n\n"
        "containment.ja.sh を確認してください。特定したリソースをサブスクリプションごとに停止・削除"
        "するコマンドです。minetrace がこれを実行することはありません。削除の前に証拠（ディスクの"
        "スナップショット、ログ、manifest.json "
        "のハッシュを含むこのレポート）を保全してください。\n");
    t += L(
        "\n## 6. Where to report abuse\n\n"
        "- Microsoft: open a support request in Partner Center for the affected subscriptions "
        "(support-request.txt), and report abuse of Azure services to the Microsoft Security "
        "Response Center: https://msrc.microsoft.com/report/abuse\n"
        "- The source IP addresses in report.html: the abuse contact of the network that owns "
        "them (whois).\n"
        "- Your national CERT or the police, when the customer decides to file a complaint.\n",
        "\n## 6. 不正利用の報告先\n\n"
        "- Microsoft: 影響を受けるサブスクリプションについて Partner Center でサポート リクエスト"
        "を作成し（support-request.ja.txt）、Azure サービスの不正利用を Microsoft Security "
        "Response "
        "Center に報告します: https://msrc.microsoft.com/report/abuse\n"
        "- report.html に記載した接続元 IP アドレス: そのアドレスを管理するネットワークの不正利用"
        "窓口（whois で確認）。\n"
        "- JPCERT/CC（インシデント報告: https://www.jpcert.or.jp/form/ ）、および顧客が被害届を出す"
        "場合は警察。\n");
    out << t;
}

} // namespace minetrace
