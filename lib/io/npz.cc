// .npz reading and writing: a zip archive whose members are .npy files named "<key>.npy".
#include "io/atomic_file.h"
#include "io/file_bytes.h"
#include "io/npy.h"
#include "io/zip.h"
#include "ir/error.h"

namespace tinyc::io {

constexpr std::string_view kMemberSuffix = ".npy";

std::map<std::string, ir::Tensor> read_npz(const std::filesystem::path& path) {
  const std::string source = path.string();
  const std::string bytes = read_file_bytes(path, "data file");
  std::map<std::string, ir::Tensor> arrays;
  for (const ZipMember& m : read_zip({reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()}, source)) {
    std::string key = m.name;
    if (key.ends_with(kMemberSuffix)) key.resize(key.size() - kMemberSuffix.size());
    const std::span<const uint8_t> data(reinterpret_cast<const uint8_t*>(m.data.data()), m.data.size());
    ir::Tensor t = decode_npy(data, source + " member '" + m.name + "'");
    if (!arrays.emplace(key, std::move(t)).second)
      throw InputError(source + " holds two arrays named '" + key + "'; re-save it with np.savez");
  }
  return arrays;
}

void write_npz(const std::filesystem::path& path, const std::map<std::string, ir::Tensor>& arrays) {
  std::vector<ZipMember> members;
  for (const auto& [key, tensor] : arrays) {
    const std::string name = key + std::string(kMemberSuffix);
    members.push_back({name, encode_npy(tensor, path.string() + " member '" + name + "'")});
  }
  write_file_atomically(path, write_zip(members, path.string()));
}

}  // namespace tinyc::io
