#include "output/jsonl_writer.hpp"
#include "output/output_fields.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <fstream>
#include <string>
#include <utility>
#include <vector>

using namespace volley;

namespace {

// The rows of the markdown table under the heading `heading` in docs/output.md: each row's first
// cell (a field name, without its backquotes) and second cell.
std::vector<std::pair<std::string, std::string>> table_rows(const std::string& heading) {
  std::ifstream in(std::string(VOLLEY_DOCS) + "/output.md");
  REQUIRE(in);
  std::vector<std::pair<std::string, std::string>> rows;
  std::string line;
  bool inside = false;
  while (std::getline(in, line)) {
    if (line.starts_with("## ")) {
      inside = line == heading;
      continue;
    }
    if (!inside || !line.starts_with("| `")) continue;
    const auto name_end = line.find('`', 3);
    REQUIRE(name_end != std::string::npos);
    const auto cell = line.find('|', name_end) + 1;
    rows.emplace_back(line.substr(3, name_end - 3), line.substr(cell, line.find('|', cell) - cell));
  }
  return rows;
}

}  // namespace

TEST_CASE("output_fields: docs/output.md lists the fields the writer writes, in its order") {
  std::vector<std::string> always;
  std::vector<std::pair<std::string, std::string>> added;
  for (const auto& f : output_fields) {
    if (f.added_by.empty())
      always.emplace_back(f.name);
    else
      added.emplace_back(f.name, f.added_by);
  }
  std::vector<std::string> documented;
  for (const auto& [name, type] : table_rows("## Fields")) documented.push_back(name);
  CHECK(documented == always);

  const auto rows = table_rows("## Fields added by flags");
  REQUIRE(rows.size() == added.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    CHECK(rows[i].first == added[i].first);
    INFO(rows[i].first << "'s flag column: " << rows[i].second);
    CHECK(rows[i].second.find(added[i].second) != std::string::npos);
  }
}

TEST_CASE("output_fields: a line with every flag holds every field, in the table's order") {
  Record r;
  r.url = "http://x/";
  r.meta = "{}";
  r.id = "1700000000000-0";
  OutputFields fields{true, true, true, true, true, true, true};
  std::string line;
  append_json_line(line, r, fields);
  const auto j = nlohmann::ordered_json::parse(line);
  std::vector<std::string> keys;
  for (const auto& item : j.items()) keys.push_back(item.key());
  std::vector<std::string> names;
  for (const auto& f : output_fields) names.emplace_back(f.name);
  CHECK(keys == names);
}
