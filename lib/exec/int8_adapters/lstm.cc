// int8 LSTM adapter: a forward LSTM whose only output is Y, from a zero state, as TFLite Micro's
// UNIDIRECTIONAL_SEQUENCE_LSTM (int8_reference::lstm_int8).
#include "exec/int8_adapters/factories.h"
#include "exec/int8_adapters/int8_kernel.h"
#include "exec/int8_reference/int8_lstm.h"
#include "exec/shape/recurrent.h"

namespace tinyc::exec::int8_adapters {

namespace {

constexpr size_t kX = 0;

class LstmInt8 final : public kernels::Kernel {
 public:
  void prepare(const PrepareContext& ctx) override {
    int8_input(ctx, kX, "input");
    int8_output(ctx, 0);
    std::vector<const ir::Shape*> shapes;
    for (size_t i = 0; i < ctx.inputs.size(); ++i) shapes.push_back(ctx.input(i).present ? &ctx.input(i).shape : nullptr);
    const shape::RecurrentGeometry g = shape::recurrent_geometry(ctx.node, shapes);
    p_ = named(ctx, [&] {
      return int8_reference::prepare_lstm({g.seq, g.batch, g.input, g.hidden, !g.batch_first}, ctx.node);
    });
    require_output_count(ctx, g.seq * g.batch * g.hidden);
  }

  // Axis 0 is time unless the layout is batch first.
  bool mixes_axis0() const override { return p_.geometry.time_major; }

  void eval(const EvalArgs& args) const override {
    const int8_reference::LstmGeometry& g = p_.geometry;
    int8_reference::lstm_int8(p_, args.in<int8_t>(kX, g.steps * g.batch * g.input),
                              args.out<int8_t>(0, g.steps * g.batch * g.hidden));
  }

 private:
  int8_reference::LstmParams p_;
};

}  // namespace

std::unique_ptr<kernels::Kernel> make_lstm() { return std::make_unique<LstmInt8>(); }

}  // namespace tinyc::exec::int8_adapters
