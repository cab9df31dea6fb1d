#include "compiler/gptq.h"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "compiler/dot.h"

namespace qcc {

namespace {

// In place: the lower Cholesky factor L of a (n × n, symmetric positive definite), a = L Lᵀ.
void cholesky_lower(std::vector<double>& a, int64_t n) {
  for (int64_t j = 0; j < n; ++j) {
    double* rj = &a[j * n];
    const double d = rj[j] - dot(rj, rj, j);
    if (!(d > 0)) throw std::runtime_error("gptq: input moments are not positive definite");
    rj[j] = std::sqrt(d);
    tbb::parallel_for(tbb::blocked_range<int64_t>(j + 1, n, 64),
                      [&](const tbb::blocked_range<int64_t>& r) {
                        for (int64_t i = r.begin(); i < r.end(); ++i) {
                          double* ri = &a[i * n];
                          ri[j] = (ri[j] - dot(ri, rj, j)) / rj[j];
                        }
                      });
  }
}

// The inverse of lower-triangular l (n × n), returned transposed: t[j * n + i] = (l⁻¹)[i][j].
// Each column of the inverse is one forward substitution, independent of the others.
std::vector<double> lower_inverse_transposed(const std::vector<double>& l, int64_t n) {
  std::vector<double> t(n * n, 0.0);
  tbb::parallel_for(tbb::blocked_range<int64_t>(0, n, 16),
                    [&](const tbb::blocked_range<int64_t>& r) {
                      for (int64_t j = r.begin(); j < r.end(); ++j) {
                        double* col = &t[j * n];
                        col[j] = 1.0 / l[j * n + j];
                        for (int64_t i = j + 1; i < n; ++i)
                          col[i] = -dot(&l[i * n + j], col + j, i - j) / l[i * n + i];
                      }
                    });
  return t;
}

// U upper-triangular with H⁻¹ = Uᵀ U, the factor GPTQ's updates read. With J the index reversal
// and J H J = M Mᵀ (Cholesky), H = R Rᵀ for R = J M J (upper), so H⁻¹ = R⁻ᵀ R⁻¹ and U = R⁻¹ =
// J M⁻¹ J: one factorisation and one triangular inverse.
std::vector<double> inverse_upper_factor(const std::vector<double>& h, int64_t n) {
  std::vector<double> a(n * n);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < n; ++j) a[i * n + j] = h[(n - 1 - i) * n + (n - 1 - j)];
  cholesky_lower(a, n);
  const std::vector<double> t = lower_inverse_transposed(a, n);  // t[c * n + r] = M⁻¹[r][c]
  std::vector<double> u(n * n, 0.0);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = i; j < n; ++j) u[i * n + j] = t[(n - 1 - j) * n + (n - 1 - i)];
  return u;
}

int8_t round_to_level(double x, int levels) {
  return static_cast<int8_t>(
      std::clamp(std::nearbyint(x), static_cast<double>(-levels), static_cast<double>(levels)));
}

}  // namespace

std::vector<int8_t> gptq_round(const std::vector<float>& w, int64_t rows, int64_t cols,
                               const std::vector<float>& scale, const InputMoments& m, int levels,
                               double damp) {
  if (m.size != cols || static_cast<int64_t>(m.sum_xxt.size()) != cols * cols ||
      static_cast<int64_t>(w.size()) != rows * cols ||
      (scale.size() != 1 && static_cast<int64_t>(scale.size()) != rows))
    throw std::invalid_argument("gptq_round: weights, scales and input moments disagree in size");
  std::vector<double> h = m.sum_xxt;
  double mean_diag = 0;
  for (int64_t i = 0; i < cols; ++i) mean_diag += h[i * cols + i] / cols;
  if (!(mean_diag > 0)) mean_diag = 1;
  for (int64_t i = 0; i < cols; ++i) {
    double& d = h[i * cols + i];
    if (d == 0) d = mean_diag;  // an input never seen non-zero: decoupled, rounded to nearest
    d += damp * mean_diag;
  }
  const std::vector<double> u = inverse_upper_factor(h, cols);
  std::vector<int8_t> q(w.size());
  // Rows are independent; a block of them shares each row of U while it is in cache.
  constexpr int64_t kRowBlock = 16;
  tbb::parallel_for(
      tbb::blocked_range<int64_t>(0, rows, kRowBlock), [&](const tbb::blocked_range<int64_t>& r) {
        const int64_t n = r.size();
        std::vector<double> rest(w.begin() + r.begin() * cols, w.begin() + r.end() * cols);
        std::vector<double> err(n);
        for (int64_t i = 0; i < cols; ++i) {
          const double* ui = &u[i * cols];
          for (int64_t k = 0; k < n; ++k) {
            const double s = scale[scale.size() == 1 ? 0 : r.begin() + k];
            const double x = rest[k * cols + i];
            const int8_t qi = round_to_level(x / s, levels);
            q[(r.begin() + k) * cols + i] = qi;
            err[k] = (x - qi * s) / ui[i];
          }
          for (int64_t k = 0; k < n; ++k) {
            double* rk = &rest[k * cols];
            const double e = err[k];
            for (int64_t j = i + 1; j < cols; ++j) rk[j] -= e * ui[j];
          }
        }
      });
  return q;
}

double output_error(const std::vector<float>& w, const std::vector<int8_t>& q, int64_t rows,
                    int64_t cols, const std::vector<float>& scale, const InputMoments& m) {
  double total = 0;
  std::vector<double> e(cols);
  for (int64_t r = 0; r < rows; ++r) {
    const double s = scale[scale.size() == 1 ? 0 : r];
    for (int64_t c = 0; c < cols; ++c) e[c] = w[r * cols + c] - q[r * cols + c] * s;
    for (int64_t c = 0; c < cols; ++c) total += e[c] * dot(&m.sum_xxt[c * cols], e.data(), cols);
  }
  return m.samples ? total / static_cast<double>(m.samples) : total;
}

}  // namespace qcc
