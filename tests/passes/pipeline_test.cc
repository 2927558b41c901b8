// Pipeline text parsing, option validation, and the pass manager's loop.
#include <catch2/catch.hpp>

#include "exec/shape_inference.h"
#include "ir/error.h"
#include "passes/pass_manager.h"
#include "passes/pipeline.h"
#include "passes/registry.h"

using namespace tinyc;
using namespace tinyc::passes;

TEST_CASE("every registered pass has a snake_case name, a description and a factory") {
  REQUIRE_FALSE(registered_passes().empty());
  for (const PassInfo& p : registered_passes()) {
    INFO(p.name);
    CHECK_FALSE(p.description.empty());
    CHECK(p.create != nullptr);
    for (char c : p.name) {
      const auto u = static_cast<unsigned char>(c);
      CHECK((std::islower(u) || std::isdigit(u) || c == '_'));
    }
    CHECK(find_pass(p.name) == &p);
  }
}

TEST_CASE("a pipeline parses into steps and prints back canonically") {
  auto steps = parse_pipeline(" eliminate_dead , remove_identity ");
  REQUIRE(steps.size() == 2);
  CHECK(steps[0].info->name == "eliminate_dead");
  CHECK(steps[1].info->name == "remove_identity");
  CHECK(pipeline_to_string(steps) == "eliminate_dead,remove_identity");
}

TEST_CASE("pipeline errors name the problem") {
  auto message = [](const std::string& text) {
    try {
      parse_pipeline(text);
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK(message("no_such_pass").find("unknown pass 'no_such_pass'") != std::string::npos);
  CHECK(message("eliminate_dead,,remove_identity").find("empty step") != std::string::npos);
  CHECK(message("eliminate_dead(").find("unclosed") != std::string::npos);
  CHECK(message("eliminate_dead)").find("unbalanced") != std::string::npos);
  CHECK(message("eliminate_dead(x=1)").find("has no option 'x'") != std::string::npos);
  CHECK(message("eliminate_dead(novalue)").find("key=value") != std::string::npos);
}

TEST_CASE("the full text of a pipeline names every option of every step, given or default, in documented order") {
  const auto steps = parse_pipeline("fold_constants,prune(granularity=unstructured,ratio=0.25),quantize_int8(calib=mse)");
  CHECK(pipeline_to_full_string(steps) ==
        "fold_constants,prune(ratio=0.25,mac_ratio=-1,granularity=unstructured,ranking=activation,reconstruct=true,"
        "rows=512,sensitivity_rows=128,max_layer_ratio=0.9),quantize_int8(calib=mse,percentile=99.99,"
        "weight_scales=per_channel,weight_bits=8,rounding=nearest)");
  // It parses back to the same steps with the same option values.
  CHECK(pipeline_to_full_string(parse_pipeline(pipeline_to_full_string(steps))) == pipeline_to_full_string(steps));
  CHECK(has_step(steps, "prune"));
  CHECK_FALSE(has_step(steps, "bias_correction"));
}

TEST_CASE("check_pipeline refuses bad option values and float-weight passes after quantize_int8, before any work") {
  auto message = [](const std::string& text) {
    try {
      check_pipeline(parse_pipeline(text));
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK(message("fold_constants,prune(ratio=0.5),bias_correction,quantize_int8,eliminate_dead") == "no error");
  CHECK(message("quantize_int8,prune(ratio=0.5)") ==
        "--passes: prune after quantize_int8: prune works on the float weights; put it before quantize_int8");
  CHECK(message("quantize_int8,bias_correction").find("bias_correction after quantize_int8") != std::string::npos);
  CHECK(message("quantize_int8,equalize_cross_layer").find("put it before quantize_int8") != std::string::npos);
  CHECK(message("quantize_int8,quantize_int8").find("quantize once") != std::string::npos);
  CHECK(message("prune(ratio=1.5)").find("ratio") != std::string::npos);
  CHECK(message("quantize_int8(weight_scales=rows)").find("not a weight scale choice") != std::string::npos);
}

TEST_CASE("typed pass options validate their values") {
  PassOptions o("prune", {{"ratio", "0.5"}, {"n", "3"}, {"flag", "true"}, {"bad", "x1"}});
  CHECK(o.get_double("ratio", 0) == 0.5);
  CHECK(o.get_int("n", 0) == 3);
  CHECK(o.get_bool("flag", false));
  CHECK(o.get_double("missing", 0.25) == 0.25);
  CHECK_THROWS_AS(o.get_double("bad", 0), InputError);
  CHECK_THROWS_AS(o.get_int("ratio", 0), InputError);
  CHECK_THROWS_AS(o.get_bool("n", false), InputError);
}

TEST_CASE("the pass manager runs steps, re-infers shapes, and reports") {
  ir::Graph g;
  g.opset_imports[""] = 13;
  ir::Value* x = g.add_input("x", ir::DType::Float32, {1, 4});
  ir::Node* id = g.add_node("Identity", {x}, {"i"}, "id");
  ir::Node* relu = g.add_node("Relu", {id->output(0)}, {"y"}, "relu");
  g.add_node("Relu", {x}, {"unused"}, "dead");
  g.add_output(relu->output(0));
  g.add_constant("orphan", ir::Tensor(ir::DType::Float32, {16}));
  exec::infer_shapes(g);

  std::vector<std::string> seen;
  PassManagerOptions options;
  options.after_pass = [&](const std::string& name, const ir::Graph&) { seen.push_back(name); };
  auto summaries = run_pipeline(g, parse_pipeline("remove_identity,eliminate_dead"), options);
  REQUIRE(summaries.size() == 2);
  CHECK(summaries[0].result.rewrites == 1);
  CHECK(summaries[1].result.rewrites == 2);  // the dead Relu and the orphan constant
  CHECK(summaries[1].result.bytes_saved == 64);
  CHECK(seen == std::vector<std::string>{"remove_identity", "eliminate_dead"});
  CHECK(g.node_count() == 1);
  CHECK(relu->input(0) == x);
  CHECK(describe(summaries[1]).find("2 rewrites, 64 B saved") != std::string::npos);
}
