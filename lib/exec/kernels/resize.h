// The Resize / Upsample geometry of a node under prepare(), for the float kernel and the int8 adapter.
#pragma once

#include "exec/kernels/kernel.h"
#include "exec/shape/resizing.h"

namespace tinyc::exec::kernels {

// shape::resolve_resize with the sizes input's elements when they are known before run time.
shape::ResizeSpec prepared_resize_spec(const PrepareContext& ctx);

}  // namespace tinyc::exec::kernels
