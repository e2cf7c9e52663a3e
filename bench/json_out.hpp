// JsonOut: a minimal streaming JSON writer for the benchmark generator, in two styles: compact
// (storage-export JSON Lines) and pretty (Python json.dumps(indent=2), as `az` prints). It trusts
// its caller: keys and plain strings must need no escaping (the generator only writes ASCII
// identifiers); Escaped() escapes '"' and '\' for embedded JSON text, which holds no control
// characters.
//
// Not thread-safe; appends to a string owned by the caller, which must outlive the writer.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace minetrace::bench {

class JsonOut {
  public:
    // `base_indent` is the nesting depth of the first value (pretty style only).
    JsonOut(std::string& out, bool pretty, int base_indent)
        : out_(out), pretty_(pretty), base_indent_(base_indent) {}

    void BeginObject() { Open('{'); }
    void EndObject() { Close('}'); }
    void BeginArray() { Open('['); }
    void EndArray() { Close(']'); }

    void Key(std::string_view key) {
        Separate();
        out_ += '"';
        out_ += key;
        out_ += pretty_ ? "\": " : "\":";
        after_key_ = true;
    }
    void String(std::string_view value) {
        BeforeValue();
        out_ += '"';
        out_ += value;
        out_ += '"';
    }
    // A string whose content is JSON text (request and response bodies).
    void Escaped(std::string_view value) {
        BeforeValue();
        out_ += '"';
        size_t start = 0;
        for (size_t i = 0; i < value.size(); ++i) {
            char c = value[i];
            if (c != '"' && c != '\\') continue;
            out_.append(value.data() + start, i - start);
            out_ += '\\';
            start = i;
        }
        out_.append(value.data() + start, value.size() - start);
        out_ += '"';
    }
    // A string written ASCII-uppercased (export resource ids and operation names).
    void Upper(std::string_view value) {
        BeforeValue();
        out_ += '"';
        size_t at = out_.size();
        out_ += value;
        for (size_t i = at; i < out_.size(); ++i) {
            char c = out_[i];
            if (c >= 'a' && c <= 'z') out_[i] = static_cast<char>(c - 32);
        }
        out_ += '"';
    }
    void Int(int64_t value) {
        BeforeValue();
        AppendInt(out_, value);
    }
    void Bool(bool value) {
        BeforeValue();
        out_ += value ? "true" : "false";
    }
    void Null() {
        BeforeValue();
        out_ += "null";
    }

    void KeyString(std::string_view key, std::string_view value) {
        Key(key);
        String(value);
    }
    void KeyInt(std::string_view key, int64_t value) {
        Key(key);
        Int(value);
    }
    void KeyBool(std::string_view key, bool value) {
        Key(key);
        Bool(value);
    }

    static void AppendInt(std::string& out, int64_t value) {
        char digits[24];
        int n = 0;
        uint64_t v = value < 0 ? 0 - static_cast<uint64_t>(value) : static_cast<uint64_t>(value);
        do {
            digits[n++] = static_cast<char>('0' + v % 10);
            v /= 10;
        } while (v != 0);
        if (value < 0) out += '-';
        while (n > 0) out += digits[--n];
    }

  private:
    static constexpr int kMaxDepth = 32;

    void Open(char c) {
        BeforeValue();
        out_ += c;
        ++depth_;
        first_[depth_] = true;
    }
    void Close(char c) {
        bool empty = first_[depth_];
        --depth_;
        if (pretty_ && !empty) Newline();
        out_ += c;
    }
    void BeforeValue() {
        if (after_key_) {
            after_key_ = false;
            return;
        }
        if (depth_ > 0) Separate();
    }
    void Separate() {
        if (!first_[depth_]) out_ += ',';
        first_[depth_] = false;
        if (pretty_) Newline();
    }
    void Newline() {
        out_ += '\n';
        out_.append(static_cast<size_t>(2 * (base_indent_ + depth_)), ' ');
    }

    std::string& out_;
    bool pretty_;
    int base_indent_;
    int depth_ = 0;
    bool after_key_ = false;
    bool first_[kMaxDepth + 1] = {};
};

} // namespace minetrace::bench
