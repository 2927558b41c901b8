// What a .tflite file costs on the device under TensorFlow Lite Micro: its flash bytes, the head
// (activation) section of TFLM's arena for the file as it is and for tinyc's plan of it, and the
// persistent tail.
#pragma once

#include <algorithm>
#include <cstddef>
#include <string_view>

namespace tinyc::tflite_format {

// Memory facts of one .tflite file (reference kernels; CMSIS-NN kernels request more scratch).
struct BlobMemory {
  size_t flash_bytes = 0;     // the file
  size_t constant_bytes = 0;  // the data of its buffers (weights, biases, metadata)
  bool has_offline_plan = false;
  // The head TFLM sets up for this file: with the file's OfflineMemoryAllocation plan, or with its
  // own greedy planner when the file has none. Exact for the reference kernels.
  size_t arena_head_bytes = 0;
  size_t planned_head_bytes = 0;  // the head with tinyc's plan for the file's operator order
  size_t lower_bound_bytes = 0;   // the most bytes alive at one step in that order
  // TFLM's persistent tail, estimated (tflm_persistent.h) for a 32-bit MCU and for a 64-bit host.
  size_t persistent_bytes_mcu = 0;
  size_t persistent_bytes_host = 0;
  // What TFLM places in the head while it sets the model up (tflm_setup.h), for both widths.
  size_t setup_bytes_mcu = 0;
  size_t setup_bytes_host = 0;

  // The whole arena a 32-bit MCU must give TFLM for this file: the head (or, when larger, what setup
  // puts there first) plus the tail estimate. The same for the 64-bit host, which tests measure.
  size_t ram_bytes() const { return std::max(arena_head_bytes, setup_bytes_mcu) + persistent_bytes_mcu; }
  size_t ram_bytes_host() const { return std::max(arena_head_bytes, setup_bytes_host) + persistent_bytes_host; }
};

// Verifies the FlatBuffer first; InputError "not a valid .tflite file: ..." when it fails, or when
// the model has several subgraphs or an unreadable plan.
BlobMemory blob_memory(std::string_view bytes);

}  // namespace tinyc::tflite_format
