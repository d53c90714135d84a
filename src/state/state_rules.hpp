#pragma once

#include "core/job.hpp"
#include "core/record.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace volley {

// What --state decides, apart from SQLite and the loop: which row a request is, what its line
// says about the row (changed, last_fetched, cached), which conditional headers it sends and
// what the row becomes after it. docs/state.md describes the rules.

/// What makes two requests one row: the method sent, the URL as read, and for a request with a
/// body the body's sha256 (empty without one).
struct RequestKey {
  std::string method;
  std::string url;
  std::string body_sha256;
};

/// One row of the store (docs/state.md, table `fetches`). Times are Unix milliseconds.
struct StoredRow {
  std::int64_t fetched_at = 0;        // the last attempt's start
  // The last successful fetch's: a complete response under 400, or a 304 confirming a stored one.
  std::optional<std::int64_t> ok_at;
  // Of the last complete response (a 304 keeps them):
  std::optional<long> status;
  std::optional<std::string> final_url, etag, last_modified, sha256, content_type;
  std::uint64_t size = 0;
  std::string error;  // the last line's error kind; empty when it had none
  int failures = 0;   // lines in a row without a successful fetch
};

/// What a job carries from the store to its line.
struct StateEntry {
  RequestKey key;
  std::optional<StoredRow> prior;  // nullopt: a request the store has not seen
  // The conditional headers from `prior`, for the request that reaches its final_url (validators_for)
  std::vector<std::string> validators;
};

/// The key of `job`'s request: its method and body as decide_request() settles them.
RequestKey request_key(const Job& job, const std::string& cli_method, const std::optional<std::string>& cli_data);

/// If-None-Match from the stored ETag and If-Modified-Since from the stored Last-Modified, as
/// "Name: value" lines, except a header the user set (-H or the request object's "headers", any
/// case, the "Name:" and "Name;" forms too) and a stored value that could not be sent safely (a
/// control character, empty, or longer than max_validator_length): it came from a server.
std::vector<std::string> conditional_headers(const StoredRow& row, const std::vector<std::string>& cli_headers,
                                             const RequestOverrides* object);
inline constexpr std::size_t max_validator_length = 8192;

/// Whether `target`, a request's URL (the one read, or a redirect hop), is the page whose response
/// `row` stored: its final_url, which is libcurl's effective URL (the URL parsed and written back)
/// with the password hidden.
bool same_page(const StoredRow& row, std::string_view target);

/// The stored validators a request to `target` sends: `entry.validators` when `target` is the
/// stored page, else none. They belong to that page's representation (RFC 9110 13.1): the URL
/// read when it redirected there, or another page a redirect now leads to, does not get them.
std::vector<std::string> validators_for(const StateEntry& entry, std::string_view target);

/// Whether a request of `key`'s method may carry the stored validators: GET and HEAD only. On
/// any other method If-None-Match asks the server to refuse the request (RFC 9110 13.1.2: 412).
bool revalidates(const RequestKey& key);

/// A 304 to a request that sent neither If-None-Match nor If-Modified-Since (not from the store,
/// not from the user): RFC 9110 15.4.5 allows one only to a conditional GET or HEAD, and there
/// is no stored response it could confirm.
bool unsolicited_not_modified(const Record& r, const Job& job, const std::vector<std::string>& cli_headers);

/// A response that ran to its end: it has a status and its line no transfer error (a --save
/// failure happens after the response is complete).
bool complete_response(const Record& r);

/// `changed`: nullopt without a complete response; false for a 304 (unless it came from another
/// page than the stored one), or the same status and sha256 as stored; true for a request not
/// stored or stored without a complete response, or a different status or sha256.
std::optional<bool> changed(const std::optional<StoredRow>& prior, const Record& r);

/// Whether the line is worth a row: an attempt that ended on its own (not refused before
/// fetching, not interrupted).
bool stores(const Record& r);

/// The row after `r`'s line. A 304 from the stored page refreshes the times and keeps what the
/// earlier response stored (status, validators, sha256, size, type, final_url), a success only
/// when that status was (under 400); a 304 from another page (a redirect changed) confirms
/// nothing and is stored as it is; an error keeps the stored response too and counts a failure.
StoredRow next_row(const std::optional<StoredRow>& prior, const Record& r);

/// --max-age: whether `row` is a 2xx fetched successfully less than `max_age_ms` before `now_ms`. A
/// time after `now_ms` (the clock went back) is not fresh: fetching again is the safe side.
bool fresh(const StoredRow& row, std::int64_t now_ms, std::int64_t max_age_ms);

/// The line of a URL answered from the store (--max-age): its stored status, final_url,
/// content_type, size and sha256, fetched_at the stored fetch's time, zero timings, no attempt.
void fill_cached(Record& r, const StoredRow& row);

}  // namespace volley
