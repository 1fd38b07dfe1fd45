#pragma once
// Valid PNG files of any size with pseudo-random pixels (so every file has its
// own SHA-1), written straight to disk: RGB, 8 bits, zlib "stored" blocks, so
// the file size is close to 3 × width × height. MediaWiki checks that the
// bytes are a PNG; nothing here needs more memory than one row.

#include <array>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <vector>

namespace curator::test {

class PngWriter {
 public:
  /// Writes a PNG of about `approx_bytes` (at least 1×1) to `path`; returns its size.
  static std::uint64_t write(const std::filesystem::path& path, std::uint64_t approx_bytes,
                             std::uint64_t seed) {
    std::uint32_t side = 1;
    while (3ull * (side + 1) * (side + 1) <= approx_bytes)
      ++side;
    return write(path, side, side, seed);
  }

  static std::uint64_t write(const std::filesystem::path& path, std::uint32_t width,
                             std::uint32_t height, std::uint64_t seed) {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    if (f == nullptr) throw std::runtime_error("cannot create " + path.string());
    PngWriter w(f, seed | 1);
    w.file_bytes("\x89PNG\r\n\x1a\n", 8);
    std::string ihdr;
    put32(ihdr, width);
    put32(ihdr, height);
    ihdr += std::string("\x08\x02\x00\x00\x00", 5);  // 8-bit RGB, no interlace
    w.chunk("IHDR", ihdr);

    const std::uint64_t row = 1 + 3ull * width;
    const std::uint64_t raw = row * height;
    const std::uint64_t blocks = (raw + 65534) / 65535;
    const std::uint64_t idat_len = 2 + raw + 5 * blocks + 4;
    if (idat_len > 0x7FFFFFFFull) throw std::runtime_error("PNG too large for one IDAT");
    std::string len;
    put32(len, static_cast<std::uint32_t>(idat_len));
    w.file_bytes(len.data(), 4);
    w.crc_ = 0xFFFFFFFFu;
    w.crc_bytes("IDAT", 4);
    w.crc_bytes("\x78\x01", 2);  // zlib header: deflate, no compression
    std::uint32_t a = 1, b = 0;  // Adler-32
    std::uint64_t left_in_block = 0, written = 0;
    std::vector<char> row_bytes(row);
    for (std::uint32_t y = 0; y < height; ++y) {
      row_bytes[0] = 0;  // filter: none
      for (std::uint64_t i = 1; i < row; ++i)
        row_bytes[i] = static_cast<char>(w.next());
      std::uint64_t pos = 0;
      while (pos < row) {
        if (left_in_block == 0) {
          const std::uint64_t n = std::min<std::uint64_t>(65535, raw - written);
          const bool final_block = written + n == raw;
          const char header[5] = {static_cast<char>(final_block ? 1 : 0),
                                  static_cast<char>(n & 0xFF), static_cast<char>(n >> 8),
                                  static_cast<char>(~n & 0xFF),
                                  static_cast<char>((~n >> 8) & 0xFF)};
          w.crc_bytes(header, 5);
          left_in_block = n;
        }
        const std::uint64_t take = std::min(left_in_block, row - pos);
        w.crc_bytes(row_bytes.data() + pos, take);
        for (std::uint64_t i = 0; i < take; ++i) {
          a = (a + static_cast<unsigned char>(row_bytes[pos + i])) % 65521;
          b = (b + a) % 65521;
        }
        pos += take;
        left_in_block -= take;
        written += take;
      }
    }
    std::string adler;
    put32(adler, (b << 16) | a);
    w.crc_bytes(adler.data(), 4);
    std::string crc;
    put32(crc, w.crc_ ^ 0xFFFFFFFFu);
    w.file_bytes(crc.data(), 4);
    w.chunk("IEND", "");
    const auto total = w.size_;
    if (std::fclose(f) != 0) throw std::runtime_error("cannot write " + path.string());
    return total;
  }

 private:
  PngWriter(std::FILE* f, std::uint64_t seed) : f_(f), state_(seed) {}

  static void put32(std::string& out, std::uint32_t v) {
    out += static_cast<char>(v >> 24);
    out += static_cast<char>(v >> 16);
    out += static_cast<char>(v >> 8);
    out += static_cast<char>(v);
  }

  static const std::array<std::uint32_t, 256>& table() {
    static const auto t = [] {
      std::array<std::uint32_t, 256> out{};
      for (std::uint32_t n = 0; n < 256; ++n) {
        std::uint32_t c = n;
        for (int k = 0; k < 8; ++k)
          c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        out[n] = c;
      }
      return out;
    }();
    return t;
  }

  std::uint8_t next() {  // xorshift64*
    state_ ^= state_ >> 12;
    state_ ^= state_ << 25;
    state_ ^= state_ >> 27;
    return static_cast<std::uint8_t>((state_ * 2685821657736338717ull) >> 56);
  }

  void file_bytes(const char* data, std::size_t n) {
    if (std::fwrite(data, 1, n, f_) != n) throw std::runtime_error("short write");
    size_ += n;
  }
  void crc_bytes(const char* data, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
      crc_ = table()[(crc_ ^ static_cast<unsigned char>(data[i])) & 0xFF] ^ (crc_ >> 8);
    }
    file_bytes(data, n);
  }
  void chunk(const char* type, const std::string& data) {
    std::string len;
    put32(len, static_cast<std::uint32_t>(data.size()));
    file_bytes(len.data(), 4);
    crc_ = 0xFFFFFFFFu;
    crc_bytes(type, 4);
    crc_bytes(data.data(), data.size());
    std::string crc;
    put32(crc, crc_ ^ 0xFFFFFFFFu);
    file_bytes(crc.data(), 4);
  }

  std::FILE* f_;
  std::uint64_t state_;
  std::uint32_t crc_ = 0xFFFFFFFFu;
  std::uint64_t size_ = 0;
};

}  // namespace curator::test
