#include "output/log_text.hpp"

namespace volley {

std::string outcome_text(const Record& r) {
  std::string text = "status " + (r.status ? std::to_string(*r.status) : std::string("-"));
  if (r.error != ErrorKind::none) (text += ' ') += error_kind_name(r.error);
  return text;
}

}  // namespace volley
