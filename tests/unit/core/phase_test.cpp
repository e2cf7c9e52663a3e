#include "core/phase.hpp"

#include <catch2/catch.hpp>
#include <string>

using minetrace::ParsePhase;
using minetrace::Phase;

namespace {

void CheckAll(std::initializer_list<const char*> spellings, Phase expected) {
    for (const char* text : spellings) {
        INFO("spelling: " << text);
        CHECK(ParsePhase(text) == expected);
    }
}

} // namespace

TEST_CASE("Phase: English ARM and Log Analytics spellings", "[core]") {
    CheckAll({"Start", "Started", "BeginRequest", "started", "STARTED", "  Started \t"},
             Phase::kStarted);
    CheckAll({"Accept", "Accepted", "accepted", "ACCEPTED"}, Phase::kAccepted);
    CheckAll({"Success", "Succeeded", "Succeed", "succeeded", "SUCCESS"}, Phase::kSucceeded);
    CheckAll({"Failure", "Failed", "Fail", "failed", "FAILURE"}, Phase::kFailed);
}

TEST_CASE("Phase: resultSignature uses the part before the dot", "[core]") {
    CHECK(ParsePhase("Succeeded.Created") == Phase::kSucceeded);
    CHECK(ParsePhase("Succeeded.OK") == Phase::kSucceeded);
    CHECK(ParsePhase("Failed.Conflict") == Phase::kFailed);
    CHECK(ParsePhase("Failed.NotFound") == Phase::kFailed);
    CHECK(ParsePhase("Started.") == Phase::kStarted);
    CHECK(ParsePhase("Accepted.Accepted") == Phase::kAccepted);
    CHECK(ParsePhase(".Succeeded") == Phase::kOther);
}

TEST_CASE("Phase: Partner Center operationStatus", "[core]") {
    CHECK(ParsePhase("succeeded") == Phase::kSucceeded);
    CHECK(ParsePhase("failed") == Phase::kFailed);
    CHECK(ParsePhase("progress") == Phase::kStarted);
    CHECK(ParsePhase("decline") == Phase::kFailed);
}

TEST_CASE("Phase: localized legacy portal values", "[core]") {
    // German
    CheckAll({"Gestartet"}, Phase::kStarted);
    CheckAll({"Akzeptiert", "Angenommen"}, Phase::kAccepted);
    CheckAll({"Erfolgreich", "Erfolg"}, Phase::kSucceeded);
    CheckAll({"Fehler", "Fehlgeschlagen"}, Phase::kFailed);
    // French (accented capitals fold too)
    CheckAll({"Démarré", "DÉMARRÉ"}, Phase::kStarted);
    CheckAll({"Accepté"}, Phase::kAccepted);
    CheckAll({"Réussi", "Réussite"}, Phase::kSucceeded);
    CheckAll({"Échec", "échec", "ÉCHEC", "Échoué"}, Phase::kFailed);
    // Spanish
    CheckAll({"Iniciado"}, Phase::kStarted);
    CheckAll({"Aceptado"}, Phase::kAccepted);
    CheckAll({"Correcto", "Realizado correctamente", "Realizado  correctamente"},
             Phase::kSucceeded);
    CheckAll({"Error", "Con error"}, Phase::kFailed);
    // Italian
    CheckAll({"Avviato"}, Phase::kStarted);
    CheckAll({"Accettato"}, Phase::kAccepted);
    CheckAll({"Riuscito", "Operazione riuscita"}, Phase::kSucceeded);
    CheckAll({"Non riuscito", "Errore"}, Phase::kFailed);
    // Portuguese
    CheckAll({"Iniciada"}, Phase::kStarted);
    CheckAll({"Aceito", "Aceite"}, Phase::kAccepted);
    CheckAll({"Êxito", "Bem-sucedido", "Concluído com êxito"}, Phase::kSucceeded);
    CheckAll({"Falha", "Com falha"}, Phase::kFailed);
    // Japanese
    CheckAll({"開始"}, Phase::kStarted);
    CheckAll({"受け入れ済み", "承認済み"}, Phase::kAccepted);
    CheckAll({"成功"}, Phase::kSucceeded);
    CheckAll({"失敗"}, Phase::kFailed);
    // Chinese (simplified and traditional)
    CheckAll({"已启动", "已啟動"}, Phase::kStarted);
    CheckAll({"已接受"}, Phase::kAccepted);
    CheckAll({"已成功"}, Phase::kSucceeded);
    CheckAll({"失败", "已失败"}, Phase::kFailed);
    // Korean
    CheckAll({"시작됨"}, Phase::kStarted);
    CheckAll({"수락됨"}, Phase::kAccepted);
    CheckAll({"성공"}, Phase::kSucceeded);
    CheckAll({"실패"}, Phase::kFailed);
    // Russian (Cyrillic capitals fold too)
    CheckAll({"Запущено"}, Phase::kStarted);
    CheckAll({"Принято"}, Phase::kAccepted);
    CheckAll({"Успешно", "УСПЕШНО"}, Phase::kSucceeded);
    CheckAll({"Сбой", "Ошибка"}, Phase::kFailed);
    // Dutch, Swedish, Polish, Turkish
    CheckAll({"Gestart", "Startad", "Rozpoczęto", "Başlatıldı"}, Phase::kStarted);
    CheckAll({"Geslaagd", "Lyckades", "Powodzenie", "Başarılı"}, Phase::kSucceeded);
    CheckAll({"Mislukt", "Misslyckades", "Niepowodzenie", "Başarısız"}, Phase::kFailed);
}

TEST_CASE("Phase: everything else is kOther", "[core]") {
    CheckAll({"Active", "Resolved", "Updated", "In Progress", "InProgress", "EndRequest", "", "   ",
              "200", "0", "None", "Succeeded2", "Startedx", "Succ eeded"},
             Phase::kOther);
    // Oversized or invalid UTF-8 input never matches and never overflows the fold buffer.
    CHECK(ParsePhase(std::string(10000, 'A')) == Phase::kOther);
    CHECK(ParsePhase(std::string(63, ' ') + "Succeeded") == Phase::kSucceeded);
    CHECK(ParsePhase("Succeeded" + std::string(100, ' ') + "x") == Phase::kOther);
    CHECK(ParsePhase("\xC3") == Phase::kOther);
    CHECK(ParsePhase("\xD0") == Phase::kOther);
    CHECK(ParsePhase("Succeeded\xFF") == Phase::kOther);
}
