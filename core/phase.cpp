#include "core/phase.hpp"

#include "core/escape.hpp"

#include <array>
#include <cstddef>

namespace minetrace {
namespace {

struct Spelling {
    std::string_view folded; // lowercase as produced by Fold()
    Phase phase;
};

// English spellings first: they are nearly every record, and the scan stops at the first match.
constexpr std::array kSpellings = {
    // English (ARM status, Log Analytics ActivityStatus, resultType, eventName, Partner Center).
    Spelling{"succeeded", Phase::kSucceeded},
    Spelling{"started", Phase::kStarted},
    Spelling{"accepted", Phase::kAccepted},
    Spelling{"failed", Phase::kFailed},
    Spelling{"success", Phase::kSucceeded},
    Spelling{"start", Phase::kStarted},
    Spelling{"accept", Phase::kAccepted},
    Spelling{"failure", Phase::kFailed},
    Spelling{"succeed", Phase::kSucceeded},
    Spelling{"successful", Phase::kSucceeded},
    Spelling{"fail", Phase::kFailed},
    Spelling{"beginrequest", Phase::kStarted},
    Spelling{"progress", Phase::kStarted},
    Spelling{"decline", Phase::kFailed},
    Spelling{"declined", Phase::kFailed},
    // German.
    Spelling{"gestartet", Phase::kStarted},
    Spelling{"begonnen", Phase::kStarted},
    Spelling{"akzeptiert", Phase::kAccepted},
    Spelling{"angenommen", Phase::kAccepted},
    Spelling{"erfolgreich", Phase::kSucceeded},
    Spelling{"erfolg", Phase::kSucceeded},
    Spelling{"fehler", Phase::kFailed},
    Spelling{"fehlgeschlagen", Phase::kFailed},
    Spelling{"fehlerhaft", Phase::kFailed},
    Spelling{"nicht erfolgreich", Phase::kFailed},
    // French.
    Spelling{"démarré", Phase::kStarted},
    Spelling{"démarrée", Phase::kStarted},
    Spelling{"commencé", Phase::kStarted},
    Spelling{"lancé", Phase::kStarted},
    Spelling{"accepté", Phase::kAccepted},
    Spelling{"acceptée", Phase::kAccepted},
    Spelling{"réussi", Phase::kSucceeded},
    Spelling{"réussie", Phase::kSucceeded},
    Spelling{"réussite", Phase::kSucceeded},
    Spelling{"succès", Phase::kSucceeded},
    Spelling{"opération réussie", Phase::kSucceeded},
    Spelling{"échec", Phase::kFailed},
    Spelling{"échoué", Phase::kFailed},
    Spelling{"échouée", Phase::kFailed},
    Spelling{"en échec", Phase::kFailed},
    // Spanish.
    Spelling{"iniciado", Phase::kStarted},
    Spelling{"iniciada", Phase::kStarted},
    Spelling{"aceptado", Phase::kAccepted},
    Spelling{"aceptada", Phase::kAccepted},
    Spelling{"correcto", Phase::kSucceeded},
    Spelling{"correcta", Phase::kSucceeded},
    Spelling{"realizado correctamente", Phase::kSucceeded},
    Spelling{"completado correctamente", Phase::kSucceeded},
    Spelling{"exitoso", Phase::kSucceeded},
    Spelling{"exitosa", Phase::kSucceeded},
    Spelling{"éxito", Phase::kSucceeded},
    Spelling{"error", Phase::kFailed},
    Spelling{"con error", Phase::kFailed},
    Spelling{"erróneo", Phase::kFailed},
    Spelling{"errónea", Phase::kFailed},
    Spelling{"fallido", Phase::kFailed},
    Spelling{"fallida", Phase::kFailed},
    // Italian.
    Spelling{"avviato", Phase::kStarted},
    Spelling{"avviata", Phase::kStarted},
    Spelling{"iniziato", Phase::kStarted},
    Spelling{"iniziata", Phase::kStarted},
    Spelling{"accettato", Phase::kAccepted},
    Spelling{"accettata", Phase::kAccepted},
    Spelling{"riuscito", Phase::kSucceeded},
    Spelling{"riuscita", Phase::kSucceeded},
    Spelling{"operazione riuscita", Phase::kSucceeded},
    Spelling{"completato correttamente", Phase::kSucceeded},
    Spelling{"esito positivo", Phase::kSucceeded},
    Spelling{"non riuscito", Phase::kFailed},
    Spelling{"non riuscita", Phase::kFailed},
    Spelling{"operazione non riuscita", Phase::kFailed},
    Spelling{"errore", Phase::kFailed},
    Spelling{"esito negativo", Phase::kFailed},
    // Portuguese (Brazil and Portugal); "iniciado"/"iniciada" are listed under Spanish.
    Spelling{"aceito", Phase::kAccepted},
    Spelling{"aceita", Phase::kAccepted},
    Spelling{"aceite", Phase::kAccepted},
    Spelling{"êxito", Phase::kSucceeded},
    Spelling{"com êxito", Phase::kSucceeded},
    Spelling{"concluído com êxito", Phase::kSucceeded},
    Spelling{"bem-sucedido", Phase::kSucceeded},
    Spelling{"bem-sucedida", Phase::kSucceeded},
    Spelling{"sucesso", Phase::kSucceeded},
    Spelling{"falha", Phase::kFailed},
    Spelling{"falhou", Phase::kFailed},
    Spelling{"com falha", Phase::kFailed},
    Spelling{"falhado", Phase::kFailed},
    // Dutch.
    Spelling{"gestart", Phase::kStarted},
    Spelling{"geaccepteerd", Phase::kAccepted},
    Spelling{"geslaagd", Phase::kSucceeded},
    Spelling{"mislukt", Phase::kFailed},
    // Swedish.
    Spelling{"startad", Phase::kStarted},
    Spelling{"startat", Phase::kStarted},
    Spelling{"accepterad", Phase::kAccepted},
    Spelling{"accepterat", Phase::kAccepted},
    Spelling{"lyckades", Phase::kSucceeded},
    Spelling{"lyckad", Phase::kSucceeded},
    Spelling{"misslyckades", Phase::kFailed},
    Spelling{"misslyckad", Phase::kFailed},
    // Polish.
    Spelling{"rozpoczęto", Phase::kStarted},
    Spelling{"uruchomiono", Phase::kStarted},
    Spelling{"zaakceptowano", Phase::kAccepted},
    Spelling{"powodzenie", Phase::kSucceeded},
    Spelling{"zakończono powodzeniem", Phase::kSucceeded},
    Spelling{"niepowodzenie", Phase::kFailed},
    Spelling{"zakończono niepowodzeniem", Phase::kFailed},
    // Turkish.
    Spelling{"başlatıldı", Phase::kStarted},
    Spelling{"kabul edildi", Phase::kAccepted},
    Spelling{"başarılı", Phase::kSucceeded},
    Spelling{"başarısız", Phase::kFailed},
    // Russian.
    Spelling{"запущено", Phase::kStarted},
    Spelling{"начато", Phase::kStarted},
    Spelling{"принято", Phase::kAccepted},
    Spelling{"успешно", Phase::kSucceeded},
    Spelling{"выполнено успешно", Phase::kSucceeded},
    Spelling{"успех", Phase::kSucceeded},
    Spelling{"сбой", Phase::kFailed},
    Spelling{"ошибка", Phase::kFailed},
    Spelling{"не выполнено", Phase::kFailed},
    Spelling{"не удалось", Phase::kFailed},
    // Japanese.
    Spelling{"開始", Phase::kStarted},
    Spelling{"開始済み", Phase::kStarted},
    Spelling{"開始しました", Phase::kStarted},
    Spelling{"受け入れ済み", Phase::kAccepted},
    Spelling{"承認済み", Phase::kAccepted},
    Spelling{"受理済み", Phase::kAccepted},
    Spelling{"受け付け済み", Phase::kAccepted},
    Spelling{"成功", Phase::kSucceeded}, // also Chinese and (Hanja) Korean
    Spelling{"成功しました", Phase::kSucceeded},
    Spelling{"失敗", Phase::kFailed}, // also traditional Chinese
    Spelling{"失敗しました", Phase::kFailed},
    // Chinese (simplified).
    Spelling{"已启动", Phase::kStarted},
    Spelling{"已开始", Phase::kStarted},
    Spelling{"启动", Phase::kStarted},
    Spelling{"开始", Phase::kStarted},
    Spelling{"已接受", Phase::kAccepted}, // also traditional Chinese
    Spelling{"已受理", Phase::kAccepted}, // also traditional Chinese
    Spelling{"已成功", Phase::kSucceeded},
    Spelling{"失败", Phase::kFailed},
    Spelling{"已失败", Phase::kFailed},
    // Chinese (traditional).
    Spelling{"已啟動", Phase::kStarted},
    Spelling{"已開始", Phase::kStarted},
    Spelling{"啟動", Phase::kStarted},
    Spelling{"已失敗", Phase::kFailed},
    // Korean.
    Spelling{"시작됨", Phase::kStarted},
    Spelling{"시작", Phase::kStarted},
    Spelling{"수락됨", Phase::kAccepted},
    Spelling{"허용됨", Phase::kAccepted},
    Spelling{"승인됨", Phase::kAccepted},
    Spelling{"성공", Phase::kSucceeded},
    Spelling{"성공함", Phase::kSucceeded},
    Spelling{"실패", Phase::kFailed},
    Spelling{"실패함", Phase::kFailed},
};

// Longest table entry is well below this; longer input cannot match and is rejected unread.
constexpr size_t kMaxFolded = 64;

// Lowercases ASCII, Latin-1 Supplement (U+00C0..U+00DE except U+00D7) and basic Cyrillic
// (U+0400..U+042F) letters and collapses runs of spaces/TABs into one space. Returns false when
// the folded text would not fit. Bytes outside these ranges are copied as they are, so invalid
// UTF-8 simply fails to match.
bool Fold(std::string_view text, std::array<char, kMaxFolded>& buf, size_t& size) {
    size = 0;
    const auto put = [&](unsigned char c) {
        if (size >= buf.size()) return false;
        buf[size++] = static_cast<char>(c);
        return true;
    };
    size_t i = 0;
    while (i < text.size()) {
        const auto b = static_cast<unsigned char>(text[i]);
        const auto next = i + 1 < text.size() ? static_cast<unsigned char>(text[i + 1])
                                              : static_cast<unsigned char>(0);
        if (b == ' ' || b == '\t') {
            while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
            if (!put(' ')) return false;
            continue;
        }
        if (b >= 'A' && b <= 'Z') {
            if (!put(static_cast<unsigned char>(b + 0x20))) return false;
            ++i;
            continue;
        }
        if (b == 0xC3 && next >= 0x80 && next <= 0x9E && next != 0x97) { // À..Þ except ×
            if (!put(0xC3) || !put(static_cast<unsigned char>(next + 0x20))) return false;
            i += 2;
            continue;
        }
        if (b == 0xD0 && next >= 0x80 && next <= 0xAF) { // Ѐ..Я
            bool ok = next < 0x90   ? put(0xD1) && put(static_cast<unsigned char>(next + 0x10))
                      : next < 0xA0 ? put(0xD0) && put(static_cast<unsigned char>(next + 0x20))
                                    : put(0xD1) && put(static_cast<unsigned char>(next - 0x20));
            if (!ok) return false;
            i += 2;
            continue;
        }
        if (!put(b)) return false;
        ++i;
    }
    return true;
}

} // namespace

Phase ParsePhase(std::string_view text) {
    text = TrimAsciiSpace(text);
    // resultSignature "<status>.<substatus>": the status is the part before the first dot.
    if (size_t dot = text.find('.'); dot != std::string_view::npos) {
        text = TrimAsciiSpace(text.substr(0, dot));
    }
    if (text.empty() || text.size() > kMaxFolded) return Phase::kOther;

    std::array<char, kMaxFolded> buf{};
    size_t size = 0;
    if (!Fold(text, buf, size)) return Phase::kOther;
    const std::string_view folded(buf.data(), size);
    for (const Spelling& spelling : kSpellings) {
        if (spelling.folded == folded) return spelling.phase;
    }
    return Phase::kOther;
}

} // namespace minetrace
