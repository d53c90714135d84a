#include "net/error_kind.hpp"

#include "doc_text.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

using namespace volley;

TEST_CASE("error_kind: libcurl codes map to the documented kinds") {
  const TransferFacts none{};
  CHECK(classify(CURLE_OK, none) == ErrorKind::none);
  CHECK(classify(CURLE_COULDNT_RESOLVE_HOST, none) == ErrorKind::dns);
  CHECK(classify(CURLE_COULDNT_CONNECT, none) == ErrorKind::connect);
  CHECK(classify(CURLE_PEER_FAILED_VERIFICATION, none) == ErrorKind::tls);
  CHECK(classify(CURLE_SSL_CONNECT_ERROR, none) == ErrorKind::tls);
  CHECK(classify(CURLE_OPERATION_TIMEDOUT, none) == ErrorKind::timeout);
  CHECK(classify(CURLE_TOO_MANY_REDIRECTS, none) == ErrorKind::too_many_redirects);
  CHECK(classify(CURLE_GOT_NOTHING, none) == ErrorKind::connection);
  CHECK(classify(CURLE_SEND_ERROR, none) == ErrorKind::connection);
  CHECK(classify(CURLE_PARTIAL_FILE, none) == ErrorKind::partial);
  CHECK(classify(CURLE_WEIRD_SERVER_REPLY, none) == ErrorKind::protocol);
  CHECK(classify(CURLE_BAD_CONTENT_ENCODING, none) == ErrorKind::protocol);
  CHECK(classify(CURLE_URL_MALFORMAT, none) == ErrorKind::invalid_url);
  CHECK(classify(CURLE_FAILED_INIT, none) == ErrorKind::other);
}

TEST_CASE("error_kind: our own aborts are named by why we aborted, not by libcurl's code") {
  CHECK(classify(CURLE_WRITE_ERROR, TransferFacts{true, false, 200, {}}) == ErrorKind::body_too_large);
  CHECK(classify(CURLE_ABORTED_BY_CALLBACK, TransferFacts{false, true, 0, {}}) == ErrorKind::interrupted);
  CHECK(classify(CURLE_WRITE_ERROR, TransferFacts{}) == ErrorKind::other);
}

TEST_CASE("error_kind: codes libcurl shares between failures are told apart by what else is known") {
  // A refused scheme after a redirect status is a blocked redirect; before any status, not HTTP.
  CHECK(classify(CURLE_UNSUPPORTED_PROTOCOL, TransferFacts{false, false, 302, {}}) == ErrorKind::redirect_blocked);
  CHECK(classify(CURLE_UNSUPPORTED_PROTOCOL, TransferFacts{}) == ErrorKind::protocol);
  // A reset and a malformed body share CURLE_RECV_ERROR; libcurl's message tells them apart.
  CHECK(classify(CURLE_RECV_ERROR, TransferFacts{false, false, 0, "Recv failure: Connection reset by peer"}) ==
        ErrorKind::connection);
  CHECK(classify(CURLE_RECV_ERROR, TransferFacts{false, false, 200, "OpenSSL SSL_read: error, errno 104"}) ==
        ErrorKind::connection);
  CHECK(classify(CURLE_RECV_ERROR,
                 TransferFacts{false, false, 200, "Illegal or missing hexadecimal sequence in chunked-encoding"}) ==
        ErrorKind::protocol);
  CHECK(classify(CURLE_RECV_ERROR, TransferFacts{false, false, 200, "Too large response headers: 307213 > 307200"}) ==
        ErrorKind::protocol);
  CHECK(classify(CURLE_OUT_OF_MEMORY, TransferFacts{false, false, 200, {}}) == ErrorKind::protocol);
}

TEST_CASE("error_kind: every kind has a distinct name") {
  std::set<std::string_view> names;
  for (int k = 0; k < error_kind_count; ++k) names.insert(error_kind_name(static_cast<ErrorKind>(k)));
  CHECK(names.size() == static_cast<std::size_t>(error_kind_count));
  CHECK(error_kind_name(ErrorKind::body_too_large) == "body_too_large");
}

namespace {

// Every kind a line can carry, sorted: `none` is the absence of an error, never a kind. The docs
// order kinds by when they happen, not as the enum does, so only the set is compared.
std::vector<std::string> line_kinds() {
  std::vector<std::string> kinds;
  for (int k = 1; k < error_kind_count; ++k) kinds.emplace_back(error_kind_name(static_cast<ErrorKind>(k)));
  std::sort(kinds.begin(), kinds.end());
  return kinds;
}

std::vector<std::string> sorted(std::vector<std::string> words) {
  std::sort(words.begin(), words.end());
  return words;
}

}  // namespace

TEST_CASE("error_kind: docs/output.md's error-kind table lists exactly the kinds") {
  std::vector<std::string> documented;
  for (const auto& [kind, when] : doc_table_rows("output.md", "## Error kinds")) documented.push_back(kind);
  CHECK(sorted(documented) == line_kinds());
}

TEST_CASE("error_kind: the man page's OUTPUT section names exactly the kinds") {
  const auto paragraphs = man_section_bold_words("OUTPUT");
  REQUIRE(paragraphs.size() >= 2);
  CHECK(sorted(paragraphs[1]) == line_kinds());
}
