#pragma once

#include "core/record.hpp"

#include <curl/curl.h>

namespace volley {

/// Copies what the output needs out of a finished easy handle (called from the reactor's drain,
/// before the handle is reused) and names the error, if any.
/// `facts` carries what only the reactor knew (our own aborts); status and errno are read here.
void build_result(CURL* easy, CURLcode code, TransferFacts facts, const char* errbuf, Record& out);

}  // namespace volley
