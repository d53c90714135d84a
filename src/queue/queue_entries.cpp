#include "queue/queue_entries.hpp"

#include "input/input_reader.hpp"
#include "input/url_check.hpp"

namespace volley {

namespace {

using Type = RedisValue::Type;

// [id, [field, value, ...]]; a nil in place of the fields is an entry deleted meanwhile (XCLAIM
// before Redis 7): it has nothing to fetch.
bool read_entry(const RedisValue& v, std::vector<StreamEntry>& out) {
  if (v.type != Type::array || v.elements.size() != 2 || v.elements[0].type != Type::string) return false;
  const RedisValue& fields = v.elements[1];
  StreamEntry e;
  e.id = v.elements[0].str;
  if (fields.type == Type::array) {
    for (std::size_t i = 0; i + 1 < fields.elements.size(); i += 2) {
      if (fields.elements[i].str == "line" && fields.elements[i + 1].type == Type::string) {
        e.line = fields.elements[i + 1].str;
        break;
      }
    }
  } else if (fields.type != Type::nil) {
    return false;
  }
  out.push_back(std::move(e));
  return true;
}

bool read_entries(const RedisValue& v, std::vector<StreamEntry>& out) {
  if (v.type != Type::array) return false;
  for (const auto& e : v.elements)
    if (e.type != Type::nil && !read_entry(e, out)) return false;
  return true;
}

}  // namespace

bool read_xreadgroup(const RedisValue& reply, std::vector<StreamEntry>& out) {
  if (reply.type == Type::nil) return true;
  if (reply.type != Type::array) return false;
  for (const auto& stream : reply.elements) {
    if (stream.type != Type::array || stream.elements.size() != 2) return false;
    if (!read_entries(stream.elements[1], out)) return false;
  }
  return true;
}

bool read_xautoclaim(const RedisValue& reply, std::string& cursor, std::vector<StreamEntry>& out) {
  if (reply.type != Type::array || reply.elements.size() < 2 || reply.elements[0].type != Type::string) return false;
  cursor = reply.elements[0].str;
  return read_entries(reply.elements[1], out);
}

std::optional<long long> read_deliveries(const RedisValue& reply) {
  if (reply.type != Type::array || reply.elements.empty()) return std::nullopt;
  const RedisValue& e = reply.elements[0];
  if (e.type != Type::array || e.elements.size() < 4 || e.elements[3].type != Type::integer) return std::nullopt;
  return e.elements[3].integer;
}

std::optional<long long> read_pending_count(const RedisValue& reply) {
  if (reply.type != Type::array || reply.elements.empty() || reply.elements[0].type != Type::integer)
    return std::nullopt;
  return reply.elements[0].integer;
}

std::optional<InputItem> entry_item(const StreamEntry& entry, std::uint64_t seq, long long deliveries,
                                    int max_deliveries) {
  InputItem item;
  item.job.seq = seq;
  item.job.id = entry.id;
  if (!entry.line) {
    item.error = ErrorKind::invalid_input;
    item.message = "the stream entry has no field named line";
    return item;
  }
  // As a file's line: past max_line_length only its start is read, and refused as too long.
  ParsedLine parsed = parse_input_line(std::string_view(*entry.line).substr(0, max_line_length));
  if (parsed.kind == ParsedLine::Kind::skip) return std::nullopt;
  item.job.url = std::move(parsed.url);
  item.job.target = std::move(parsed.target);
  item.job.host_key = std::move(parsed.host_key);
  item.job.request = std::move(parsed.request);
  item.job.priority = parsed.priority;
  item.error = parsed.error;
  item.message = std::move(parsed.message);
  if (item.error == ErrorKind::none && deliveries > max_deliveries) {
    item.error = ErrorKind::poisoned;
    item.message = "delivered " + std::to_string(deliveries) + " times, more than --max-deliveries " +
                   std::to_string(max_deliveries) + ": not fetched again";
  }
  return item;
}

void AckBook::release(const std::vector<std::uint64_t>& seqs, std::vector<std::string>& ids) {
  for (std::uint64_t seq : seqs) {
    auto it = m_held.find(seq);
    if (it == m_held.end()) continue;
    ids.push_back(std::move(it->second));
    m_held.erase(it);
  }
}

}  // namespace volley
