// Reads a MediaImage (the wire's JSON shape) from stdin and prints the file
// title and capture date, using only libcurator's public API.
#include <curator/core/error.hpp>
#include <curator/core/json.hpp>
#include <curator/core/media_image.hpp>
#include <curator/version.hpp>

#include <iostream>
#include <iterator>
#include <string>

int main() {
  const std::string input{std::istreambuf_iterator<char>(std::cin), {}};
  try {
    const auto image = curator::media_image_from_json(curator::json::parse(input, "stdin"));
    std::cout << image.title << '\t' << curator::format_utc_z(image.taken) << '\n';
    return 0;
  } catch (const curator::Error& e) {
    std::cerr << "libcurator " << curator::kVersion << ": " << e.what() << '\n';
    return 1;
  }
}
