// Minimal zip archive access, the container of .npz files: stored and deflated members, zip64 records.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace tinyc::io {

// One file inside a zip archive, uncompressed (bytes kept in a std::string).
struct ZipMember {
  std::string name;
  std::string data;
};

// Extracts every file member of an archive held in memory, checking each CRC-32. Folder entries are
// skipped. Throws InputError naming `source` for anything that is not a readable zip archive.
std::vector<ZipMember> read_zip(std::span<const uint8_t> archive, const std::string& source);

// Builds an archive of stored (uncompressed) members dated 1980-01-01, so equal inputs give identical
// bytes. Throws InputError naming `target` when the archive would need zip64 (4 GiB and more).
std::string write_zip(const std::vector<ZipMember>& members, const std::string& target);

}  // namespace tinyc::io
