#include "output/resume.hpp"

#include "input/shard.hpp"
#include "util/json_text.hpp"
#include "util/utf8.hpp"

#include <algorithm>
#include <charconv>

namespace volley {

namespace {

// URLs quoted in a message: JSON-escaped (no control byte reaches the terminal) and cut.
constexpr std::size_t message_url_bytes = 200;

std::string quoted(std::string_view url) {
  const std::string_view cut = utf8_prefix(url, message_url_bytes);
  std::string out = "\"";
  append_json_string_body(out, cut);
  out += cut.size() < url.size() ? "...\"" : "\"";
  return out;
}

std::optional<std::uint64_t> positive_integer(std::string_view text) {
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v == 0) return std::nullopt;
  return v;
}

// Most URLs hold no escape: their text is the literal's, and nlohmann need not be called.
std::optional<std::string> decode_string(std::string_view literal) {
  if (literal.size() >= 2 && literal.front() == '"' && literal.find('\\') == std::string_view::npos)
    return std::string(literal.substr(1, literal.size() - 2));
  return decode_json_string(literal);
}

const JsonMember* member(const std::vector<JsonMember>& members, std::string_view key) {
  for (const auto& m : members)
    if (m.key == key) return &m;
  return nullptr;
}

template <class T>
void read_number(const JsonMember* m, T& out) {
  if (!m) return;
  T v{};
  const auto [end, ec] = std::from_chars(m->value.data(), m->value.data() + m->value.size(), v);
  if (ec == std::errc() && end == m->value.data() + m->value.size()) out = v;
}

// The members the summary counts; a line written by another version may lack any of them.
void read_outcome(const std::vector<JsonMember>& members, ResumeLine& out) {
  long status = 0;
  read_number(member(members, "\"status\""), status);
  if (status > 0) out.status = status;
  read_number(member(members, "\"size\""), out.size);
  read_number(member(members, "\"attempts\""), out.attempts);
  const JsonMember* cached = member(members, "\"cached\"");
  out.cached = cached && cached->value == "true";
  if (const JsonMember* time = member(members, "\"time\"")) {
    if (const auto fields = json_object_members(time->value)) {
      double total = 0;
      read_number(member(*fields, "\"total\""), total);
      out.total_us = static_cast<std::int64_t>(total * 1e6 + 0.5);
    }
  }
}

Record outcome(const ResumeLine& line) {
  Record r;
  r.error = line.error;
  r.status = line.status;
  r.size = line.size;
  r.total_us = line.total_us;
  r.attempts = line.attempts;
  r.cached = line.cached;
  return r;
}

}  // namespace

std::optional<ResumeLine> parse_resume_line(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  const auto members = json_object_members(line);
  if (!members) return std::nullopt;
  const JsonMember* url = member(*members, "\"url\"");
  const JsonMember* seq = member(*members, "\"seq\"");
  const JsonMember* error = member(*members, "\"error\"");
  if (!url || !seq || !error) return std::nullopt;
  ResumeLine out;
  auto decoded = decode_string(url->value);
  const auto n = positive_integer(seq->value);
  if (!decoded || !n) return std::nullopt;
  out.url = std::move(*decoded);
  out.seq = *n;
  if (error->value != "null") {
    const auto fields = json_object_members(error->value);
    const JsonMember* kind = fields ? member(*fields, "\"kind\"") : nullptr;
    const auto kind_text = kind ? decode_json_string(kind->value) : std::nullopt;
    if (!kind_text) return std::nullopt;
    out.error = error_kind_from_name(*kind_text);
  }
  read_outcome(*members, out);
  read_number(member(*members, "\"depth\""), out.depth);
  if (const JsonMember* parent = member(*members, "\"parent\""); parent && parent->value != "null")
    out.parent = decode_string(parent->value).value_or("");
  return out;
}

std::uint64_t resume_digest(std::uint64_t seq, std::string_view url) {
  // splitmix64's finaliser over the URL's FNV-1a and the seq: a sum of these over a block
  // changes when any one line's URL or seq does.
  std::uint64_t z = fnv1a64(url) ^ (seq * 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

std::string written_url(std::string_view url) {
  if (is_valid_utf8(url)) return std::string(url);
  std::string literal = "\"";
  append_json_string_body(literal, url);
  literal += '"';
  return decode_json_string(literal).value_or(std::string(url));
}

void ResumeState::add(const ResumeLine& line) {
  Block& b = m_blocks[line.seq / resume_block];
  const std::uint64_t bit = line.seq % resume_block;
  const std::uint64_t mask = 1ull << (bit % 64);
  auto& has_line = b.has_line[bit / 64];
  auto& done = b.done[bit / 64];
  if (has_line & mask) {
    ++m_extra_lines[line.seq];
  } else {
    has_line |= mask;
    ++m_seqs;
  }
  if (!line.interrupted() && !(done & mask)) {
    done |= mask;
    ++m_done;
  }
  b.digest += resume_digest(line.seq, line.url);
  m_max_seq = std::max(m_max_seq, line.seq);
  ++m_lines;
}

bool ResumeState::done(std::uint64_t seq) const {
  const auto it = m_blocks.find(seq / resume_block);
  if (it == m_blocks.end()) return false;
  const std::uint64_t bit = seq % resume_block;
  return (it->second.done[bit / 64] >> (bit % 64)) & 1;
}

std::uint32_t ResumeState::lines_of(std::uint64_t seq) const {
  const auto it = m_blocks.find(seq / resume_block);
  if (it == m_blocks.end()) return 0;
  const std::uint64_t bit = seq % resume_block;
  if (!((it->second.has_line[bit / 64] >> (bit % 64)) & 1)) return 0;
  const auto extra = m_extra_lines.find(seq);
  return 1 + (extra == m_extra_lines.end() ? 0 : extra->second);
}

std::uint64_t ResumeState::digest_of_block(std::uint64_t block) const {
  const auto it = m_blocks.find(block);
  return it == m_blocks.end() ? 0 : it->second.digest;
}

std::size_t ResumeState::memory_bytes() const {
  // Each node of an unordered_map holds its value, its key, a next pointer and a bucket slot.
  constexpr std::size_t node = 3 * sizeof(void*);
  return m_blocks.size() * (sizeof(Block) + sizeof(std::uint64_t) + node) +
         m_extra_lines.size() * (2 * sizeof(std::uint64_t) + node);
}

void ResumeScanner::feed(std::string_view bytes) {
  if (m_all_nul) m_all_nul = bytes.find_first_not_of('\0') == std::string_view::npos;
  m_size += bytes.size();
  m_split.feed(bytes, [this](std::string_view text, std::uint64_t offset) { line(text, offset); });
}

void ResumeScanner::line(std::string_view text, std::uint64_t offset) {
  ++m_line_no;
  if (m_pending_bad_offset) {
    // Not the last line after all: it stays in the file, as it is.
    ++m_bad;
    if (!m_first_bad) m_first_bad = m_line_no - 1;
    m_pending_bad_offset.reset();
  }
  if (auto parsed = parse_resume_line(text)) {
    m_state.add(*parsed);
    if (!parsed->interrupted()) m_earlier.add(outcome(*parsed));
  } else {
    m_pending_bad_offset = offset;
  }
}

void ResumeScanner::finish() {
  if (m_all_nul) {
    m_keep = 0;
    m_bad = 0;
    m_first_bad = 0;
  } else if (m_split.has_tail()) {
    m_keep = m_split.tail_offset();
    if (m_pending_bad_offset) {
      ++m_bad;
      if (!m_first_bad) m_first_bad = m_line_no;
    }
  } else {
    m_keep = m_pending_bad_offset.value_or(m_size);
  }
  m_pending_bad_offset.reset();
}

ResumeCheck::ResumeCheck(const ResumeState& state)
    : m_state(&state), m_verdict(state.max_seq() == 0 ? Verdict::match : Verdict::pending) {}

void ResumeCheck::add(std::uint64_t seq, std::string_view url) {
  m_last_seq = seq;
  if (m_verdict != Verdict::pending) return;
  if (const std::uint64_t block = seq / resume_block; block != m_block) {
    close_block();
    if (m_verdict != Verdict::pending) return;
    m_block = block;
  }
  if (const std::uint32_t n = m_state->lines_of(seq)) {
    const std::string text = written_url(url);
    const std::uint64_t d = resume_digest(seq, text);
    m_sum += d * n;
    m_mismatch.input.emplace_back(seq, std::string(utf8_prefix(text, message_url_bytes + 1)));
    m_mismatch.input_digests.push_back(d);
  }
  // The file names no seq past its highest: the block that holds it is complete.
  if (seq >= m_state->max_seq()) {
    close_block();
    if (m_verdict == Verdict::pending) m_verdict = Verdict::match;
  }
}

void ResumeCheck::end_of_input() {
  if (m_verdict != Verdict::pending) return;
  const std::uint64_t urls = m_last_seq;
  m_mismatch.input_urls = urls;
  close_block();
  if (m_verdict != Verdict::pending) return;
  // The file has lines past the input's end.
  m_verdict = Verdict::mismatch;
  m_mismatch.first = urls + 1;
  m_mismatch.last = m_state->max_seq();
}

void ResumeCheck::close_block() {
  if (m_sum != m_state->digest_of_block(m_block)) {
    m_verdict = Verdict::mismatch;
    m_mismatch.first = std::max<std::uint64_t>(1, m_block * resume_block);
    m_mismatch.last = m_block * resume_block + resume_block - 1;
    return;
  }
  m_sum = 0;
  m_mismatch.input.clear();
  m_mismatch.input_digests.clear();
}

void MismatchFinder::feed(std::string_view bytes) {
  m_split.feed(bytes, [this](std::string_view text, std::uint64_t) { line(text); });
}

void MismatchFinder::line(std::string_view text) {
  if (m_found) return;
  const auto parsed = parse_resume_line(text);
  if (!parsed || parsed->seq < m_mismatch.first || parsed->seq > m_mismatch.last) return;
  const auto& in = m_mismatch.input;
  const auto it = std::lower_bound(in.begin(), in.end(), parsed->seq,
                                   [](const auto& entry, std::uint64_t seq) { return entry.first < seq; });
  if (it == in.end() || it->first != parsed->seq ||
      m_mismatch.input_digests[static_cast<std::size_t>(it - in.begin())] != resume_digest(parsed->seq, parsed->url))
    m_found.emplace(parsed->seq, parsed->url);
}

std::string MismatchFinder::message(std::string_view file_name) const {
  const std::string tail = ": --resume needs the same input, in the same order, as the run that wrote " +
                           std::string(file_name) + " (nothing was changed in it)";
  const auto& in = m_mismatch.input;
  if (!m_found)
    return "the input's URLs " + std::to_string(m_mismatch.first) + " to " + std::to_string(m_mismatch.last) +
           " are not those of " + std::string(file_name) + "'s lines" + tail;
  const auto [seq, url] = *m_found;
  const std::string head = std::string(file_name) + " has " + quoted(url) + " as seq " + std::to_string(seq);
  const auto it = std::find_if(in.begin(), in.end(), [seq = seq](const auto& entry) { return entry.first == seq; });
  if (it == in.end())
    return head + ", but the input has only " + std::to_string(m_mismatch.input_urls) + " URLs" + tail;
  return head + ", where the input's URL " + std::to_string(seq) + " is " + quoted(it->second) + tail;
}

}  // namespace volley
