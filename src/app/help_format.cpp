#include "app/help_format.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <memory>
#include <sstream>
#include <utility>
#include <vector>

namespace volley {

namespace {

// A flag's default is "false" and its value, when given one (`--quiet=true`), none of the user's.
bool takes_value(const CLI::Option* opt) { return opt->get_items_expected_max() != 0 && !opt->get_positional(); }

class HelpFormatter : public CLI::Formatter {
 public:
  HelpFormatter(std::string usage, std::string footer) : m_usage(std::move(usage)), m_footer(std::move(footer)) {
    label("Positionals", "Arguments");
  }

  // CLI11 puts two blank lines between groups: one is enough to see them apart.
  std::string make_help(const CLI::App* app, std::string name, CLI::AppFormatMode mode) const override {
    std::string text = CLI::Formatter::make_help(app, std::move(name), mode);
    for (auto at = text.find("\n\n\n"); at != std::string::npos; at = text.find("\n\n\n", at)) text.erase(at, 1);
    return text;
  }

  std::string make_usage(const CLI::App*, std::string) const override { return m_usage; }
  std::string make_footer(const CLI::App*) const override { return m_footer; }

  std::string make_option(const CLI::Option* opt, bool is_positional) const override {
    return help_entry(make_option_name(opt, is_positional) + make_option_opts(opt), make_option_desc(opt));
  }

  // `-c, --concurrency`, as man pages write it: CLI11 leaves out the space.
  std::string make_option_name(const CLI::Option* opt, bool is_positional) const override {
    if (is_positional) return opt->get_name(true, false) + (opt->get_items_expected_max() > 1 ? "..." : "");
    std::string names;
    for (const auto& s : opt->get_snames()) names += (names.empty() ? "-" : ", -") + s;
    for (const auto& l : opt->get_lnames()) names += (names.empty() ? "--" : ", --") + l;
    return names;
  }

  // The value's name alone: CLI11 would add its type, checks, default and `Needs:` here.
  std::string make_option_opts(const CLI::Option* opt) const override {
    if (!opt->get_option_text().empty()) return " " + opt->get_option_text();
    return takes_value(opt) ? " VALUE" : std::string();
  }

  std::string make_option_desc(const CLI::Option* opt) const override {
    const std::string& given = opt->get_default_str();
    // A flag's "false", an empty list's "[]" and an empty text are no defaults worth a word.
    const bool shown = takes_value(opt) && !given.empty() && given != "[]";
    return opt->get_description() + (shown ? " (default " + given + ")" : std::string());
  }

 private:
  std::string m_usage;
  std::string m_footer;
};

}  // namespace

void use_help_format(CLI::App& app, std::string usage, std::string footer) {
  app.formatter(std::make_shared<HelpFormatter>(std::move(usage), std::move(footer)));
}

std::string help_entry(std::string_view names, std::string_view text, std::size_t column, std::size_t width) {
  std::string out = "  " + std::string(names);
  std::size_t col = out.size();
  if (col + 2 > column) {
    out += '\n';
    col = 0;
  }
  bool line_start = true;  // no word on this line's description part yet
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t end = std::min(text.find(' ', i), text.size());
    const std::string_view word = text.substr(i, end - i);
    i = end + 1;
    if (word.empty()) continue;
    if (!line_start && col + 1 + word.size() > width) {
      out += '\n';
      col = 0;
      line_start = true;
    }
    if (line_start) {
      out.append(column - col, ' ');
      col = column;
    } else {
      out += ' ';
      ++col;
    }
    out += word;
    col += word.size();
    line_start = false;
  }
  return out + "\n";
}

}  // namespace volley
