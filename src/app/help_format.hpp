#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace CLI {
class App;
}

namespace volley {

// --help as people read it: the flags under the man page's groups, a default written as
// "(default 50)", none of CLI11's type notes (`INT:INT in [1 - 1000000]=50`, `Needs: --state`),
// and no line wider than help_width. A flag's value is named by its option_text ("N", "FILE").

constexpr std::size_t help_width = 100;
constexpr std::size_t help_column = 30;  // where the descriptions start

/// Gives `app` volley's help layout: `usage` (its lines as they are) in place of CLI11's usage
/// line, then the arguments and the flag groups in the order they were declared, then `footer`.
void use_help_format(CLI::App& app, std::string usage, std::string footer);

/// One flag's entry: `names` (`-c, --concurrency N`) indented by two, `text` word-wrapped from
/// `column` to `width` (on the next line when the names reach the column). A word longer than the
/// room is left whole. Ends with a newline.
std::string help_entry(std::string_view names, std::string_view text, std::size_t column = help_column,
                       std::size_t width = help_width);

}  // namespace volley
