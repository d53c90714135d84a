#pragma once

#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

// Readers for the documents in docs/, so unit tests can hold the prose to the tables in the code
// that it describes. They read only the shapes these documents use, and throw when a document
// cannot be opened, so a moved file fails the test instead of making it vacuous.

/// The rows of the markdown table under the heading `heading` (say "## Fields") of docs/`file`:
/// each row's first cell (a name, without its backquotes) and second cell.
inline std::vector<std::pair<std::string, std::string>> doc_table_rows(const std::string& file,
                                                                       const std::string& heading) {
  std::ifstream in(std::string(VOLLEY_DOCS) + "/" + file);
  if (!in) throw std::runtime_error("cannot read docs/" + file);
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
    if (name_end == std::string::npos) throw std::runtime_error("unclosed ` in docs/" + file + ": " + line);
    const auto cell = line.find('|', name_end) + 1;
    rows.emplace_back(line.substr(3, name_end - 3), line.substr(cell, line.find('|', cell) - cell));
  }
  return rows;
}

/// The paragraphs of the man page docs/volley.1's section `.SH name`, each as the words it sets in
/// bold (`.B`, and the odd arguments of `.BR`, the even ones of `.RB`) outside parentheses: the
/// names the paragraph lists, not those it mentions in passing. Options (`\-\-flag`) are left out.
inline std::vector<std::vector<std::string>> man_section_bold_words(const std::string& name) {
  std::ifstream in(std::string(VOLLEY_DOCS) + "/volley.1");
  if (!in) throw std::runtime_error("cannot read docs/volley.1");
  std::vector<std::vector<std::string>> paragraphs;
  std::string line;
  bool inside = false;
  int depth = 0;  // parentheses open in the roman text so far
  const auto count_parens = [&depth](const std::string& roman) {
    for (const char c : roman) depth += c == '(' ? 1 : c == ')' ? -1 : 0;
  };
  while (std::getline(in, line)) {
    if (line.starts_with(".SH ")) {
      inside = line == ".SH " + name;
      if (inside) paragraphs.emplace_back();
      continue;
    }
    if (!inside) continue;
    if (line == ".PP") {
      paragraphs.emplace_back();
      continue;
    }
    std::istringstream words(line);
    std::string macro;
    words >> macro;
    if (macro != ".B" && macro != ".BR" && macro != ".RB") {
      count_parens(line);
      continue;
    }
    const bool all_bold = macro == ".B";
    const int bold_parity = macro == ".RB" ? 1 : 0;  // .BR starts bold, .RB roman
    std::string word;
    for (int i = 0; words >> word; ++i) {
      if (!all_bold && i % 2 != bold_parity) {
        count_parens(word);
      } else if (depth == 0 && !word.starts_with("\\-")) {
        paragraphs.back().push_back(word);
      }
    }
  }
  return paragraphs;
}

/// The titles of the subsections (`.SS`) of the man page docs/volley.1's section `.SH name`, in
/// their order.
inline std::vector<std::string> man_subsections(const std::string& name) {
  std::ifstream in(std::string(VOLLEY_DOCS) + "/volley.1");
  if (!in) throw std::runtime_error("cannot read docs/volley.1");
  std::vector<std::string> titles;
  std::string line;
  bool inside = false;
  while (std::getline(in, line)) {
    if (line.starts_with(".SH ")) inside = line == ".SH " + name;
    if (inside && line.starts_with(".SS ")) titles.push_back(line.substr(4));
  }
  return titles;
}
