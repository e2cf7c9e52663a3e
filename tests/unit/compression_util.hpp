// Compressing test inputs in memory: one zstd frame, one gzip member.
#pragma once

#include <catch2/catch.hpp>
#include <string>
#include <string_view>
#include <zlib.h>
#include <zstd.h>

namespace minetrace::test {

inline std::string Zstd(std::string_view plain, int level = 3) {
    std::string out(ZSTD_compressBound(plain.size()), '\0');
    size_t n = ZSTD_compress(out.data(), out.size(), plain.data(), plain.size(), level);
    REQUIRE_FALSE(ZSTD_isError(n));
    out.resize(n);
    return out;
}

inline std::string Gzip(std::string_view plain) {
    z_stream zs{};
    REQUIRE(deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK);
    std::string out(deflateBound(&zs, static_cast<uLong>(plain.size())) + 64, '\0');
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(plain.data()));
    zs.avail_in = static_cast<uInt>(plain.size());
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = static_cast<uInt>(out.size());
    int rc = deflate(&zs, Z_FINISH);
    deflateEnd(&zs);
    REQUIRE(rc == Z_STREAM_END);
    out.resize(zs.total_out);
    return out;
}

} // namespace minetrace::test
