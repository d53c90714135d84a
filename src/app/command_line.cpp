#include "app/command_line.hpp"

#include <algorithm>
#include <array>
#include <cstring>
#include <utility>

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

namespace {

// curl's flags whose meaning does not carry over, with what volley has instead. Those that do
// carry over are volley's own flags (flags.cpp): -s, -S, -L, --compressed, -m, -I, --retry, -u,
// -4, -6, -V.
constexpr std::array<std::pair<std::string_view, std::string_view>, 25> curl_hints{{
    {"--request", "did you mean -X/--method?"},
    {"--max-redirs", "did you mean --max-redirects?"},
    {"--max-filesize", "did you mean --max-body?"},
    {"--data-raw", "did you mean -d/--data? (it sends its bytes as they are)"},
    {"--data-binary", "did you mean -d/--data? (it sends its bytes as they are)"},
    {"--data-ascii", "did you mean -d/--data? (it sends its bytes as they are)"},
    {"--parallel-max", "did you mean -c/--concurrency?"},
    {"--parallel", "volley always fetches in parallel: -c N says how many at once"},
    {"-Z", "volley always fetches in parallel: -c N says how many at once"},
    {"--connect-to", "did you mean --resolve?"},
    {"--include", "did you mean --headers? (they go into each JSON line)"},
    {"--referer", "send it with -H 'Referer: URL'"},
    {"-e", "send it with -H 'Referer: URL'"},
    {"--cookie", "send it with -H 'Cookie: NAME=VALUE'"},
    {"-b", "send it with -H 'Cookie: NAME=VALUE'"},
    {"--fail", "every line has its status: --match-status and --filter-status choose the lines"},
    {"-f", "every line has its status: --match-status and --filter-status choose the lines"},
    {"--write-out", "every line is JSON already: pick its fields with jq"},
    {"-w", "every line is JSON already: pick its fields with jq"},
    {"--remote-name", "did you mean --save DIR? (each body as DIR/<seq>.body)"},
    {"-O", "did you mean --save DIR? (each body as DIR/<seq>.body)"},
    {"--output-dir", "did you mean --save DIR? (each body as DIR/<seq>.body)"},
    {"--http2", "volley speaks HTTP/2 wherever TLS offers it (--http1.1 turns that off)"},
    {"--limit-rate", "volley caps requests, not bytes: --rate N is new requests per second"},
    {"--url", "give URLs as arguments, with -i FILE or on standard input"},
}};

std::string_view flag_name(std::string_view typed) { return typed.substr(0, typed.find('=')); }

void blank(char* text) { std::memset(text, '*', std::strlen(text)); }

bool ends_with(std::string_view text, std::string_view tail) {
  return text.size() >= tail.size() && text.substr(text.size() - tail.size()) == tail;
}

}  // namespace

std::optional<std::string> curl_flag_hint(std::string_view typed) {
  const std::string_view name = flag_name(typed);
  for (const auto& [flag, hint] : curl_hints)
    if (flag == name) return std::string(hint);
  return std::nullopt;
}

std::string unknown_flag_message(std::string_view typed, const std::vector<std::string>& flags) {
  const std::string text = "unknown flag " + std::string(typed.substr(0, typed.find('=', 2)));
  if (auto hint = curl_flag_hint(typed)) return text + "; " + *hint;
  if (auto meant = closest_flag(typed, flags)) return text + "; did you mean " + *meant + "?";
  return text + " (volley --help lists the flags)";
}

std::optional<std::string> flag_taken_as_url(const std::vector<std::string>& args,
                                             const std::vector<std::string>& urls) {
  const auto dashes = std::find(args.begin(), args.end(), "--");
  const auto after = dashes == args.end() ? 0 : static_cast<std::size_t>(args.end() - dashes - 1);
  const std::size_t before = urls.size() - std::min(after, urls.size());
  for (std::size_t i = 0; i < before; ++i)
    if (urls[i].size() > 1 && urls[i].front() == '-') return urls[i];
  return std::nullopt;
}

void hide_user_value(int argc, char** argv, std::string_view user) {
  if (user.empty()) return;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--") return;
    const bool short_u = arg.size() >= 2 && arg[0] == '-' && arg[1] != '-' && arg.back() == 'u';  // -u, -su
    if ((short_u || arg == "--user") && i + 1 < argc && argv[i + 1] == user) {
      blank(argv[++i]);
    } else if (arg.size() > user.size() && arg[0] == '-' && ends_with(arg, user)) {
      const std::string_view head = arg.substr(0, arg.size() - user.size());
      const bool short_group = head.size() >= 2 && head[1] != '-' && head.back() == 'u';
      if (short_group || head == "--user=") blank(argv[i] + head.size());
    }
  }
}

}  // namespace volley
