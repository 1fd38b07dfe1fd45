// curatorctl: the command line for bot operators and CI scripts.
#include <CLI/CLI.hpp>

#include <iostream>

#include "curator/core/config.hpp"
#include "curator/core/error.hpp"
#include "curator/version.hpp"

int main(int argc, char** argv) {
  using namespace curator;
  CLI::App cli{"curatorctl: move Mapillary and Flickr photos to Wikimedia Commons"};
  cli.set_version_flag("--version", std::string("curatorctl ") + kVersion);
  cli.require_subcommand(1);

  auto* config_cmd = cli.add_subcommand("config", "Show the effective configuration");
  config_cmd->require_subcommand(1);
  auto* show = config_cmd->add_subcommand(
      "show", "Print every setting and where it comes from; secrets are redacted");
  show->footer("Example:\n  CURATOR_DATABASE_URL=sqlite:///tmp/c.sqlite curatorctl config show");

  auto* describe = config_cmd->add_subcommand(
      "describe", "Print every variable with its default and meaning (Markdown)");

  CLI11_PARSE(cli, argc, argv);
  if (describe->parsed()) {
    std::cout << "| variable | also read | default | secret | meaning |\n|---|---|---|---|---|\n";
    for (const auto& v : variables()) {
      std::cout << "| `" << v.name << "` | "
                << (v.aliases.empty() ? "" : "`" + std::string(v.aliases) + "`") << " | "
                << v.default_value << " | " << (v.secret ? "yes" : "no") << " | " << v.description
                << " |\n";
    }
    return 0;
  }
  try {
    const auto config = Config::load(Environment::from_process());
    if (show->parsed()) {
      for (const auto& [name, value] : config.dump())
        std::cout << name << '=' << value << '\n';
    }
    return 0;
  } catch (const Error& e) {
    std::cerr << "curatorctl: " << e.what() << '\n';
    return e.kind() == ErrorKind::invalid_input ? 2 : 1;
  }
}
