#include "robots/robots.hpp"

#include "util/ascii.hpp"

#include <algorithm>
#include <charconv>

namespace volley {

namespace {

bool is_token_char(char c) { return is_ascii_letter(c) || c == '_' || c == '-'; }

int hex_value(char c) {
  if (is_ascii_digit(c)) return c - '0';
  return ascii_lower(c) - 'a' + 10;
}

bool is_unreserved(unsigned char c) {
  return is_ascii_letter(static_cast<char>(c)) || is_ascii_digit(static_cast<char>(c)) || c == '-' || c == '.' || c == '_' ||
         c == '~';
}

// RFC 3986's reserved characters other than '*' and '$', which robots.txt patterns use as
// wildcard and anchor and which are therefore compared in their %2A and %24 forms.
bool is_plain_reserved(char c) {
  switch (c) {
    case ':': case '/': case '?': case '#': case '[': case ']': case '@':
    case '!': case '&': case '\'': case '(': case ')': case '+': case ',': case ';': case '=':
      return true;
    default:
      return false;
  }
}

void append_escaped(std::string& out, unsigned char c) {
  static constexpr char digits[] = "0123456789ABCDEF";
  out += '%';
  out += digits[c >> 4];
  out += digits[c & 0xF];
}

enum class Side { pattern, path };

// One spelling for every way of writing the same octets (RFC 9309 2.2.2): an escaped unreserved
// character is decoded ("%7E" → "~"), other escapes get upper-case hex ("%2f" → "%2F"), and what
// a URI cannot hold literally (non-ASCII, controls, space, '"', '<', a lone '%'…) is escaped.
// Reserved characters keep their two spellings apart: "/" is not "%2F". In a pattern '*' stays
// the wildcard; in a path '*' and '$' become %2A and %24, so that a pattern's "%2A" matches them.
void append_normalised(std::string& out, std::string_view in, Side side) {
  const std::size_t start = out.size();  // `out` may hold other patterns before this one
  for (std::size_t i = 0; i < in.size(); ++i) {
    const auto c = static_cast<unsigned char>(in[i]);
    if (c == '%' && i + 2 < in.size() && is_ascii_hex_digit(in[i + 1]) && is_ascii_hex_digit(in[i + 2])) {
      const auto octet = static_cast<unsigned char>(hex_value(in[i + 1]) * 16 + hex_value(in[i + 2]));
      if (is_unreserved(octet))
        out += static_cast<char>(octet);
      else
        append_escaped(out, octet);
      i += 2;
    } else if (c == '*' && side == Side::pattern) {
      if (out.size() == start || out.back() != '*') out += '*';  // "**" matches what "*" does
    } else if (is_unreserved(c) || is_plain_reserved(static_cast<char>(c))) {
      out += static_cast<char>(c);
    } else {
      append_escaped(out, c);
    }
  }
}

// Anchored at the start; '*' matches any run of octets. Taking each literal segment at its
// leftmost place is optimal for patterns whose only wildcard is '*', so this never backtracks:
// at most pattern × path comparisons, whatever the pattern (no blow-up on "/*a*a*a*a*b").
bool wildcard_match(std::string_view pattern, std::string_view path, bool anchored) {
  std::size_t star = pattern.find('*');
  if (star == std::string_view::npos) return anchored ? path == pattern : path.starts_with(pattern);
  if (!path.starts_with(pattern.substr(0, star))) return false;
  std::size_t pos = star;
  pattern.remove_prefix(star + 1);
  while ((star = pattern.find('*')) != std::string_view::npos) {
    const std::string_view segment = pattern.substr(0, star);
    if (!segment.empty()) {
      const std::size_t at = path.find(segment, pos);
      if (at == std::string_view::npos) return false;
      pos = at + segment.size();
    }
    pattern.remove_prefix(star + 1);
  }
  if (!anchored) return pattern.empty() || path.find(pattern, pos) != std::string_view::npos;
  return path.size() - pos >= pattern.size() && path.ends_with(pattern);
}

// A number of seconds, fractions allowed ("10", "0.5", ".5"); anything else is ignored.
std::optional<double> parse_crawl_delay(std::string_view value) {
  const auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
  const std::size_t dot = value.find('.');
  const std::string_view whole = value.substr(0, dot);
  const std::string_view fraction = dot == std::string_view::npos ? std::string_view{} : value.substr(dot + 1);
  if (whole.empty() && fraction.empty()) return std::nullopt;
  // A second '.', a sign, an exponent, "inf" or "nan" all fail here.
  if (!std::all_of(whole.begin(), whole.end(), is_digit) || !std::all_of(fraction.begin(), fraction.end(), is_digit))
    return std::nullopt;
  double seconds = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
  // Only digits got here, so out of range is either huge or a sliver above zero.
  if (ec == std::errc::result_out_of_range)
    return whole.find_first_not_of('0') != std::string_view::npos ? robots_max_crawl_delay : 0.0;
  if (ec != std::errc() || end != value.data() + value.size()) return std::nullopt;
  return std::min(seconds, robots_max_crawl_delay);
}

std::string normalised_path(std::string_view path_and_query) {
  std::string out;
  out.reserve(path_and_query.size() + 8);
  if (!path_and_query.starts_with('/')) out += '/';
  append_normalised(out, path_and_query, Side::path);
  return out;
}

bool is_robots_txt(std::string_view normalised) {
  return normalised.substr(0, normalised.find('?')) == "/robots.txt";
}

}  // namespace

std::string robots_product_token(std::string_view user_agent) {
  const auto end = std::find_if_not(user_agent.begin(), user_agent.end(), is_token_char);
  return std::string(user_agent.begin(), end);
}

RobotsRules RobotsRules::disallow_all() {
  RobotsRules rules;
  rules.m_disallow_all = true;
  return rules;
}

RobotsLines::RobotsLines(std::string_view body) : m_rest(body) {
  if (m_rest.size() > robots_parse_limit) {
    m_rest = m_rest.substr(0, robots_parse_limit);
    const std::size_t last_end = m_rest.find_last_of("\r\n");
    m_rest = m_rest.substr(0, last_end == std::string_view::npos ? 0 : last_end);
  }
  if (m_rest.starts_with("\xEF\xBB\xBF")) m_rest.remove_prefix(3);
}

std::optional<RobotsLines::Line> RobotsLines::next() {
  while (!m_rest.empty()) {
    const std::size_t eol = m_rest.find_first_of("\r\n");
    std::string_view line = m_rest.substr(0, eol);
    m_rest.remove_prefix(eol == std::string_view::npos ? m_rest.size() : eol + 1);

    line = line.substr(0, line.find('#'));
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    return Line{trim(line.substr(0, colon), html_space), trim(line.substr(colon + 1), html_space)};
  }
  return std::nullopt;
}

RobotsRules RobotsRules::parse(std::string_view body, std::string_view product_token) {

  // Rules are kept only for the groups that could apply: those naming the token and, until one
  // of those is seen, the `*` ones.
  RobotsRules named;
  RobotsRules any;
  bool named_found = false;
  bool any_found = false;
  bool in_agent_lines = false;  // the group's User-agent lines are still being read
  bool group_named = false;
  bool group_any = false;

  RobotsLines lines(body);
  while (const auto line = lines.next()) {
    const auto [key, value] = *line;

    if (ascii_iequals(key, "user-agent")) {
      // Consecutive User-agent lines share a group (RFC 9309 2.1); one after a rule starts the next.
      if (!in_agent_lines) group_named = group_any = false;
      in_agent_lines = true;
      if (value == "*") {
        group_any = any_found = true;
      } else {
        const std::string token = robots_product_token(value);
        if (!token.empty() && ascii_iequals(token, product_token)) group_named = named_found = true;
      }
      continue;
    }
    const bool allow = ascii_iequals(key, "allow");
    const bool is_rule = allow || ascii_iequals(key, "disallow");
    const bool is_delay = ascii_iequals(key, "crawl-delay");
    if (!is_rule && !is_delay) continue;  // Sitemap and unknown lines neither end nor join a group
    in_agent_lines = false;

    for (RobotsRules* into : {group_named ? &named : nullptr, group_any && !named_found ? &any : nullptr}) {
      if (!into) continue;
      if (is_delay) {
        if (const auto delay = parse_crawl_delay(value))
          into->m_crawl_delay = std::max(into->m_crawl_delay.value_or(0.0), *delay);
        continue;
      }
      if (value.empty()) continue;  // "Disallow:" with no path allows everything, as if absent
      const bool anchored = value.ends_with('$');
      const std::size_t offset = into->m_patterns.size();
      append_normalised(into->m_patterns, anchored ? value.substr(0, value.size() - 1) : value, Side::pattern);
      into->m_rules.push_back(Rule{static_cast<std::uint32_t>(offset),
                                   static_cast<std::uint32_t>(into->m_patterns.size() - offset), anchored, allow});
    }
  }

  RobotsRules chosen = named_found ? std::move(named) : any_found ? std::move(any) : RobotsRules{};
  // Most specific first, Allow ahead of Disallow at equal specificity: the first match decides.
  std::sort(chosen.m_rules.begin(), chosen.m_rules.end(), [](const Rule& a, const Rule& b) {
    if (a.specificity() != b.specificity()) return a.specificity() > b.specificity();
    return a.allow && !b.allow;
  });
  return chosen;
}

bool RobotsRules::matches(const Rule& rule, std::string_view path) const {
  return wildcard_match(std::string_view(m_patterns).substr(rule.offset, rule.length), path, rule.anchored);
}

bool RobotsRules::allowed(std::string_view path_and_query) const {
  const std::string path = normalised_path(path_and_query);
  if (is_robots_txt(path)) return true;  // RFC 9309 2.2.2: implicitly allowed
  if (m_disallow_all) return false;
  for (const Rule& rule : m_rules)
    if (matches(rule, path)) return rule.allow;
  return true;
}

RobotsFetchPolicy robots_fetch_policy(std::optional<long> status) {
  if (!status) return RobotsFetchPolicy::disallow_all;
  if (*status >= 200 && *status <= 299) return RobotsFetchPolicy::parse;
  // RFC 9309 2.3.1.2 lets a crawler treat a redirect chain longer than five as "unavailable".
  if (*status >= 300 && *status <= 499) return RobotsFetchPolicy::allow_all;
  return RobotsFetchPolicy::disallow_all;
}

RobotsRules robots_from_fetch(std::optional<long> status, std::string_view body, std::string_view product_token) {
  switch (robots_fetch_policy(status)) {
    case RobotsFetchPolicy::parse:
      return RobotsRules::parse(body, product_token);
    case RobotsFetchPolicy::allow_all:
      return RobotsRules{};
    case RobotsFetchPolicy::disallow_all:
      break;
  }
  return RobotsRules::disallow_all();
}

}  // namespace volley
