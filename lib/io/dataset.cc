// Reading a data set from one .npy or from a folder of them.
#include "io/dataset.h"

#include <algorithm>
#include <string>
#include <vector>

#include "io/npy.h"
#include "ir/tensor_rows.h"

namespace tinyc::io {

namespace {

namespace fs = std::filesystem;

std::vector<fs::path> npy_files_in(const fs::path& folder) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec))
    if (it->path().extension() == ".npy" && it->is_regular_file(ec)) files.push_back(it->path());
  if (ec) throw InputError("cannot list data folder '" + folder.string() + "': " + ec.message());
  std::sort(files.begin(), files.end(),
            [](const fs::path& a, const fs::path& b) { return a.filename().string() < b.filename().string(); });
  return files;
}

std::string row_shape_text(const ir::Tensor& t) {
  return ir::shape_to_string(ir::Shape(t.shape().begin() + 1, t.shape().end()));
}

}  // namespace

ir::Tensor read_dataset(const fs::path& path) {
  std::error_code ec;
  if (!fs::is_directory(path, ec)) return read_npy(path);
  const std::vector<fs::path> files = npy_files_in(path);
  if (files.empty())
    throw InputError("data folder '" + path.string() + "' holds no .npy file; give a .npy or a folder of .npy files");
  std::vector<ir::Tensor> parts;
  for (const fs::path& file : files) {
    ir::Tensor t = read_npy(file);
    if (t.shape().empty())
      throw InputError("data file '" + file.string() + "' holds a scalar; every file of a data folder holds rows");
    if (!parts.empty()) {
      const ir::Tensor& first = parts.front();
      if (t.dtype() != first.dtype() ||
          !std::equal(t.shape().begin() + 1, t.shape().end(), first.shape().begin() + 1, first.shape().end()))
        throw InputError("data folder '" + path.string() + "': '" + file.filename().string() + "' holds " +
                         std::string(ir::dtype_name(t.dtype())) + " rows of shape " + row_shape_text(t) + " but '" +
                         files.front().filename().string() + "' holds " + std::string(ir::dtype_name(first.dtype())) +
                         " rows of shape " + row_shape_text(first) + "; every file must hold rows of one shape");
    }
    parts.push_back(std::move(t));
  }
  return ir::concat_rows(parts);
}

}  // namespace tinyc::io
