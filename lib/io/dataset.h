// Data sets given on the command line (calibration and evaluation data): one .npy, or a folder of
// .npy files whose rows are stacked in file-name order.
#pragma once

#include <filesystem>

#include "ir/tensor.h"

namespace tinyc::io {

// A file is read as one .npy (read_npy). A folder's *.npy files (other files are ignored) are read
// in lexicographic file-name order and concatenated along dim 0 (np.concatenate): each file holds
// one or more rows, and every file must agree on dtype and on the dims past 0 (the row shape).
// Throws InputError naming the folder for: no .npy file in it, a file of rank 0, or a file whose
// dtype or row shape differs from the first file's (naming both files); read_npy's errors otherwise.
ir::Tensor read_dataset(const std::filesystem::path& path);

}  // namespace tinyc::io
