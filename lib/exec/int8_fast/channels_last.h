// The input copy of the fast int8 depthwise convolution: one block of channels of an NCHW int8 image
// as padded channels-last int16 differences x - z_in, each output channel's input channel in its own
// lane, so that a window's tap reads one contiguous run of channels.
#pragma once

#include <cstdint>

#include "exec/int8_fast/depthwise_channels_last.h"

namespace tinyc::exec::int8_fast {

// Output channels [first, first + kDepthwiseLanes) of `image` (p.groups x in_h x in_w) into
// `padded` (packed.padded_h x packed.padded_w x kDepthwiseLanes): input (h, w) of output channel
// first + j's input channel at position (h + pad_top, w + pad_left), lane j; every other element
// (padding, lanes past the channels) 0. `input_end`: the end of the memory the copy may read (at
// least the image's end).
void copy_channels_last(const int8_reference::ConvParams& p, const PackedDepthwise& packed, const int8_t* image,
                        const int8_t* input_end, int64_t first, int16_t* padded);

}  // namespace tinyc::exec::int8_fast
