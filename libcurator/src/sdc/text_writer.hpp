#pragma once
// A JSON text writer for the hot path: writes straight into one string, with
// the numbers the way curator::json::serialize writes them (plain decimals,
// ".0" on integral doubles, never an exponent), so the text is the same as
// serializing the equivalent json::value, without building one.

#include <string>
#include <string_view>

#include "curator/core/json.hpp"

namespace curator::sdc {

class TextWriter {
 public:
  explicit TextWriter(std::string& out) : out_(out) {}

  void open_object() {
    separator();
    out_ += '{';
    first_ = true;
  }
  void close_object() {
    out_ += '}';
    first_ = false;
  }
  void open_array() {
    separator();
    out_ += '[';
    first_ = true;
  }
  void close_array() {
    out_ += ']';
    first_ = false;
  }
  /// An object key; the next call writes its value.
  void key(std::string_view k) {
    token(k, ':');
    first_ = true;
  }
  void string(std::string_view s) {
    token(s, '\0');
    first_ = false;
  }
  void integer(long long n);
  void number(double d);
  void value(const json::value& v);
  /// Every key and value of `o`, inside the object being written.
  void members(const json::object& o) {
    for (const auto& kv : o) {
      key(kv.key());
      value(kv.value());
    }
  }

 private:
  void separator() {
    if (!first_) out_ += ',';
  }
  void quoted(std::string_view s);
  // A separator, the quoted text and `tail` (unless '\0'), in one append
  // when the text needs no escaping (keys and most values).
  void token(std::string_view s, char tail);

  std::string& out_;
  bool first_ = true;
};

}  // namespace curator::sdc
