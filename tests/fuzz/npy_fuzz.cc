// Fuzz target: .npy bytes and .npz archives (zip of .npy members), as --calib, --eval, --labels and
// `tinyc run` read them. Both readers see every input.
#include <span>

#include "fuzz_support.h"
#include "io/npy.h"
#include "io/zip.h"

using namespace tinyc;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  fuzz::quiet();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> bytes(data, size);
  fuzz::refusals_only([&] { io::decode_npy(bytes, "fuzz.npy"); });
  fuzz::refusals_only([&] {
    for (const io::ZipMember& m : io::read_zip(bytes, "fuzz.npz"))
      io::decode_npy({reinterpret_cast<const uint8_t*>(m.data.data()), m.data.size()}, m.name);
  });
  return 0;
}
