#pragma once

#include "core/record.hpp"

#include <string>

namespace volley {

/// How an attempt ended, for -v logs: `status 200`, `status - connect` (no response),
/// `status 206 partial`. The error kind appears only when there is one.
std::string outcome_text(const Record& r);

}  // namespace volley
