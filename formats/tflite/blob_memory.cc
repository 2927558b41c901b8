// blob_memory: verify, unpack, and plan the arena two ways (the file's, tinyc's).
#include "formats/tflite/blob_memory.h"

#include <memory>

#include "formats/tflite/arena_plan.h"
#include "formats/tflite/read.h"
#include "formats/tflite/tflm_persistent.h"
#include "formats/tflite/tflm_setup.h"

namespace tinyc::tflite_format {

BlobMemory blob_memory(std::string_view bytes) {
  const TfliteSummary summary = read_tflite_bytes(bytes);  // verifies and checks every index
  const std::unique_ptr<tflite_fb::ModelT> model(tflite_fb::GetModel(bytes.data())->UnPack());
  BlobMemory m;
  m.flash_bytes = bytes.size();
  m.constant_bytes = summary.constant_bytes;
  m.has_offline_plan = !read_offline_plan(*model).empty();
  const ArenaPlan as_is = tflm_arena(*model);
  const ArenaPlan planned = plan_arena(*model);
  m.arena_head_bytes = as_is.arena_bytes;
  m.planned_head_bytes = planned.arena_bytes;
  m.lower_bound_bytes = planned.lower_bound_bytes;
  m.persistent_bytes_mcu = tflm_persistent_bytes(*model, PointerWidth::Bits32);
  m.persistent_bytes_host = tflm_persistent_bytes(*model, PointerWidth::Bits64);
  m.setup_bytes_mcu = tflm_setup_bytes(*model, as_is, PointerWidth::Bits32);
  m.setup_bytes_host = tflm_setup_bytes(*model, as_is, PointerWidth::Bits64);
  return m;
}

}  // namespace tinyc::tflite_format
