// Safe resolution and reading of external tensor data: never outside the model's folder.
#include "formats/onnx/external_data.h"

#include <algorithm>
#include <charconv>
#include <fstream>
#include <optional>
#include <system_error>

#include "ir/error.h"

namespace tinyc::onnx_format {

namespace fs = std::filesystem;

namespace {

uint64_t parse_u64(const std::string& text, const std::string& key, const std::string& what) {
  uint64_t value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec != std::errc() || ptr != end)
    throw InputError(what + ": external data " + key + " '" + text + "' is not a non-negative integer");
  return value;
}

fs::path canonical_or_throw(const fs::path& p, const std::string& what) {
  std::error_code ec;
  fs::path out = fs::weakly_canonical(fs::absolute(p, ec), ec);
  if (ec) throw InputError(what + ": cannot resolve external data path '" + p.string() + "': " + ec.message());
  return out;
}

// The file `location` names, refusing anything that is not inside `base_dir`.
fs::path resolve_inside(const fs::path& base_dir, const std::string& location, const std::string& what) {
  const fs::path relative(location);
  if (relative.is_absolute() || relative.has_root_name() || relative.has_root_directory())
    throw InputError(what + " uses an absolute external data path '" + location +
                     "'; external data must live beside the model");
  const fs::path root = canonical_or_throw(base_dir.empty() ? fs::path(".") : base_dir, what);
  const fs::path full = canonical_or_throw(root / relative, what);
  const auto [root_end, full_pos] = std::mismatch(root.begin(), root.end(), full.begin(), full.end());
  if (root_end != root.end() || full_pos == full.end())
    throw InputError(what + " points outside the model folder: '" + location +
                     "'; external data must live beside the model");
  return full;
}

}  // namespace

ExternalSlice locate_external_data(const onnx::TensorProto& proto, const std::string& what,
                                   const fs::path& base_dir, uint64_t need_bytes) {
  std::string location;
  uint64_t offset = 0;
  std::optional<uint64_t> length;
  for (const auto& entry : proto.external_data()) {
    if (entry.key() == "location") location = entry.value();
    if (entry.key() == "offset") offset = parse_u64(entry.value(), "offset", what);
    if (entry.key() == "length") length = parse_u64(entry.value(), "length", what);
  }
  if (location.empty()) throw InputError(what + " stores its data externally but names no file ('location')");
  if (length && *length != need_bytes)
    throw InputError(what + ": external data length " + std::to_string(*length) + " does not match its shape (" +
                     std::to_string(need_bytes) + " bytes)");
  const fs::path file = resolve_inside(base_dir, location, what);
  std::error_code ec;
  const fs::file_status status = fs::status(file, ec);
  if (!fs::exists(status))
    throw InputError(what + ": external data file '" + location + "' does not exist beside the model");
  if (!fs::is_regular_file(status))
    throw InputError(what + ": external data path '" + location + "' is not a regular file");
  const uintmax_t size = fs::file_size(file, ec);
  if (ec) throw InputError(what + ": cannot read external data file '" + location + "': " + ec.message());
  if (offset > size || size - offset < need_bytes)
    throw InputError(what + ": external data file '" + location + "' is too short: needs " +
                     std::to_string(need_bytes) + " bytes at offset " + std::to_string(offset) + ", it holds " +
                     std::to_string(size) + " bytes");
  return {file, offset};
}

void read_external_data(const ExternalSlice& slice, const std::string& what, std::span<uint8_t> dest) {
  std::ifstream in(slice.file, std::ios::binary);
  if (in) in.seekg(static_cast<std::streamoff>(slice.offset));
  if (in) in.read(reinterpret_cast<char*>(dest.data()), static_cast<std::streamsize>(dest.size()));
  if (!in || static_cast<size_t>(in.gcount()) != dest.size())
    throw InputError(what + ": reading external data file '" + slice.file.string() + "' failed");
}

}  // namespace tinyc::onnx_format
