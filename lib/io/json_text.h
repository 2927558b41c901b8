// JSON text for report files and stdout. Names come from user models and may hold bytes that are not
// UTF-8; they are written as U+FFFD instead of failing the whole command.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace tinyc::io {

// `j` indented by two spaces, invalid UTF-8 replaced.
inline std::string json_text(const nlohmann::json& j) {
  return j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace tinyc::io
