// Running a model on ONNX test-data folders (input_K.pb / output_K.pb, the format of ONNX's own
// test suite) and measuring how far its outputs are from the references.
#pragma once

#include <string>
#include <vector>

#include "ir/tensor.h"
#include "runtime/session.h"

namespace qcc {

struct OutputStats {
  std::string name;
  double max_abs_err = 0;
  double max_ref = 0;          ///< max |reference|
  double max_rel_err = 0;      ///< max_abs_err / max |reference|
  double sqnr_db = 0;          ///< 10 log10(sum ref^2 / sum err^2); inf when exact
  double top1_agreement = -1;  ///< fraction of rows with equal argmax (2-D outputs), else -1
  int64_t elements = 0;
  int64_t outside_tol = 0;     ///< elements with |err| > atol + rtol |ref|
  std::string mismatch;        ///< shape or count mismatch (a failure)
  // Running sums behind sqnr_db and top1_agreement across data sets.
  double sqnr_sig = 0, sqnr_noise = 0;
  int64_t top1_rows = 0, top1_agree = 0;
};

/// One test-data set: its input and reference output tensors, by file order.
struct TestDataSet {
  std::string dir;
  std::vector<Tensor> inputs, outputs;
};

/// Loads DIR itself when it holds input_*.pb, else each DIR/test_data_set_* in order. Throws
/// naming the folder when there is no data.
std::vector<TestDataSet> load_test_data(const std::string& dir);

/// Accumulates statistics of `got` vs `ref` into `s` (call once per data set).
void accumulate(OutputStats& s, const Tensor& got, const Tensor& ref, double atol, double rtol);

/// Runs every data set through the session and returns per-output statistics (summed over sets).
std::vector<OutputStats> compare_on(Session& session, const std::vector<TestDataSet>& sets,
                                    double atol, double rtol);

}  // namespace qcc
