#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace volley {

/// A start or end tag as the HTML5 tokenizer emits it.
struct HtmlTag {
  struct Attribute {
    std::string name;        // lower-cased ASCII, as the tokenizer builds it
    std::string_view value;  // as written, without its quotes: character references not decoded
  };
  std::string name;  // lower-cased ASCII, NUL as U+FFFD
  // The whole tag as written, from '<' to '>'; as gumbo's original text, it begins with the
  // "</>" (which emit no token) right before the tag.
  std::string_view source;
  bool end = false;
  bool self_closing = false;
  std::vector<Attribute> attributes;  // in source order; of repeated names only the first

  /// The value of the attribute called `lower_name`, decoded as the tokenizer would.
  std::optional<std::string> attribute(std::string_view lower_name) const;
  bool has_attribute(std::string_view lower_name) const;
};

/// What the tokenizer reads after a start tag: the tree builder decides, by the element and where
/// it stands (a <title> in <svg> is markup, in HTML it is text up to </title>).
enum class HtmlText { data, rcdata, rawtext, script, plaintext };

/// The tree builder's side of the conversation.
class HtmlTokenSink {
 public:
  virtual ~HtmlTokenSink() = default;
  /// A start tag; returns how the text after it is read.
  virtual HtmlText start_tag(const HtmlTag& tag) = 0;
  virtual void end_tag(const HtmlTag& tag) = 0;
  /// The raw text of an RCDATA or RAWTEXT element, up to its end tag or the end of the input.
  virtual void raw_text(HtmlText kind, std::string_view text) = 0;
  /// Whether the sink has all it wants, so that the rest of the input need not be read.
  virtual bool done() const { return false; }
  /// Whether the current node is outside HTML (<svg>, <math>): only there is <![CDATA[ a section.
  virtual bool in_foreign_content() const = 0;
};

/// Runs the HTML5 tokenizer (as gumbo 0.10.1 implements it) over `utf8`, reporting tags to `sink`.
/// Comments, doctypes, CDATA and text outside RCDATA/RAWTEXT are skipped over, never reported.
/// Linear in the size of the input.
void tokenize_html(std::string_view utf8, HtmlTokenSink& sink);

/// RCDATA text (a <title>'s) as its character tokens read: references decoded, CR LF and CR as
/// LF, NUL and the code points HTML forbids as U+FFFD.
std::string decode_html_text(std::string_view raw);

}  // namespace volley
