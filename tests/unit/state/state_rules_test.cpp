#include "net/sha256.hpp"
#include "state/state_rules.hpp"
#include "stored_row.hpp"

#include <catch2/catch.hpp>

#include <memory>

using namespace volley;

namespace {

Record response(long status, const std::string& sha256, std::int64_t at = 5000) {
  Record r;
  r.status = status;
  r.sha256 = sha256;
  r.attempts = 1;
  r.fetched_at_ms = at;
  r.final_url = "http://a.test/";
  return r;
}

Record failure(ErrorKind kind, std::int64_t at = 5000) {
  Record r;
  r.error = kind;
  r.attempts = 1;
  r.fetched_at_ms = at;
  return r;
}

StoredRow stored(long status, const std::string& sha256) {
  StoredRow row = stored_row(status, sha256);
  row.last_modified = "Tue, 01 Jan 2030 00:00:00 GMT";
  row.size = 3;
  return row;
}

Job job(const std::string& url, std::shared_ptr<RequestOverrides> request = nullptr) {
  Job j;
  j.url = url;
  j.request = std::move(request);
  return j;
}

}  // namespace

TEST_CASE("state_rules: changed across new, same, different and 304") {
  const std::optional<StoredRow> none;
  const std::optional<StoredRow> prior = stored(200, "aaa");
  CHECK(changed(none, response(200, "aaa")) == true);              // new URL
  CHECK(changed(prior, response(200, "aaa")) == false);            // same status and hash
  CHECK(changed(prior, response(200, "bbb")) == true);             // the body changed
  CHECK(changed(prior, response(404, "aaa")) == true);             // the status changed
  CHECK(changed(prior, response(304, sha256_hex(""))) == false);   // not modified
  CHECK(changed(none, response(304, sha256_hex(""))) == false);
  CHECK(changed(prior, failure(ErrorKind::timeout)) == std::nullopt);  // no complete response
  StoredRow only_errors;
  only_errors.error = "dns";
  CHECK(changed(only_errors, response(200, "aaa")) == true);
  Record saved = response(200, "aaa");
  saved.error = ErrorKind::save;  // complete, then not saved
  CHECK(changed(prior, saved) == false);
}

TEST_CASE("state_rules: conditional headers from the stored validators") {
  const StoredRow row = stored(200, "aaa");
  CHECK(conditional_headers(row, {}, nullptr) ==
        std::vector<std::string>{"If-None-Match: \"v1\"", "If-Modified-Since: Tue, 01 Jan 2030 00:00:00 GMT"});
  StoredRow bare = row;
  bare.etag.reset();
  bare.last_modified.reset();
  CHECK(conditional_headers(bare, {}, nullptr).empty());
}

TEST_CASE("state_rules: a header the user set wins over the stored validator, in any case and form") {
  const StoredRow row = stored(200, "aaa");
  CHECK(conditional_headers(row, {"if-none-match: \"mine\""}, nullptr) ==
        std::vector<std::string>{"If-Modified-Since: Tue, 01 Jan 2030 00:00:00 GMT"});
  CHECK(conditional_headers(row, {"If-Modified-Since:"}, nullptr) == std::vector<std::string>{"If-None-Match: \"v1\""});
  CHECK(conditional_headers(row, {"IF-NONE-MATCH;", "If-Modified-Since: x"}, nullptr).empty());
  auto object = std::make_shared<RequestOverrides>();
  object->headers = {"If-None-Match: *"};
  CHECK(conditional_headers(row, {}, object.get()) ==
        std::vector<std::string>{"If-Modified-Since: Tue, 01 Jan 2030 00:00:00 GMT"});
}

TEST_CASE("state_rules: a hostile stored validator never reaches a request") {
  StoredRow row = stored(200, "aaa");
  row.etag = "\"v1\"\r\nX-Injected: 1";
  row.last_modified = std::string("Tue\0", 4);
  CHECK(conditional_headers(row, {}, nullptr).empty());
  row.etag = std::string(max_validator_length + 1, 'a');
  row.last_modified = "";
  CHECK(conditional_headers(row, {}, nullptr).empty());
  row.etag = std::string(max_validator_length, 'a');
  CHECK(conditional_headers(row, {}, nullptr).size() == 1);
}

TEST_CASE("state_rules: a 304 keeps the stored validators, hash and status; times move on") {
  const StoredRow prior = stored(200, "aaa");
  Record r = response(304, sha256_hex(""), 9000);
  r.etag = "\"v2\"";
  const StoredRow row = next_row(prior, r);
  CHECK(row.status == 200);
  CHECK(row.sha256 == "aaa");
  CHECK(row.etag == "\"v1\"");
  CHECK(row.size == 3);
  CHECK(row.fetched_at == 9000);
  CHECK(row.ok_at == 9000);
  CHECK(row.failures == 0);
}

TEST_CASE("state_rules: a 304 from another page than the stored one confirms nothing") {
  const StoredRow prior = stored(200, "aaa");
  Record r = response(304, sha256_hex(""), 9000);
  r.final_url = "http://c.test/";
  CHECK(changed(prior, r) == true);
  const StoredRow row = next_row(prior, r);
  CHECK(row.status == 304);
  CHECK(row.final_url == "http://c.test/");
  CHECK(row.sha256 == sha256_hex(""));
  CHECK(row.etag == std::nullopt);
}

TEST_CASE("state_rules: stored validators go to the stored page only") {
  StateEntry entry;
  entry.validators = {"If-None-Match: \"v1\""};
  CHECK(validators_for(entry, "http://a.test/").empty());  // nothing stored
  entry.prior = stored(200, "aaa");
  CHECK(validators_for(entry, "http://a.test/") == entry.validators);
  CHECK(validators_for(entry, "http://a.test") == entry.validators);  // fetched as http://a.test/
  CHECK(validators_for(entry, "http://a.test/other").empty());
  CHECK(validators_for(entry, "http://b.test/").empty());
  entry.prior->final_url = "http://u:***@a.test/p";
  CHECK(validators_for(entry, "http://u:secret@a.test/p") == entry.validators);
  entry.prior->final_url.reset();
  CHECK(validators_for(entry, "http://a.test/").empty());
}

TEST_CASE("state_rules: a 304 confirms a stored 404 as a 404, no success") {
  StoredRow prior = stored(404, "aaa");
  prior.ok_at.reset();
  prior.failures = 1;
  const StoredRow row = next_row(prior, response(304, sha256_hex(""), 9000));
  CHECK(row.status == 404);
  CHECK_FALSE(row.ok_at);
  CHECK(row.failures == 2);
  CHECK_FALSE(fresh(row, 9001, 1000000));
}

TEST_CASE("state_rules: --max-age serves a stored 2xx only") {
  for (long status : {200L, 204L, 299L}) CHECK(fresh(stored(status, "a"), 1001, 1000));
  for (long status : {199L, 301L, 304L, 404L}) CHECK_FALSE(fresh(stored(status, "a"), 1001, 1000));
}

TEST_CASE("state_rules: validators go out on GET and HEAD only") {
  CHECK(revalidates({"GET", "http://a.test/", ""}));
  CHECK(revalidates({"HEAD", "http://a.test/", ""}));
  for (const char* method : {"POST", "PUT", "DELETE", "PATCH", "get"})
    CHECK_FALSE(revalidates({method, "http://a.test/", ""}));
}

TEST_CASE("state_rules: a 304 is unsolicited unless a validator went out, from the store or the user") {
  const Record nm = response(304, sha256_hex(""));
  Job plain = job("http://a.test/");
  CHECK(unsolicited_not_modified(nm, plain, {}));
  CHECK_FALSE(unsolicited_not_modified(response(200, "a"), plain, {}));
  CHECK_FALSE(unsolicited_not_modified(nm, plain, {"if-modified-since: Tue, 01 Jan 2030 00:00:00 GMT"}));
  CHECK(unsolicited_not_modified(nm, plain, {"X-If-None-Match: a"}));
  Job from_store = job("http://a.test/");
  from_store.extra_headers = {"If-None-Match: \"v1\""};
  CHECK_FALSE(unsolicited_not_modified(nm, from_store, {}));
  auto object = std::make_shared<RequestOverrides>();
  object->headers = {"If-None-Match: \"mine\""};
  CHECK_FALSE(unsolicited_not_modified(nm, job("http://a.test/", object), {}));
}

TEST_CASE("state_rules: a new response replaces the row; an error keeps it and counts") {
  StoredRow prior = stored(200, "aaa");
  prior.failures = 0;
  Record r = response(200, "bbb", 9000);
  r.etag = "\"v2\"";
  r.size = 7;
  StoredRow row = next_row(prior, r);
  CHECK(row.sha256 == "bbb");
  CHECK(row.etag == "\"v2\"");
  CHECK_FALSE(row.last_modified);  // the new response had none
  CHECK(row.size == 7);
  row = next_row(row, failure(ErrorKind::timeout, 10000));
  CHECK(row.error == "timeout");
  CHECK(row.failures == 1);
  CHECK(row.sha256 == "bbb");
  CHECK(row.fetched_at == 10000);
  CHECK(row.ok_at == 9000);
  row = next_row(row, response(503, "ccc", 11000));
  CHECK(row.failures == 2);  // a complete response, but no success
  CHECK(row.error.empty());
  CHECK(row.status == 503);
  CHECK(row.ok_at == 9000);
  row = next_row(row, response(200, "ddd", 12000));
  CHECK(row.failures == 0);
  CHECK(row.ok_at == 12000);
}

TEST_CASE("state_rules: what gets a row") {
  CHECK(stores(response(200, "a")));
  CHECK(stores(failure(ErrorKind::connect)));
  CHECK_FALSE(stores(failure(ErrorKind::interrupted)));
  Record refused;
  refused.error = ErrorKind::invalid_url;
  CHECK_FALSE(stores(refused));
  Record cached;
  fill_cached(cached, stored(200, "a"));
  CHECK_FALSE(stores(cached));
}

TEST_CASE("state_rules: max-age boundary") {
  const StoredRow row = stored(200, "aaa");  // ok_at 1000
  CHECK(fresh(row, 1000, 1));
  CHECK(fresh(row, 1999, 1000));
  CHECK_FALSE(fresh(row, 2000, 1000));  // exactly max-age ago: stale
  CHECK_FALSE(fresh(row, 999, 1000));   // in the future: the clock went back
  StoredRow never = row;
  never.ok_at.reset();
  CHECK_FALSE(fresh(never, 1000, 1000000));
  StoredRow failed_since = row;  // a 500 or a timeout after the success: fetched again
  failed_since.fetched_at = 1500;
  failed_since.status = 500;
  CHECK_FALSE(fresh(failed_since, 1600, 1000000));
}

TEST_CASE("state_rules: a cached line carries the stored response and no attempt") {
  Record r;
  StoredRow row = stored(200, "aaa");
  row.content_type = "text/html";
  row.final_url = "http://a.test/x";
  fill_cached(r, row);
  CHECK(r.cached);
  CHECK(r.status == 200);
  CHECK(r.sha256 == "aaa");
  CHECK(r.size == 3);
  CHECK(r.content_type == "text/html");
  CHECK(r.final_url == "http://a.test/x");
  CHECK(r.attempts == 0);
  CHECK(r.total_us == 0);
  CHECK(r.changed == false);
  CHECK(r.fetched_at_ms == 1000);
  CHECK(r.last_fetched_ms == 1000);
}

TEST_CASE("state_rules: the key is the method sent, the URL and the body's hash") {
  const RequestKey plain = request_key(job("http://a.test/"), "", std::nullopt);
  CHECK(plain.method == "GET");
  CHECK(plain.url == "http://a.test/");
  CHECK(plain.body_sha256.empty());
  CHECK(request_key(job("http://a.test/"), "HEAD", std::nullopt).method == "HEAD");
  const RequestKey posted = request_key(job("http://a.test/"), "", std::string("a=1"));
  CHECK(posted.method == "POST");
  CHECK(posted.body_sha256 == sha256_hex("a=1"));
  auto object = std::make_shared<RequestOverrides>();
  object->method = "PUT";
  object->body = "x";
  const RequestKey put = request_key(job("http://a.test/", object), "", std::nullopt);
  CHECK(put.method == "PUT");
  CHECK(put.body_sha256 == sha256_hex("x"));
}
