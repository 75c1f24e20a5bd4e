// SPDX-License-Identifier: Apache-2.0
// conv_reference.hpp: dumb oracles of the convolution family, written straight from NUMERICS.md section 1 and the
// TFLite reference kernels' published arithmetic; shares no code with include/ (test-only, may be slow).
#pragma once

#include <cstddef>
#include <cstdint>

namespace conv_ref {

// ---- requantization, straight from the spec ---------------------------------------------------------------------
inline std::int32_t srdhm(std::int32_t a, std::int32_t b) {
    if (a == INT32_MIN && b == INT32_MIN) return INT32_MAX;
    long long ab = static_cast<long long>(a) * static_cast<long long>(b);
    long long nudge = ab >= 0 ? (1LL << 30) : (1 - (1LL << 30));
    long long q = (ab + nudge) / (1LL << 31); // truncating
    return static_cast<std::int32_t>(q);
}
inline std::int32_t rdbypot(std::int32_t x, int exponent) {
    long long mask = (1LL << exponent) - 1;
    long long remainder = static_cast<long long>(x) & mask;
    long long threshold = (mask >> 1) + (x < 0 ? 1 : 0);
    long long q = static_cast<long long>(x) >> exponent;
    if (remainder > threshold) q += 1;
    return static_cast<std::int32_t>(q);
}
inline std::int32_t sat32(long long v) {
    return v > INT32_MAX ? INT32_MAX : (v < INT32_MIN ? INT32_MIN : static_cast<std::int32_t>(v));
}
/// TFLite MultiplyByQuantizedMultiplier, int32 accumulator. single = TFLITE_SINGLE_ROUNDING.
/// Where TFLite's reference overflows (x * 2^left beyond int32, a result beyond int32) the library's documented
/// choice is saturation (edgekern/fixed/quantize.hpp); the oracle saturates there too.
inline std::int32_t mbqm(std::int32_t x, std::int32_t m, int shift, bool single) {
    if (single) {
        int total = 31 - shift;
        long long r = (static_cast<long long>(x) * m + (1LL << (total - 1))) >> total;
        return sat32(r);
    }
    int left = shift > 0 ? shift : 0;
    int right = shift > 0 ? 0 : -shift;
    std::int32_t xs = sat32(static_cast<long long>(x) * (1LL << left));
    return rdbypot(srdhm(xs, m), right);
}
/// TFLite MultiplyByQuantizedMultiplier, int64 accumulator (16x8), result saturated to int32.
inline std::int32_t mbqm64(long long x, std::int32_t m, int shift) {
    long long reduced = m < 0x7FFF0000 ? ((static_cast<long long>(m) + (1 << 15)) >> 16) : 0x7FFF;
    int total = 15 - shift;
    long long v = x * reduced + (1LL << (total - 1));
    return sat32(v >> total);
}
inline std::int32_t clampi(std::int32_t v, std::int32_t lo, std::int32_t hi) {
    return v < lo ? lo : (v > hi ? hi : v);
}

/// Geometry of a reference call (explicit padding already resolved by the test).
struct geom {
    int n, ih, iw, ic, oh, ow, oc, kh, kw, sh, sw, dh, dw, pad_top, pad_left, groups;
};

/// Reference conv2d in long long, for s8 / s16 inputs. Returns the accumulators (bias included) in acc_out
/// [n][oh][ow][oc] so that the caller applies the requantization of its variant.
template <class In>
void conv_acc(const geom& g, const In* in, const std::int8_t* w, const long long* bias, int input_offset,
              long long* acc_out) {
    int icg = g.ic / g.groups, ocg = g.oc / g.groups;
    for (int b = 0; b < g.n; ++b)
        for (int y = 0; y < g.oh; ++y)
            for (int x = 0; x < g.ow; ++x)
                for (int o = 0; o < g.oc; ++o) {
                    long long acc = bias ? bias[o] : 0;
                    int grp = o / ocg;
                    for (int ky = 0; ky < g.kh; ++ky)
                        for (int kx = 0; kx < g.kw; ++kx)
                            for (int c = 0; c < icg; ++c) {
                                int iy = y * g.sh - g.pad_top + ky * g.dh;
                                int ix = x * g.sw - g.pad_left + kx * g.dw;
                                bool inside = iy >= 0 && iy < g.ih && ix >= 0 && ix < g.iw;
                                if (!inside) continue;
                                long long xv = in[((b * g.ih + iy) * g.iw + ix) * g.ic + grp * icg + c];
                                long long wv = w[((o * g.kh + ky) * g.kw + kx) * icg + c];
                                acc += wv * (xv + input_offset);
                            }
                    acc_out[((b * g.oh + y) * g.ow + x) * g.oc + o] = acc;
                }
}

/// Reference depthwise: filter [1][kh][kw][oc], oc = ic * dm, out channel o reads input channel o / dm.
template <class In>
void depthwise_acc(const geom& g, int dm, const In* in, const std::int8_t* w, const long long* bias, int input_offset,
                   long long* acc_out) {
    for (int b = 0; b < g.n; ++b)
        for (int y = 0; y < g.oh; ++y)
            for (int x = 0; x < g.ow; ++x)
                for (int ic = 0; ic < g.ic; ++ic)
                    for (int m = 0; m < dm; ++m) {
                        int o = ic * dm + m;
                        long long acc = bias ? bias[o] : 0;
                        for (int ky = 0; ky < g.kh; ++ky)
                            for (int kx = 0; kx < g.kw; ++kx) {
                                int iy = y * g.sh - g.pad_top + ky * g.dh;
                                int ix = x * g.sw - g.pad_left + kx * g.dw;
                                if (iy < 0 || iy >= g.ih || ix < 0 || ix >= g.iw) continue;
                                long long xv = in[((b * g.ih + iy) * g.iw + ix) * g.ic + ic];
                                long long wv = w[(ky * g.kw + kx) * g.oc + o];
                                acc += wv * (xv + input_offset);
                            }
                        acc_out[((b * g.oh + y) * g.ow + x) * g.oc + o] = acc;
                    }
}

/// Requantizes int32-range accumulators to Out (s8 / s16 with int32 accumulation).
template <class Out>
void finish_s32(const long long* acc, std::size_t count, int oc, const std::int32_t* mult, const std::int32_t* shift,
                bool per_channel, int out_zp, int act_min, int act_max, bool single, Out* out) {
    for (std::size_t i = 0; i < count; ++i) {
        int o = static_cast<int>(i % static_cast<std::size_t>(oc));
        int q = per_channel ? o : 0;
        std::int32_t a = static_cast<std::int32_t>(acc[i]);
        long long v = static_cast<long long>(mbqm(a, mult[q], shift[q], single)) + out_zp;
        if (v < act_min) v = act_min;
        if (v > act_max) v = act_max;
        out[i] = static_cast<Out>(v);
    }
}

/// Average pool (TFLite int8 reference): rounded-half-away mean of in-bounds taps, clamp.
inline void avg_pool_s8(const geom& g, const std::int8_t* in, int act_min, int act_max, std::int8_t* out) {
    for (int b = 0; b < g.n; ++b)
        for (int y = 0; y < g.oh; ++y)
            for (int x = 0; x < g.ow; ++x)
                for (int c = 0; c < g.ic; ++c) {
                    int sum = 0, count = 0;
                    for (int ky = 0; ky < g.kh; ++ky)
                        for (int kx = 0; kx < g.kw; ++kx) {
                            int iy = y * g.sh - g.pad_top + ky;
                            int ix = x * g.sw - g.pad_left + kx;
                            if (iy < 0 || iy >= g.ih || ix < 0 || ix >= g.iw) continue;
                            sum += in[((b * g.ih + iy) * g.iw + ix) * g.ic + c];
                            ++count;
                        }
                    int avg = sum > 0 ? (sum + count / 2) / count : (sum - count / 2) / count;
                    out[((b * g.oh + y) * g.ow + x) * g.ic + c] =
                        static_cast<std::int8_t>(clampi(avg, act_min, act_max));
                }
}

inline void max_pool_s8(const geom& g, const std::int8_t* in, int act_min, int act_max, std::int8_t* out) {
    for (int b = 0; b < g.n; ++b)
        for (int y = 0; y < g.oh; ++y)
            for (int x = 0; x < g.ow; ++x)
                for (int c = 0; c < g.ic; ++c) {
                    int best = -1000;
                    for (int ky = 0; ky < g.kh; ++ky)
                        for (int kx = 0; kx < g.kw; ++kx) {
                            int iy = y * g.sh - g.pad_top + ky;
                            int ix = x * g.sw - g.pad_left + kx;
                            if (iy < 0 || iy >= g.ih || ix < 0 || ix >= g.iw) continue;
                            int v = in[((b * g.ih + iy) * g.iw + ix) * g.ic + c];
                            if (v > best) best = v;
                        }
                    out[((b * g.oh + y) * g.ow + x) * g.ic + c] =
                        static_cast<std::int8_t>(clampi(best, act_min, act_max));
                }
}

/// TFLite int8 Add (AddElementwise): both inputs rescaled to a common 2^left_shift-scaled domain, summed, rescaled.
inline std::int8_t add_s8(int x1, int x2, int zp1, int zp2, int out_zp, int left_shift, std::int32_t m1, int s1,
                          std::int32_t m2, int s2, std::int32_t mo, int so, int act_min, int act_max, bool single) {
    std::int32_t a = (x1 - zp1) * (1 << left_shift);
    std::int32_t b = (x2 - zp2) * (1 << left_shift);
    std::int32_t sa = mbqm(a, m1, s1, single);
    std::int32_t sb = mbqm(b, m2, s2, single);
    long long raw = static_cast<long long>(mbqm(sa + sb, mo, so, single)) + out_zp;
    if (raw < act_min) raw = act_min;
    if (raw > act_max) raw = act_max;
    return static_cast<std::int8_t>(raw);
}

} // namespace conv_ref
