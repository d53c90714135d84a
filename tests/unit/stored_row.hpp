#pragma once

#include "state/state_rules.hpp"

#include <string>

/// A state store row as a run at t=1000 left it: a complete response from http://a.test/ with
/// `status`, body hash `sha256` and ETag "v1". Tests add what their case needs (a Last-Modified, a
/// size).
inline volley::StoredRow stored_row(long status, const std::string& sha256) {
  volley::StoredRow row;
  row.fetched_at = 1000;
  row.ok_at = 1000;
  row.status = status;
  row.sha256 = sha256;
  row.etag = "\"v1\"";
  row.final_url = "http://a.test/";
  return row;
}
