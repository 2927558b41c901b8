// The arena plan a blob carries: TFLM's rules for which tensors it plans and when they live, the
// OfflineMemoryAllocation layout, and on every corpus model TFLM's measured head equal to tinyc's
// plan, at the lower bound, and no larger than TFLM's own plan.
#include <catch2/catch.hpp>

#include <iostream>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "corpus_int8.h"
#include "formats/tflite/arena_plan.h"
#include "formats/tflite/blob_memory.h"
#include "formats/tflite/emit.h"
#include "quantized_graphs.h"
#include "support/test_support.h"
#include "tflm_judge.h"

using namespace tinyc;
using namespace tinyc::tflite_test;

namespace {

std::unique_ptr<tflite_fb::ModelT> unpack(const std::string& bytes) {
  return std::unique_ptr<tflite_fb::ModelT>(tflite_fb::GetModel(bytes.data())->UnPack());
}

}  // namespace

TEST_CASE("arena plan: constants are not planned, activations are, at 16-byte offsets, never sharing bytes while alive",
          "[tflite][arena]") {
  const std::string bytes = tflite_format::emit_tflite_bytes(*small_cnn());
  const auto model = unpack(bytes);
  const std::vector<int32_t> stored = tflite_format::read_offline_plan(*model);
  const auto& g = *model->subgraphs.front();
  REQUIRE(stored.size() == g.tensors.size());
  for (size_t t = 0; t < g.tensors.size(); ++t) {
    const bool constant = !model->buffers[g.tensors[t]->buffer]->data.empty();
    INFO("tensor " << t);
    CHECK((stored[t] < 0) == constant);
    if (stored[t] >= 0) CHECK(stored[t] % 16 == 0);
  }
  const tflite_format::ArenaPlan plan = tflite_format::plan_arena(*model);
  CHECK(plan.tensor_offsets == stored);
  for (const auto& a : plan.buffers)
    for (const auto& b : plan.buffers) {
      if (&a == &b || a.last_step < b.first_step || b.last_step < a.first_step) continue;
      CHECK((a.offset + a.bytes <= b.offset || b.offset + b.bytes <= a.offset));
    }
  // input [1,6,6,2] = 72 -> 80 and conv_out [1,6,6,4] = 144 are alive together at the conv.
  CHECK(plan.lower_bound_bytes == 80 + 144);
  CHECK(plan.arena_bytes == plan.lower_bound_bytes);
}

TEST_CASE("arena plan: the metadata is version 1, one subgraph, the tensor count, the offsets, --no-memory-plan leaves it out",
          "[tflite][arena]") {
  const auto g = small_cnn();
  const auto model = unpack(tflite_format::emit_tflite_bytes(*g));
  REQUIRE(model->metadata.size() == 1);
  CHECK(model->metadata[0]->name == tflite_format::kOfflinePlanMetadata);
  const std::vector<uint8_t>& data = model->buffers[model->metadata[0]->buffer]->data;
  std::vector<int32_t> words(data.size() / 4);
  std::memcpy(words.data(), data.data(), words.size() * 4);
  REQUIRE(words.size() == 3 + model->subgraphs[0]->tensors.size());
  CHECK(words[0] == 1);
  CHECK(words[1] == 1);
  CHECK(words[2] == static_cast<int32_t>(model->subgraphs[0]->tensors.size()));
  tflite_format::EmitOptions options;
  options.memory_plan = false;
  const auto bare = unpack(tflite_format::emit_tflite_bytes(*g, options));
  CHECK(bare->metadata.empty());
  CHECK(tflite_format::read_offline_plan(*bare).empty());
}

namespace {

// The corpus models quantized with `weights`: TFLM's measured head and tail against tinyc's plan
// and estimates.
void check_corpus_arenas(const passes::WeightChoice& weights) {
  const std::string label = weights.scales + ", " + weights.bits + "-bit weights";
  test::TempDir dir;
  for (const auto& model : test::corpus_manifest().at("models").items()) {
    const std::string name = model.key();
    INFO("model " << name << ", " << label);
    const auto g = corpus_int8_graph(name, weights);
    tflite_format::EmitOptions without;
    without.memory_plan = false;
    const auto planned = dir.path() / (name + ".tflite");
    const auto unplanned = dir.path() / (name + ".noplan.tflite");
    tflite_format::emit_tflite_file(*g, planned);
    tflite_format::emit_tflite_file(*g, unplanned, without);
    const auto memory = tflite_format::blob_memory(test::read_bytes(planned));
    const TflmResult tflm_with = run_tflm(planned, {}, dir.path(), TflmKernels::Reference, /*find_min_arena=*/true);
    const TflmResult tflm_without = run_tflm(unplanned, {}, dir.path());
    REQUIRE(tflm_with.exit_code == 0);
    REQUIRE(tflm_without.exit_code == 0);
    const auto head_with = tflm_with.facts["arena_breakdown"]["head_nonpersistent_bytes"].get<size_t>();
    const auto head_without = tflm_without.facts["arena_breakdown"]["head_nonpersistent_bytes"].get<size_t>();
    std::cout << "arena " << name << " (" << label << "): TFLM head with tinyc's plan " << head_with << " B, TFLM's own plan "
              << head_without << " B, lower bound " << memory.lower_bound_bytes << " B; file " << memory.flash_bytes
              << " B for " << memory.constant_bytes << " B of constants\n";
    CHECK(tflm_with.facts["verifier_ok"] == true);
    CHECK(head_with == memory.arena_head_bytes);
    CHECK(memory.arena_head_bytes == memory.planned_head_bytes);
    CHECK(memory.planned_head_bytes == memory.lower_bound_bytes);
    CHECK(head_with <= head_without);
    // TFLM's tail on this 64-bit host against the estimate's host model.
    const auto tail = tflm_with.facts["arena_used_bytes"].get<int64_t>() - static_cast<int64_t>(head_with);
    CHECK(std::abs(tail - static_cast<int64_t>(memory.persistent_bytes_host)) <= 32);
    // The RAM figure is an arena that works: never below the smallest one TFLM runs in (which
    // exceeds head + tail where setup puts more in the head than the activations), and close to it.
    const auto smallest = tflm_with.facts["min_arena_bytes"].get<size_t>();
    std::cout << "arena " << name << " (" << label << "): smallest working arena " << smallest << " B, tinyc's RAM figure (host) "
              << memory.ram_bytes_host() << " B\n";
    CHECK(memory.ram_bytes_host() >= smallest);
    CHECK(memory.ram_bytes_host() <= smallest + 384);
  }
}

}  // namespace

TEST_CASE("arena plan: on every corpus model TFLM's head with the plan is tinyc's plan, at the lower bound, and no "
          "larger than TFLM's own plan", "[tflite][arena][tflm][corpus][slow]") {
  check_corpus_arenas({});
}

TEST_CASE("arena plan: with per-tensor fully connected weights TFLM's head and tail still match tinyc's figures",
          "[tflite][arena][tflm][corpus][slow]") {
  check_corpus_arenas({.scales = "fc_per_tensor"});
}

TEST_CASE("arena plan: with 4-bit weights TFLM's head (with the unpacked filters) and tail match tinyc's figures",
          "[tflite][arena][tflm][corpus][int4][slow]") {
  check_corpus_arenas({.bits = "4"});
}

TEST_CASE("arena plan: the RAM figure of a small model, where TFLM's setup outweighs the activations, is an arena "
          "TFLM runs in", "[tflite][arena][tflm]") {
  // TFLM reclaims a Prepare's temporaries only when it returns: CONV_2D and DEPTHWISE_CONV_2D take
  // seven, REDUCE_MAX six, STRIDED_SLICE five.
  std::vector<std::pair<std::string, std::unique_ptr<ir::Graph>>> graphs;
  graphs.emplace_back("conv", conv_graph({1, 3, 5, 6}, {2, 3, 1, 1}, {1, 2, 5, 6}, per_channel(channel_scales(2)),
                                         [](ir::Node* n) { n->attrs["kernel_shape"] = std::vector<int64_t>{1, 1}; }));
  graphs.emplace_back("depthwise", conv_graph({1, 3, 5, 5}, {3, 1, 3, 3}, {1, 3, 5, 5}, per_channel(channel_scales(3)),
                                              [](ir::Node* n) {
                                                n->attrs["group"] = int64_t{3};
                                                n->attrs["pads"] = std::vector<int64_t>{1, 1, 1, 1};
                                              }));
  graphs.emplace_back("slice_conv", slice_graph());
  graphs.emplace_back("reduce_max", reduce_max_graph("ReduceMax", {1, 3, 1, 1}, {{"axes", std::vector<int64_t>{2, 3}}}));
  test::TempDir dir;
  for (const auto& [name, g] : graphs) {
    INFO(name);
    const auto path = dir.path() / (name + ".tflite");
    tflite_format::emit_tflite_file(*g, path);
    const auto memory = tflite_format::blob_memory(test::read_bytes(path));
    const TflmResult tflm = run_tflm(path, {}, dir.path(), TflmKernels::Reference, /*find_min_arena=*/true);
    REQUIRE(tflm.exit_code == 0);
    const auto smallest = tflm.facts["min_arena_bytes"].get<size_t>();
    CHECK(smallest > tflm.facts["arena_used_bytes"].get<size_t>());  // setup, not the plan, sets the size here
    CHECK(memory.ram_bytes_host() >= smallest);
    CHECK(memory.ram_bytes_host() <= smallest + 128);
  }
}
