#pragma once

#include "record.hpp"

#include <curl/curl.h>

/// Copies what the output needs out of a finished easy handle (called from the reactor's drain,
/// before the handle is reused) and names the error, if any.
void build_result(CURL* easy, CURLcode code, TransferFlags flags, const char* errbuf, Record& out);
