#include "app/command_line.hpp"

#include <algorithm>

namespace volley {

std::vector<std::string> attach_links_value(std::vector<std::string> args) {
  std::vector<std::string> out;
  out.reserve(args.size());
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--") {
      out.insert(out.end(), std::make_move_iterator(args.begin() + static_cast<long>(i)),
                 std::make_move_iterator(args.end()));
      break;
    }
    if (args[i] != "--links") {
      out.push_back(std::move(args[i]));
      continue;
    }
    const bool valued = i + 1 < args.size() && (args[i + 1] == "a" || args[i + 1] == "all");
    out.push_back("--links=" + (valued ? args[++i] : std::string("a")));
  }
  return out;
}

void take_stdin_from_urls(Options& o) {
  const auto dash = std::remove(o.urls.begin(), o.urls.end(), "-");
  if (dash == o.urls.end()) return;
  o.urls.erase(dash, o.urls.end());
  if (std::find(o.inputs.begin(), o.inputs.end(), "-") == o.inputs.end()) o.inputs.push_back("-");
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  // Three rows of the dynamic programme: the one being filled and the two before it.
  std::vector<std::size_t> before(b.size() + 1), prev(b.size() + 1), row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      row[j] = std::min({prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) row[j] = std::min(row[j], before[j - 2] + 1);
    }
    std::swap(before, prev);
    std::swap(prev, row);
  }
  return prev[b.size()];
}

std::optional<std::string> closest_flag(std::string_view typed, const std::vector<std::string>& flags) {
  if (typed.substr(0, 2) != "--") return std::nullopt;
  typed.remove_prefix(2);
  typed = typed.substr(0, typed.find('='));
  if (typed.empty()) return std::nullopt;
  // Two edits at most, and fewer than half the word: `--ab` is no typo of `--rate`.
  const std::size_t limit = std::min<std::size_t>(2, (typed.size() - 1) / 2);
  const std::string* best = nullptr;
  std::size_t best_distance = limit + 1;
  for (const auto& f : flags) {
    const std::size_t d = edit_distance(typed, f);
    if (d < best_distance) {
      best = &f;
      best_distance = d;
    }
  }
  if (best) return "--" + *best;
  const std::string* begun = nullptr;
  for (const auto& f : flags) {
    if (f.size() <= typed.size() || f.compare(0, typed.size(), typed) != 0) continue;
    if (begun) return std::nullopt;
    begun = &f;
  }
  if (begun && typed.size() >= 3) return "--" + *begun;
  return std::nullopt;
}

}  // namespace volley
