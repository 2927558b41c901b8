// .npy reading and writing: the magic/version preamble, the header dict, dtype codes, C-order data.
// Format: "\x93NUMPY", major, minor, header length (uint16 for 1.0, uint32 for 2.0/3.0), then a
// Python dict literal {'descr': ..., 'fortran_order': ..., 'shape': (...)} padded with spaces and
// ended by '\n', then the raw elements.
#include "io/npy.h"

#include <algorithm>
#include <array>
#include <string_view>

#include "io/atomic_file.h"
#include "io/file_bytes.h"
#include "ir/error.h"

namespace tinyc::io {
namespace {

using ir::DType;

constexpr std::string_view kMagic = "\x93NUMPY";
constexpr size_t kPreambleMax = 12;                  // magic, version, 4-byte header length
constexpr size_t kMaxHeaderBytes = size_t{1} << 20;  // real headers are a few hundred bytes
constexpr size_t kDataAlignment = 64;

// One element type .npy files can carry, as NumPy spells it: kind letter and byte size.
struct DTypeCode {
  DType dtype;
  char kind;
  size_t size;
};
constexpr std::array kDTypeCodes = {
    DTypeCode{DType::Float16, 'f', 2}, DTypeCode{DType::Float32, 'f', 4}, DTypeCode{DType::Float64, 'f', 8},
    DTypeCode{DType::Int8, 'i', 1},    DTypeCode{DType::Int16, 'i', 2},   DTypeCode{DType::Int32, 'i', 4},
    DTypeCode{DType::Int64, 'i', 8},   DTypeCode{DType::UInt8, 'u', 1},   DTypeCode{DType::UInt16, 'u', 2},
    DTypeCode{DType::UInt32, 'u', 4},  DTypeCode{DType::UInt64, 'u', 8},  DTypeCode{DType::Bool, 'b', 1},
};

// Header text is untrusted: show at most 40 printable characters of it in a message.
std::string printable(std::string_view s) {
  std::string out;
  for (char c : s.substr(0, 40)) out += (c >= 0x20 && c < 0x7f) ? c : '?';
  if (s.size() > 40) out += "...";
  return out;
}

// The three entries of an .npy header dict.
struct NpyHeader {
  std::string descr;  // the dtype string, or the raw text of a non-string (structured) descr
  bool descr_is_string = false;
  bool fortran_order = false;
  ir::Shape shape;
};

// Parses the Python dict literal of an .npy header: any key order, any whitespace, single or double
// quotes, trailing commas. Anything else is a malformed header.
class HeaderParser {
 public:
  HeaderParser(std::string_view text, const std::string& source) : text_(text), source_(source) {}

  NpyHeader parse() {
    NpyHeader h;
    bool seen_descr = false, seen_fortran = false, seen_shape = false;
    skip_space();
    expect('{');
    for (;;) {
      skip_space();
      if (take('}')) break;
      const std::string key = parse_string();
      skip_space();
      expect(':');
      skip_space();
      if (key == "descr" && !seen_descr) {
        seen_descr = true;
        h.descr_is_string = peek() == '\'' || peek() == '"';
        h.descr = h.descr_is_string ? parse_string() : skip_value();
      } else if (key == "fortran_order" && !seen_fortran) {
        seen_fortran = true;
        h.fortran_order = parse_bool();
      } else if (key == "shape" && !seen_shape) {
        seen_shape = true;
        h.shape = parse_shape();
      } else {
        fail("unexpected or repeated key '" + printable(key) + "'");
      }
      skip_space();
      if (take(',')) continue;
      expect('}');
      break;
    }
    skip_space();
    if (pos_ != text_.size()) fail("unexpected text after the dict");
    if (!seen_descr) fail("no 'descr' key");
    if (!seen_fortran) fail("no 'fortran_order' key");
    if (!seen_shape) fail("no 'shape' key");
    return h;
  }

 private:
  [[noreturn]] void fail(const std::string& what) const {
    throw InputError(source_ + " has a malformed .npy header (" + what + " at byte " + std::to_string(pos_) +
                     "); re-save it with np.save");
  }
  char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
  bool take(char c) {
    if (pos_ >= text_.size() || text_[pos_] != c) return false;
    ++pos_;
    return true;
  }
  void expect(char c) {
    if (!take(c)) fail(std::string("expected '") + c + "'");
  }
  void skip_space() {
    while (pos_ < text_.size() && std::string_view(" \t\n\r\f\v").find(text_[pos_]) != std::string_view::npos) ++pos_;
  }

  std::string parse_string() {
    const char quote = peek();
    if (quote != '\'' && quote != '"') fail("expected a quoted string");
    const size_t end = text_.find(quote, pos_ + 1);
    if (end == std::string_view::npos) fail("unterminated string");
    std::string s(text_.substr(pos_ + 1, end - pos_ - 1));
    pos_ = end + 1;
    return s;
  }

  bool parse_bool() {
    for (bool value : {true, false}) {
      const std::string_view word = value ? "True" : "False";
      if (text_.substr(pos_, word.size()) == word) {
        pos_ += word.size();
        return value;
      }
    }
    fail("expected True or False");
  }

  ir::Shape parse_shape() {
    expect('(');
    ir::Shape shape;
    for (;;) {
      skip_space();
      if (take(')')) return shape;
      shape.push_back(parse_dim());
      skip_space();
      if (take(',')) continue;
      expect(')');
      return shape;
    }
  }

  // A Python int literal: optional sign, digits with '_' separators, optional Python 2 'L' suffix.
  int64_t parse_dim() {
    const bool negative = take('-');
    if (!negative) take('+');
    int64_t value = 0;
    size_t digits = 0;
    for (; pos_ < text_.size(); ++pos_) {
      const char c = text_[pos_];
      if (c == '_' && digits > 0) continue;
      if (c < '0' || c > '9') break;
      ++digits;
      if (__builtin_mul_overflow(value, 10, &value) || __builtin_add_overflow(value, c - '0', &value))
        throw InputError(source_ + " has a shape dimension too large for a 64-bit integer");
    }
    if (digits == 0) fail("expected an integer dimension");
    if (!take('L')) take('l');
    if (negative && value != 0) throw InputError(source_ + " has a negative dimension in its shape");
    return value;
  }

  // Skips a non-string value (a structured dtype's list of fields) and returns its text.
  std::string skip_value() {
    const size_t start = pos_;
    int depth = 0;
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c == '\'' || c == '"') {
        parse_string();
        continue;
      }
      if (depth == 0 && (c == ',' || c == '}')) break;
      if (c == '(' || c == '[' || c == '{') ++depth;
      if (c == ')' || c == ']' || c == '}') --depth;
      if (depth < 0) fail("unbalanced brackets");
      ++pos_;
    }
    if (depth != 0) fail("unbalanced brackets");
    if (pos_ == start) fail("expected a value");
    return std::string(text_.substr(start, pos_ - start));
  }

  std::string_view text_;
  const std::string& source_;
  size_t pos_ = 0;
};

// Maps a descr string to a DType: '<' (or any byte order for 1-byte types), kind letter, byte size.
DType dtype_from_descr(const NpyHeader& h, const std::string& source) {
  const std::string& d = h.descr;
  const auto unsupported = [&] {
    return InputError(source + " has unsupported dtype '" + printable(d) +
                      "'; tinyc reads little-endian float, int, uint and bool arrays (convert with "
                      "arr.astype(np.float32))");
  };
  if (!h.descr_is_string || d.size() < 3 || d.size() > 4) throw unsupported();
  const char order = d[0], kind = d[1];
  const std::string_view size_text = std::string_view(d).substr(2);
  if (size_text.find_first_not_of("0123456789") != std::string_view::npos) throw unsupported();
  const size_t size = std::stoul(std::string(size_text));
  for (const DTypeCode& code : kDTypeCodes) {
    if (code.kind != kind || code.size != size) continue;
    if (size == 1 && (order == '<' || order == '>' || order == '|')) return code.dtype;
    if (order == '<') return code.dtype;
    if (order == '>')
      throw InputError(source + " has big-endian dtype '" + d + "'; convert it with arr.astype('<" + d.substr(1) +
                       "')");
    throw unsupported();
  }
  throw unsupported();
}

// Where the header text lies, from the fixed-size preamble before it.
struct Preamble {
  size_t header_begin = 0;
  size_t header_end = 0;
};

Preamble read_preamble(std::span<const uint8_t> head, const std::string& source) {
  if (head.size() < kMagic.size() ||
      std::string_view(reinterpret_cast<const char*>(head.data()), kMagic.size()) != kMagic)
    throw InputError(source + " is not a .npy file (it lacks the NumPy magic bytes); save it with np.save");
  if (head.size() < 8) throw InputError(source + " is truncated inside its .npy header");
  const int major = head[6], minor = head[7];
  if (major < 1 || major > 3 || minor != 0)
    throw InputError(source + " uses .npy format version " + std::to_string(major) + "." + std::to_string(minor) +
                     ", which tinyc does not read (1.0, 2.0 and 3.0 only)");
  const size_t length_bytes = major == 1 ? 2 : 4;
  if (head.size() < 8 + length_bytes) throw InputError(source + " is truncated inside its .npy header");
  size_t header_length = 0;
  for (size_t i = 0; i < length_bytes; ++i) header_length |= size_t{head[8 + i]} << (8 * i);
  if (header_length > kMaxHeaderBytes)
    throw InputError(source + " declares a " + std::to_string(header_length) +
                     "-byte .npy header, too large to be real; re-save it with np.save");
  return {8 + length_bytes, 8 + length_bytes + header_length};
}

// What the header says about the data that follows it.
struct NpyLayout {
  DType dtype = DType::Undefined;
  ir::Shape shape;
  size_t data_bytes = 0;
};

NpyLayout parse_layout(std::span<const uint8_t> file_start, const Preamble& p, const std::string& source) {
  const std::string_view text(reinterpret_cast<const char*>(file_start.data()) + p.header_begin,
                              p.header_end - p.header_begin);
  const NpyHeader h = HeaderParser(text, source).parse();
  NpyLayout layout;
  layout.dtype = dtype_from_descr(h, source);
  if (h.fortran_order) throw InputError(source + " is stored in Fortran order; save it with np.ascontiguousarray");
  layout.shape = h.shape;
  size_t bytes = ir::dtype_size(layout.dtype);
  for (int64_t dim : h.shape)
    if (__builtin_mul_overflow(bytes, static_cast<uint64_t>(dim), &bytes))
      throw InputError(source + " has shape " + ir::shape_to_string(h.shape) + ", too large to hold in memory");
  layout.data_bytes = bytes;
  return layout;
}

InputError truncated_data(const std::string& source, const NpyLayout& layout, uint64_t available) {
  return InputError(source + " is truncated: its header promises " + std::to_string(layout.data_bytes) +
                    " bytes of data, found " + std::to_string(available));
}

// Bool elements must be 0 or 1; anything else is not a NumPy bool array.
void check_bools(const ir::Tensor& t, const std::string& source) {
  if (t.dtype() != DType::Bool) return;
  for (uint8_t b : t.bytes())
    if (b > 1) throw InputError(source + " holds a bool element that is neither 0 nor 1");
}

std::string descr_of(DType dtype) {
  for (const DTypeCode& code : kDTypeCodes)
    if (code.dtype == dtype) return std::string(1, code.size == 1 ? '|' : '<') + code.kind + std::to_string(code.size);
  return {};
}

std::string shape_repr(const ir::Shape& shape) {
  std::string s = "(";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + (shape.size() == 1 ? ",)" : ")");
}

}  // namespace

ir::Tensor decode_npy(std::span<const uint8_t> bytes, const std::string& source) {
  const Preamble p = read_preamble(bytes.first(std::min(bytes.size(), kPreambleMax)), source);
  if (bytes.size() < p.header_end) throw InputError(source + " is truncated inside its .npy header");
  const NpyLayout layout = parse_layout(bytes, p, source);
  const size_t available = bytes.size() - p.header_end;
  if (available < layout.data_bytes) throw truncated_data(source, layout, available);
  ir::Tensor t(layout.dtype, layout.shape);
  std::copy_n(bytes.begin() + static_cast<std::ptrdiff_t>(p.header_end), layout.data_bytes, t.mutable_bytes().begin());
  check_bools(t, source);
  return t;
}

ir::Tensor read_npy(const std::filesystem::path& path) {
  const std::string source = path.string();
  InputFile file(path, "data file");
  const uint64_t file_size = file.size();

  std::vector<uint8_t> start(std::min<uint64_t>(file_size, kPreambleMax));
  file.read_at(0, start.data(), start.size());
  const Preamble p = read_preamble(start, source);
  if (file_size < p.header_end) throw InputError(source + " is truncated inside its .npy header");
  if (p.header_end > start.size()) {
    const size_t have = start.size();
    start.resize(p.header_end);
    file.read_at(have, start.data() + have, p.header_end - have);
  }
  const NpyLayout layout = parse_layout(std::span(start).first(p.header_end), p, source);
  if (file_size - p.header_end < layout.data_bytes) throw truncated_data(source, layout, file_size - p.header_end);

  ir::Tensor t(layout.dtype, layout.shape);
  file.read_at(p.header_end, t.mutable_bytes().data(), layout.data_bytes);
  check_bools(t, source);
  return t;
}

std::string encode_npy(const ir::Tensor& t, const std::string& target) {
  const std::string descr = descr_of(t.dtype());
  if (descr.empty())
    throw InputError("cannot write " + std::string(ir::dtype_name(t.dtype())) + " tensor to '" + target +
                     "': .npy output holds numeric and bool tensors only");
  const std::string dict =
      "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape_repr(t.shape()) + ", }";
  // Format 1.0 unless the padded header outgrows its 16-bit length (ranks in the thousands).
  const auto padded = [&](size_t preamble) {
    const size_t unpadded = preamble + dict.size() + 1;
    return dict + std::string((kDataAlignment - unpadded % kDataAlignment) % kDataAlignment, ' ') + '\n';
  };
  const bool version1 = padded(10).size() <= 0xffff;
  const size_t length_bytes = version1 ? 2 : 4;
  const std::string header = padded(8 + length_bytes);

  std::string out(kMagic);
  out += static_cast<char>(version1 ? 1 : 2);
  out += '\0';
  for (size_t i = 0; i < length_bytes; ++i) out += static_cast<char>((header.size() >> (8 * i)) & 0xff);
  out += header;
  out.append(reinterpret_cast<const char*>(t.bytes().data()), t.byte_size());
  return out;
}

void write_npy(const std::filesystem::path& path, const ir::Tensor& t) {
  write_file_atomically(path, encode_npy(t, path.string()));
}

}  // namespace tinyc::io
