// Writes the seed corpora of the fuzz targets (scripts/fuzz.sh runs it into the build folder):
// small valid models of every op family, images in each format stb_image reads, and tensors.
// make_seeds OUT_DIR -> OUT_DIR/{import,image,tensor}/...
#include <filesystem>
#include <fstream>
#include <iostream>

#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb/stb_image_write.h>

#include "frontend/onnx_export.h"
#include "frontend/tensor_proto.h"
#include "graph_builder.h"
#include "passes/convert_fp16.h"
#include "passes/quantize_int8.h"

namespace fs = std::filesystem;
using namespace qcc;
using test::attrs;

namespace {

void save(const fs::path& p, const std::string& bytes) {
  std::ofstream(p, std::ios::binary) << bytes;
}
void save_model(const fs::path& p, const onnx::ModelProto& m) {
  save(p, m.SerializeAsString());
}

// conv-relu -> maxpool -> avgpool -> GAP -> flatten -> gemm -> softmax.
Graph small_cnn() {
  test::GraphBuilder b(7);
  Value* x = b.input("x", {kDynamicDim, 3, 8, 8});
  Value* c = b.conv(x, 8, 3, 1, 1)->out();
  Value* r = b.node(Op::Relu, {c})->out();
  auto window = attrs(
      {{"kernel_shape", std::vector<int64_t>{2, 2}}, {"strides", std::vector<int64_t>{2, 2}}});
  Value* mp = b.node(Op::MaxPool, {r}, window)->out();
  Value* ap = b.node(Op::AveragePool, {mp},
                     attrs({{"kernel_shape", std::vector<int64_t>{3, 3}},
                            {"pads", std::vector<int64_t>{1, 1, 1, 1}}}))
                  ->out();
  Value* gap = b.node(Op::GlobalAveragePool, {ap})->out();
  Value* flat = b.node(Op::Flatten, {gap}, attrs({{"axis", int64_t{1}}}))->out();
  Value* fc = b.node(Op::Gemm, {flat, b.constant("fc_w", {5, 8}), b.constant("fc_b", {5})},
                     attrs({{"transB", int64_t{1}}}))
                  ->out();
  b.output(b.node(Op::Softmax, {fc}, attrs({{"axis", int64_t{1}}}))->out());
  return b.take();
}

// Movement and arithmetic ops: pad, slice, transpose, concat, reshape, gather, batch norm.
Graph data_ops() {
  test::GraphBuilder b(9);
  Value* x = b.input("x", {kDynamicDim, 4, 6});
  Value* p = b.node(Op::Pad, {x},
                    attrs({{"pads", std::vector<int64_t>{0, 1, 0, 0, 1, 2}},
                           {"mode", std::string("reflect")}}))
                 ->out();
  Value* s = b.node(Op::Slice, {p},
                    attrs({{"starts", std::vector<int64_t>{1}},
                           {"ends", std::vector<int64_t>{5}},
                           {"axes", std::vector<int64_t>{1}}}))
                 ->out();
  Value* t = b.node(Op::Transpose, {s}, attrs({{"perm", std::vector<int64_t>{0, 2, 1}}}))->out();
  Value* cat = b.node(Op::Concat, {t, t}, attrs({{"axis", int64_t{2}}}))->out();
  Value* bn =
      b.node(Op::BatchNormalization, {cat, b.constant("s", {8}), b.constant("bi", {8}),
                                      b.constant("m", {8}), b.constant("v", {8}, 0.5f, 2.f)})
          ->out();
  Value* g = b.node(Op::Gather, {bn, b.constant_ints("idx", {0, 2})}, attrs({{"axis", int64_t{1}}}))
                 ->out();
  Value* rs = b.node(Op::Reshape, {g, b.constant_ints("shape", {-1, 16})})->out();
  b.output(b.node(Op::Add, {rs, b.constant("one", {16})})->out());
  return b.take();
}

onnx::ModelProto with_opset(onnx::ModelProto m, int opset) {
  m.mutable_opset_import(0)->set_version(opset);
  return m;
}

void models(const fs::path& dir) {
  Graph cnn = small_cnn();
  save_model(dir / "cnn.onnx", export_onnx(cnn));
  save_model(dir / "cnn_opset18.onnx", with_opset(export_onnx(cnn), 18));
  Graph data = data_ops();
  save_model(dir / "data_ops.onnx", export_onnx(data));
  Graph fp16 = small_cnn();
  run_convert_fp16(fp16, nullptr);
  save_model(dir / "cnn_fp16.onnx", export_onnx(fp16));
  Graph q = small_cnn();
  Int8Options opt;
  opt.range = [](const std::string&, int) { return std::optional<ActivationRange>({-4.f, 4.f}); };
  run_quantize_int8(q, opt, nullptr);
  save_model(dir / "cnn_int8.onnx", export_onnx(q));
  // External weights next to the model (the fuzz targets' data folder holds w.bin).
  onnx::ModelProto ext = export_onnx(data);
  for (auto& init : *ext.mutable_graph()->mutable_initializer()) {
    if (init.name() != "one") continue;
    init.clear_raw_data();
    init.set_data_location(onnx::TensorProto_DataLocation_EXTERNAL);
    auto* kv = init.add_external_data();
    kv->set_key("location");
    kv->set_value("w.bin");
  }
  save_model(dir / "external.onnx", ext);
}

void images(const fs::path& dir) {
  std::vector<uint8_t> px(40 * 30 * 3);
  for (size_t i = 0; i < px.size(); ++i) px[i] = static_cast<uint8_t>(i * 7 % 251);
  auto write = [](void* ctx, void* data, int size) {
    static_cast<std::string*>(ctx)->append(static_cast<const char*>(data), size);
  };
  std::string png, gray, bmp, jpg;
  stbi_write_png_to_func(write, &png, 40, 30, 3, px.data(), 40 * 3);
  stbi_write_png_to_func(write, &gray, 40, 30, 1, px.data(), 40);
  stbi_write_bmp_to_func(write, &bmp, 40, 30, 3, px.data());
  stbi_write_jpg_to_func(write, &jpg, 40, 30, 3, px.data(), 60);
  save(dir / "rgb.png", png);
  save(dir / "gray.png", gray);
  save(dir / "rgb.bmp", bmp);
  save(dir / "rgb.jpg", jpg);
  save(dir / "rgb.ppm", "P6\n4 4\n255\n" + std::string(48, '\x80'));
}

void tensors(const fs::path& dir) {
  save(dir / "f32.pb", tensor_to_proto(test::random_tensor({2, 3}, 1), "x").SerializeAsString());
  save(dir / "s64.pb",
       tensor_to_proto(Tensor::from_ints({3}, {1, -2, 3}), "i").SerializeAsString());
  onnx::TensorProto typed;
  typed.set_data_type(onnx::TensorProto_DataType_FLOAT);
  typed.add_dims(2);
  typed.add_float_data(1.5f);
  typed.add_float_data(-2.f);
  save(dir / "typed.pb", typed.SerializeAsString());
  onnx::TensorProto ext = tensor_to_proto(Tensor(DType::f32, {4}), "e");
  ext.clear_raw_data();
  ext.set_data_location(onnx::TensorProto_DataLocation_EXTERNAL);
  for (auto [k, v] : {std::pair{"location", "w.bin"}, {"offset", "16"}, {"length", "16"}}) {
    auto* kv = ext.add_external_data();
    kv->set_key(k);
    kv->set_value(v);
  }
  save(dir / "external.pb", ext.SerializeAsString());
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: make_seeds OUT_DIR\n";
    return 2;
  }
  const fs::path out = argv[1];
  for (const char* d : {"import", "image", "tensor"}) fs::create_directories(out / d);
  models(out / "import");
  images(out / "image");
  tensors(out / "tensor");
  return 0;
}
