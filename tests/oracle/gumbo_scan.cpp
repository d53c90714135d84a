#include "gumbo_scan.hpp"

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
  } else if (element.tag == GUMBO_TAG_META) {
    const char* name = attribute(element, "name");
    const char* content = attribute(element, "content");
    if (wants.nofollow && name && content && ascii_iequals(trim(name, html_space), "robots"))
      scan.nofollow = scan.nofollow || robots_says_nofollow(content);
  } else if (const char* name = link_attribute(element.tag, wants)) {
    const char* value = attribute(element, name);
    if (!value) return;
    scan.refs.emplace_back(value);
    if (!wants.nofollow) return;
    const char* rel = element.tag == GUMBO_TAG_A || element.tag == GUMBO_TAG_LINK ? attribute(element, "rel") : nullptr;
    scan.ref_nofollow.push_back(rel && rel_says_nofollow(rel));
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

HtmlScan parse_and_walk(std::string_view utf8, const HtmlWants& wants) {
  static const GumboOptions options = parse_options();
  std::unique_ptr<GumboOutput, OutputDeleter> output(gumbo_parse_with_options(&options, utf8.data(), utf8.size()),
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
      children = &node->v.element.children;
    } else if (node->type != GUMBO_NODE_DOCUMENT) {
      continue;  // text, comments, and <template> contents, which are not in the document
    }
    for (unsigned i = children->length; i > 0; --i) stack.push_back(static_cast<const GumboNode*>(children->data[i - 1]));
  }
  return scan;
}

}  // namespace

HtmlScan gumbo_scan_html(std::string_view utf8, const HtmlWants& wants) { return parse_and_walk(utf8, wants); }

}  // namespace volley
