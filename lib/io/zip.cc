// Zip reading (stored/deflated, zip64) and stored-only writing, per PKWARE's APPNOTE.
// Reading walks the central directory from the end-of-central-directory record (or its zip64
// twin), because local headers may carry zero sizes when a data descriptor follows the data.
#include "io/zip.h"

#include <zlib.h>

#include <algorithm>
#include <optional>

#include "ir/error.h"

namespace tinyc::io {
namespace {

constexpr uint32_t kLocalHeaderSig = 0x04034b50;
constexpr uint32_t kCentralHeaderSig = 0x02014b50;
constexpr uint32_t kEndSig = 0x06054b50;
constexpr uint32_t kZip64EndSig = 0x06064b50;
constexpr uint32_t kZip64LocatorSig = 0x07064b50;
constexpr size_t kEndSize = 22, kZip64LocatorSize = 20, kCentralSize = 46, kLocalSize = 30;
constexpr uint16_t kZip64ExtraId = 0x0001;
constexpr uint32_t kSaturated32 = 0xffffffff;
constexpr uint16_t kMethodStored = 0, kMethodDeflated = 8;
constexpr uint16_t kFlagEncrypted = 0x1, kFlagUtf8Name = 0x800;
constexpr uint64_t kMaxDeflateRatio = 1032;  // deflate cannot expand data more than this

// Bounds-checked little-endian field reads over an untrusted archive.
class ArchiveView {
 public:
  ArchiveView(std::span<const uint8_t> bytes, const std::string& source) : bytes_(bytes), source_(source) {}

  [[noreturn]] void corrupt(const std::string& what) const {
    throw InputError(source_ + " is not a readable .npz archive (" + what + "); re-save it with np.savez");
  }
  size_t size() const { return bytes_.size(); }
  uint64_t field(uint64_t offset, size_t width) const {
    check_range(offset, width, "a record runs past the end of the file");
    uint64_t v = 0;
    for (size_t i = 0; i < width; ++i) v |= uint64_t{bytes_[offset + i]} << (8 * i);
    return v;
  }
  uint16_t u16(uint64_t offset) const { return static_cast<uint16_t>(field(offset, 2)); }
  uint32_t u32(uint64_t offset) const { return static_cast<uint32_t>(field(offset, 4)); }
  uint64_t u64(uint64_t offset) const { return field(offset, 8); }
  std::span<const uint8_t> slice(uint64_t offset, uint64_t length, const std::string& what) const {
    check_range(offset, length, what);
    return bytes_.subspan(offset, length);
  }

 private:
  void check_range(uint64_t offset, uint64_t length, const std::string& what) const {
    if (offset > bytes_.size() || length > bytes_.size() - offset) corrupt(what);
  }
  std::span<const uint8_t> bytes_;
  const std::string& source_;
};

// Where the central directory lies and how many entries it holds.
struct Directory {
  uint64_t offset = 0;
  uint64_t entries = 0;
};

Directory find_directory(const ArchiveView& zip) {
  if (zip.size() < kEndSize) zip.corrupt("too short to be a zip archive");
  // The end record sits before a comment of at most 65535 bytes.
  const size_t lowest = zip.size() - kEndSize > 0xffff ? zip.size() - kEndSize - 0xffff : 0;
  std::optional<size_t> end;
  for (size_t pos = zip.size() - kEndSize + 1; pos-- > lowest;) {
    if (zip.u32(pos) == kEndSig && pos + kEndSize + zip.u16(pos + 20) <= zip.size()) {
      end = pos;
      break;
    }
  }
  if (!end) zip.corrupt("no end-of-archive record; it is not a zip file");
  Directory dir{zip.u32(*end + 16), zip.u16(*end + 10)};
  if (*end >= kZip64LocatorSize && zip.u32(*end - kZip64LocatorSize) == kZip64LocatorSig) {
    const uint64_t record = zip.u64(*end - kZip64LocatorSize + 8);
    if (zip.u32(record) != kZip64EndSig) zip.corrupt("bad zip64 end record");
    dir = {zip.u64(record + 48), zip.u64(record + 32)};
  }
  return dir;
}

// A central directory entry: everything needed to find and check one member.
struct Entry {
  std::string name;
  uint16_t flags = 0;
  uint16_t method = 0;
  uint32_t crc = 0;
  uint64_t compressed_size = 0;
  uint64_t size = 0;
  uint64_t local_offset = 0;
};

// Replaces saturated 32-bit fields by their values in the zip64 extra field, which lists only the
// saturated ones, in the order: size, compressed size, local header offset.
void apply_zip64_extra(const ArchiveView& zip, uint64_t extra, uint64_t extra_end, Entry& e) {
  while (extra + 4 <= extra_end) {
    const uint16_t id = zip.u16(extra), length = zip.u16(extra + 2);
    const uint64_t data = extra + 4;
    if (data + length > extra_end) zip.corrupt("an extra field runs past its header");
    if (id == kZip64ExtraId) {
      uint64_t at = data;
      for (uint64_t* value : {&e.size, &e.compressed_size, &e.local_offset}) {
        if (*value != kSaturated32) continue;
        if (at + 8 > data + length) zip.corrupt("zip64 extra field too short");
        *value = zip.u64(at);
        at += 8;
      }
    }
    extra = data + length;
  }
}

Entry read_entry(const ArchiveView& zip, uint64_t& pos) {
  if (zip.u32(pos) != kCentralHeaderSig) zip.corrupt("bad central directory entry");
  Entry e;
  e.flags = zip.u16(pos + 8);
  e.method = zip.u16(pos + 10);
  e.crc = zip.u32(pos + 16);
  e.compressed_size = zip.u32(pos + 20);
  e.size = zip.u32(pos + 24);
  const uint16_t name_length = zip.u16(pos + 28), extra_length = zip.u16(pos + 30), comment_length = zip.u16(pos + 32);
  e.local_offset = zip.u32(pos + 42);
  const auto name = zip.slice(pos + kCentralSize, name_length, "a member name runs past the end of the file");
  e.name.assign(name.begin(), name.end());
  const uint64_t extra = pos + kCentralSize + name_length;
  zip.slice(extra, uint64_t{extra_length} + comment_length, "an entry runs past the end of the file");
  apply_zip64_extra(zip, extra, extra + extra_length, e);
  pos = extra + extra_length + comment_length;
  return e;
}

std::string inflate_raw(const ArchiveView& zip, std::span<const uint8_t> in, const Entry& e) {
  if (e.size > in.size() * kMaxDeflateRatio + 64) zip.corrupt("member '" + e.name + "' has an impossible size");
  std::string out(e.size, '\0');
  z_stream zs{};
  if (inflateInit2(&zs, -MAX_WBITS) != Z_OK) throw InternalError("zlib inflateInit2 failed");
  constexpr size_t kChunk = size_t{1} << 30;  // zlib counts in 32-bit units
  size_t in_pos = 0, out_pos = 0;
  int rc = Z_OK;
  while (rc == Z_OK) {
    const size_t in_chunk = std::min(in.size() - in_pos, kChunk), out_chunk = std::min(out.size() - out_pos, kChunk);
    zs.next_in = const_cast<Bytef*>(in.data() + in_pos);
    zs.avail_in = static_cast<uInt>(in_chunk);
    zs.next_out = reinterpret_cast<Bytef*>(out.data() + out_pos);
    zs.avail_out = static_cast<uInt>(out_chunk);
    rc = inflate(&zs, Z_NO_FLUSH);
    in_pos += in_chunk - zs.avail_in;
    out_pos += out_chunk - zs.avail_out;
  }
  inflateEnd(&zs);
  if (rc != Z_STREAM_END || out_pos != out.size()) zip.corrupt("member '" + e.name + "' does not inflate");
  return out;
}

ZipMember extract(const ArchiveView& zip, const Entry& e) {
  if (e.flags & kFlagEncrypted) zip.corrupt("member '" + e.name + "' is encrypted");
  if (zip.u32(e.local_offset) != kLocalHeaderSig) zip.corrupt("bad local header of member '" + e.name + "'");
  const uint64_t data = e.local_offset + kLocalSize + zip.u16(e.local_offset + 26) + zip.u16(e.local_offset + 28);
  const auto stored = zip.slice(data, e.compressed_size, "member '" + e.name + "' runs past the end of the file");
  ZipMember m{e.name, {}};
  if (e.method == kMethodStored) {
    if (e.size != e.compressed_size) zip.corrupt("stored member '" + e.name + "' has two sizes");
    m.data.assign(stored.begin(), stored.end());
  } else if (e.method == kMethodDeflated) {
    m.data = inflate_raw(zip, stored, e);
  } else {
    zip.corrupt("member '" + e.name + "' uses compression method " + std::to_string(e.method) +
                "; only stored and deflated members are supported");
  }
  uLong crc = crc32(0L, Z_NULL, 0);
  for (size_t done = 0; done < m.data.size();) {
    const size_t n = std::min<size_t>(m.data.size() - done, size_t{1} << 30);
    crc = crc32(crc, reinterpret_cast<const Bytef*>(m.data.data() + done), static_cast<uInt>(n));
    done += n;
  }
  if (crc != e.crc) zip.corrupt("CRC-32 mismatch in member '" + e.name + "'");
  return m;
}

void put(std::string& out, uint64_t value, size_t width) {
  for (size_t i = 0; i < width; ++i) out += static_cast<char>((value >> (8 * i)) & 0xff);
}

}  // namespace

std::vector<ZipMember> read_zip(std::span<const uint8_t> archive, const std::string& source) {
  const ArchiveView zip(archive, source);
  const Directory dir = find_directory(zip);
  std::vector<ZipMember> members;
  uint64_t pos = dir.offset;
  for (uint64_t i = 0; i < dir.entries; ++i) {
    const Entry e = read_entry(zip, pos);
    if (!e.name.empty() && e.name.back() == '/') continue;
    members.push_back(extract(zip, e));
  }
  return members;
}

std::string write_zip(const std::vector<ZipMember>& members, const std::string& target) {
  constexpr uint16_t kVersion = 20, kMadeByUnix = (3 << 8) | kVersion, kDosDate1980 = (1 << 5) | 1;
  constexpr uint32_t kRegularFileMode = 0100644u << 16;
  const auto too_large = [&] {
    return InputError("cannot write '" + target + "': .npz output is limited to 4 GiB and 65535 arrays; " +
                      "write the arrays as separate .npy files");
  };
  if (members.size() >= 0xffff) throw too_large();
  std::string out, directory;
  for (const ZipMember& m : members) {
    if (m.name.size() > 0xffff || m.data.size() >= kSaturated32 || out.size() >= kSaturated32) throw too_large();
    const bool ascii = std::all_of(m.name.begin(), m.name.end(), [](char c) { return (c & 0x80) == 0; });
    const uint32_t crc = crc32(0L, reinterpret_cast<const Bytef*>(m.data.data()), static_cast<uInt>(m.data.size()));
    // Fields shared by the local header and the central entry, from "flags" to "extra length".
    std::string common;
    put(common, ascii ? 0 : kFlagUtf8Name, 2);
    put(common, kMethodStored, 2);
    put(common, 0, 2);  // time 00:00:00
    put(common, kDosDate1980, 2);
    put(common, crc, 4);
    put(common, m.data.size(), 4);
    put(common, m.data.size(), 4);
    put(common, m.name.size(), 2);
    put(common, 0, 2);

    put(directory, kCentralHeaderSig, 4);
    put(directory, kMadeByUnix, 2);
    put(directory, kVersion, 2);
    directory += common;
    put(directory, 0, 2);  // comment length
    put(directory, 0, 2);  // disk number
    put(directory, 0, 2);  // internal attributes
    put(directory, kRegularFileMode, 4);
    put(directory, out.size(), 4);
    directory += m.name;

    put(out, kLocalHeaderSig, 4);
    put(out, kVersion, 2);
    out += common;
    out += m.name;
    out += m.data;
  }
  if (out.size() >= kSaturated32 || directory.size() >= kSaturated32) throw too_large();
  const uint64_t directory_offset = out.size();
  out += directory;
  put(out, kEndSig, 4);
  put(out, 0, 4);  // this disk, disk with the directory
  put(out, members.size(), 2);
  put(out, members.size(), 2);
  put(out, directory.size(), 4);
  put(out, directory_offset, 4);
  put(out, 0, 2);  // comment length
  return out;
}

}  // namespace tinyc::io
