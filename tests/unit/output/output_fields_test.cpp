#include "crawl/crawl_page.hpp"
#include "output/jsonl_writer.hpp"
#include "output/output_fields.hpp"

#include "doc_text.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <string>
#include <utility>
#include <vector>

using namespace volley;

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
  for (const auto& [name, type] : doc_table_rows("output.md", "## Fields")) documented.push_back(name);
  CHECK(documented == always);

  const auto rows = doc_table_rows("output.md", "## Fields added by flags");
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
  auto page = std::make_shared<CrawlPage>();
  page->parent = "http://x/up";
  r.crawl = page;
  OutputFields fields{true, true, true, true, true, true, true, true};
  std::string line;
  append_json_line(line, r, fields);
  const auto j = nlohmann::ordered_json::parse(line);
  std::vector<std::string> keys;
  for (const auto& item : j.items()) keys.push_back(item.key());
  std::vector<std::string> names;
  for (const auto& f : output_fields) names.emplace_back(f.name);
  CHECK(keys == names);
}

TEST_CASE("output_fields: the man page's OUTPUT section names every field, in the table's order") {
  const auto paragraphs = man_section_bold_words("OUTPUT");
  REQUIRE(!paragraphs.empty());
  std::vector<std::string> names;
  for (const auto& f : output_fields) names.emplace_back(f.name);
  CHECK(paragraphs.front() == names);
}
