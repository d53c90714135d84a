#include "scrape/html.hpp"

#include "scrape/html_guard.hpp"
#include "util/ascii.hpp"
#include "util/utf8.hpp"

#include <gumbo.h>

#include <algorithm>
#include <cstdlib>
#include <memory>

namespace volley {

namespace {

void* allocate(void*, std::size_t size) { return std::malloc(size); }
void deallocate(void*, void* ptr) { std::free(ptr); }

GumboOptions parse_options() {
  GumboOptions options = kGumboDefaultOptions;
  // Our own malloc/free, because flatten() below swaps in an array gumbo will free.
  options.allocator = allocate;
  options.deallocator = deallocate;
  // Parse errors are not reported, so do not spend memory keeping them.
  options.max_errors = 0;
  return options;
}

// As document.title: ASCII whitespace runs become one space, none at either end.
std::string collapse_whitespace(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  bool pending_space = false;
  for (char c : s) {
    if (is_html_space(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out += ' ';
    pending_space = false;
    out += c;
  }
  return out;
}

std::string text_of(const GumboElement& element) {
  std::string text;
  for (unsigned i = 0; i < element.children.length; ++i) {
    const auto* child = static_cast<const GumboNode*>(element.children.data[i]);
    if (child->type == GUMBO_NODE_TEXT || child->type == GUMBO_NODE_WHITESPACE || child->type == GUMBO_NODE_CDATA)
      text += child->v.text.text;
  }
  return text;
}

const char* attribute(const GumboElement& element, const char* name) {
  const GumboAttribute* attr = gumbo_get_attribute(&element.attributes, name);
  return attr ? attr->value : nullptr;
}

// The attribute that holds an element's link, or nullptr when `wants` does not ask for it.
const char* link_attribute(GumboTag tag, const HtmlWants& wants) {
  if (tag == GUMBO_TAG_A) return wants.anchors ? "href" : nullptr;
  if (!wants.resources) return nullptr;
  switch (tag) {
    case GUMBO_TAG_LINK: return "href";
    case GUMBO_TAG_SCRIPT:
    case GUMBO_TAG_IMG:
    case GUMBO_TAG_IFRAME: return "src";
    default: return nullptr;
  }
}

void visit(const GumboElement& element, const HtmlWants& wants, HtmlScan& scan) {
  if (element.tag_namespace != GUMBO_NAMESPACE_HTML) return;
  if (element.tag == GUMBO_TAG_TITLE) {
    // gumbo can leave part of a character reference's bytes in RCDATA text (found by the fuzzer:
    // "&lgettb&;" gave a lone 0xE2), and a title is promised as UTF-8.
    if (wants.title && !scan.title) scan.title = to_valid_utf8(collapse_whitespace(text_of(element)));
  } else if (element.tag == GUMBO_TAG_BASE) {
    const char* href = attribute(element, "href");
    if (href && !scan.base_href) scan.base_href = href;
  } else if (const char* name = link_attribute(element.tag, wants)) {
    if (const char* value = attribute(element, name)) scan.refs.emplace_back(value);
  }
}

// gumbo_destroy_output frees the tree recursively, so a page of a million nested <div>s would
// overflow the stack. Hanging every node straight off the document first keeps it two deep.
void flatten(GumboNode* document) {
  std::vector<GumboNode*> all;
  std::vector<GumboNode*> stack{document};
  while (!stack.empty()) {
    GumboNode* node = stack.back();
    stack.pop_back();
    GumboVector* children = node->type == GUMBO_NODE_DOCUMENT ? &node->v.document.children
                            : (node->type == GUMBO_NODE_ELEMENT || node->type == GUMBO_NODE_TEMPLATE)
                                ? &node->v.element.children
                                : nullptr;
    if (!children) continue;
    for (unsigned i = 0; i < children->length; ++i) {
      auto* child = static_cast<GumboNode*>(children->data[i]);
      all.push_back(child);
      stack.push_back(child);
    }
    children->length = 0;  // its array is still freed with the node
  }
  GumboVector& top = document->v.document.children;
  void** data = static_cast<void**>(std::malloc(std::max<std::size_t>(all.size(), 1) * sizeof(void*)));
  if (!data) std::abort();  // as gumbo itself would fail on this much memory
  std::copy(all.begin(), all.end(), data);
  std::free(top.data);
  top.data = data;
  top.length = top.capacity = static_cast<unsigned>(all.size());
}

struct OutputDeleter {
  const GumboOptions* options;
  void operator()(GumboOutput* output) const {
    flatten(output->document);
    gumbo_destroy_output(options, output);
  }
};

// Just past the first "</title>" end tag (ASCII case-insensitive), or npos.
std::size_t after_first_title_end(std::string_view html) {
  static constexpr std::string_view tag = "</title";
  for (std::size_t at = html.find("</"); at != std::string_view::npos; at = html.find("</", at + 2)) {
    if (html.size() - at <= tag.size()) return std::string_view::npos;
    bool same = true;
    for (std::size_t i = 2; i < tag.size() && same; ++i)
      same = ascii_lower(html[at + i]) == tag[i];
    const char next = html[at + tag.size()];
    if (!same || !(next == '>' || next == '/' || is_html_space(next)))
      continue;
    const auto gt = html.find('>', at + tag.size());
    return gt == std::string_view::npos ? gt : gt + 1;
  }
  return std::string_view::npos;
}

HtmlScan parse_and_walk(std::string_view utf8, const HtmlWants& wants) {
  static const GumboOptions options = parse_options();
  std::string limited;
  const std::string_view html = limit_html_cost(utf8, limited);
  std::unique_ptr<GumboOutput, OutputDeleter> output(gumbo_parse_with_options(&options, html.data(), html.size()),
                                                     OutputDeleter{&options});
  HtmlScan scan;
  // Depth first in document order, with our own stack for the same reason as flatten().
  std::vector<const GumboNode*> stack{output->document};
  while (!stack.empty()) {
    const GumboNode* node = stack.back();
    stack.pop_back();
    const GumboVector* children = &node->v.document.children;
    if (node->type == GUMBO_NODE_ELEMENT) {
      visit(node->v.element, wants, scan);
      if (scan.title && !wants.anchors && !wants.resources) break;
      children = &node->v.element.children;
    } else if (node->type != GUMBO_NODE_DOCUMENT) {
      continue;  // text, comments, and <template> contents, which are not in the document
    }
    for (unsigned i = children->length; i > 0; --i) stack.push_back(static_cast<const GumboNode*>(children->data[i - 1]));
  }
  return scan;
}

}  // namespace

HtmlScan scan_html(std::string_view utf8, const HtmlWants& wants) {
  // For the title alone, parse only up to the first "</title>": the parser builds the tree in
  // source order, so a title closed there is the page's first, and --title costs a page's head
  // rather than all of it (a 5 MB page: ~250 ms to well under 1 ms). When that prefix holds no
  // title (the end tag sat in a script, a comment or an <svg>), the whole page is parsed. The one
  // difference from a full parse: a later title that table foster-parenting moves ahead.
  if (wants.title && !wants.anchors && !wants.resources) {
    const std::size_t cut = after_first_title_end(utf8);
    if (cut != std::string_view::npos && cut < utf8.size()) {
      HtmlScan scan = parse_and_walk(utf8.substr(0, cut), wants);
      if (scan.title) return scan;
    }
  }
  return parse_and_walk(utf8, wants);
}

}  // namespace volley
