// SPDX-License-Identifier: Apache-2.0
// edgekern_demo_data.cpp: deterministic generator of synthetic industrial inspection images (perforated metal and
// woven fabric) with defects and ground-truth masks, written as PNG (stb_image_write).
//
// Layout written under --out DIR, per pattern kind K:
//   DIR/K/train/  normal images for training         (--train N, default 13)
//   DIR/K/good/   normal test images                 (--good N, default 27)
//   DIR/K/bad/    defective test images              (--bad N, default 23)
//   DIR/K/masks/  ground-truth masks of bad/ (same file name, 255 = defect)
// Every image differs by a small random shift/rotation, lighting drift (gain, gradient) and sensor noise. The
// output depends only on (--seed, --size, kind, counts): the same command gives byte-identical files everywhere
// (integer PRNG, no <random>).
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <sys/stat.h>

#include "image_io.hpp"

namespace {

constexpr double pi = 3.14159265358979323846;

/// splitmix64 and helpers: identical on every platform.
struct rng {
    std::uint64_t s;
    explicit rng(std::uint64_t seed) : s(seed) {}
    std::uint64_t next() {
        std::uint64_t z = (s += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    double uniform() { return static_cast<double>(next() >> 11) * (1.0 / 9007199254740992.0); }
    double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
    int integer(int lo, int hi) { return lo + static_cast<int>(next() % static_cast<std::uint64_t>(hi - lo + 1)); }
    double gauss() {
        double u1 = uniform();
        if (u1 < 1e-300) u1 = 1e-300;
        return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * pi * uniform());
    }
};

double clamp01(double v) {
    return v < 0 ? 0 : (v > 1 ? 1 : v);
}
double smoothstep(double e0, double e1, double x) {
    const double t = clamp01((x - e0) / (e1 - e0));
    return t * t * (3 - 2 * t);
}

enum class kind { perforated, woven };

/// A float image with a geometric placement of the texture (shift + rotation) shared by the renderer and defects.
struct canvas {
    int w, h;
    double unit; // texture scale: 1 at 640 px width
    double sx, sy, rot_c, rot_s;
    std::vector<double> px;
    std::vector<double> mask; // defect coverage in [0, 1]
    canvas(int w_, int h_) : w(w_), h(h_), unit(w_ / 640.0), sx(0), sy(0), rot_c(1), rot_s(0) {
        px.assign(static_cast<std::size_t>(w) * static_cast<std::size_t>(h), 0.0);
        mask.assign(px.size(), 0.0);
    }
    double& at(int x, int y) {
        return px[static_cast<std::size_t>(y) * static_cast<std::size_t>(w) + static_cast<std::size_t>(x)];
    }
    double& m(int x, int y) {
        return mask[static_cast<std::size_t>(y) * static_cast<std::size_t>(w) + static_cast<std::size_t>(x)];
    }
    /// Image -> texture coordinates.
    void tex(double x, double y, double& u, double& v) const {
        const double cx = x - w * 0.5, cy = y - h * 0.5;
        u = rot_c * cx - rot_s * cy + w * 0.5 + sx;
        v = rot_s * cx + rot_c * cy + h * 0.5 + sy;
    }
    /// Texture -> image coordinates.
    void img(double u, double v, double& x, double& y) const {
        const double cu = u - sx - w * 0.5, cv = v - sy - h * 0.5;
        x = rot_c * cu + rot_s * cv + w * 0.5;
        y = -rot_s * cu + rot_c * cv + h * 0.5;
    }
};

// ---- perforated metal: hex grid of round holes with a bevel highlight, on brushed metal -------------------------
struct perforated {
    double pitch, row, radius;
    explicit perforated(double unit) : pitch(14.0 * unit), row(14.0 * unit * 0.8660254), radius(4.3 * unit) {}
    /// Nearest hole centre (texture coordinates) of (u, v).
    void nearest(double u, double v, double& cu, double& cv) const {
        const double r0 = std::floor(v / row);
        double best = 1e300;
        for (int dr = 0; dr <= 1; ++dr) {
            const double r = r0 + dr;
            const double off = (static_cast<long>(r) & 1) ? pitch * 0.5 : 0.0;
            const double c = std::floor((u - off) / pitch);
            for (int dc = 0; dc <= 1; ++dc) {
                const double hu = (c + dc) * pitch + off, hv = r * row;
                const double d = (u - hu) * (u - hu) + (v - hv) * (v - hv);
                if (d < best) best = d, cu = hu, cv = hv;
            }
        }
    }
    /// Brightness of the plate at (u, v) with hole rendering on or off (missing hole).
    double shade(double u, double v, bool hole, double unit) const {
        double cu = 0, cv = 0;
        nearest(u, v, cu, cv);
        const double du = u - cu, dv = v - cv, d = std::sqrt(du * du + dv * dv);
        const double metal = 150.0;
        if (!hole) return metal;
        // Bevel: a lit/shadowed ring just outside the hole, light from the upper left.
        const double ang = std::atan2(dv, du);
        const double ring = smoothstep(radius + 1.8 * unit, radius + 0.4 * unit, d) *
                            smoothstep(radius - 0.6 * unit, radius + 0.2 * unit, d);
        const double bevel = 38.0 * std::cos(ang + 0.75 * pi) * ring;
        const double inside = smoothstep(radius + 0.5 * unit, radius - 0.5 * unit, d);
        return (metal + bevel) * (1 - inside) + 38.0 * inside;
    }
};

// ---- woven fabric: plain weave of warp and weft threads with shading along each float --------------------------
struct woven {
    double half; // half period: one thread crossing
    explicit woven(double unit) : half(6.0 * unit) {}
    double shade(double u, double v, bool broken) const {
        const double fu = u / half, fv = v / half;
        const double iu = std::floor(fu), iv = std::floor(fv);
        const double x = fu - iu, y = fv - iv;
        const bool warp_on_top = (static_cast<long>(iu + iv) & 1) == 0;
        double across, along;
        if (warp_on_top)
            across = x, along = y;
        else
            across = y, along = x;
        const double profile = std::pow(std::sin(pi * across), 0.6);
        const double dip = 0.72 + 0.28 * std::sin(pi * along);
        const double thread = warp_on_top ? 185.0 : 160.0;
        if (broken) return 60.0 + 30.0 * (1 - profile); // a gap where the upper thread is missing
        return 55.0 + (thread - 55.0) * profile * dip;
    }
};

struct generator {
    kind k;
    int w, h;
    explicit generator(kind k_, int w_, int h_) : k(k_), w(w_), h(h_) {}

    // Missing-hole / broken-thread cells (texture coordinates of cell centres, radius) for a defect.
    struct hole_defect {
        double u, v, r;
    };

    void render(canvas& c, rng& r, const std::vector<hole_defect>& missing) const {
        const perforated pf(c.unit);
        const woven wv(c.unit);
        // Brushed metal / fibre streaks: a per-row (texture) random profile, lightly smoothed.
        const int rows = h + 64;
        std::vector<double> streak(static_cast<std::size_t>(rows));
        for (auto& s : streak) s = r.gauss();
        for (int pass = 0; pass < 2; ++pass)
            for (int i = 1; i + 1 < rows; ++i)
                streak[static_cast<std::size_t>(i)] = 0.25 * streak[static_cast<std::size_t>(i - 1)] +
                                                      0.5 * streak[static_cast<std::size_t>(i)] +
                                                      0.25 * streak[static_cast<std::size_t>(i + 1)];
        for (int y = 0; y < h; ++y) {
            for (int x = 0; x < w; ++x) {
                double u, v;
                c.tex(x + 0.5, y + 0.5, u, v);
                bool defect_cell = false;
                for (const auto& md : missing) {
                    if (k == kind::perforated) {
                        double cu = 0, cv = 0;
                        pf.nearest(u, v, cu, cv);
                        if (std::fabs(cu - md.u) < 0.5 && std::fabs(cv - md.v) < 0.5) defect_cell = true;
                    } else {
                        // Broken weft thread: a rectangle of thread cells along u.
                        if (std::fabs(u - md.u) < md.r && std::floor(v / wv.half) == std::floor(md.v / wv.half))
                            defect_cell = true;
                    }
                }
                double val = k == kind::perforated ? pf.shade(u, v, !defect_cell, c.unit) : wv.shade(u, v, defect_cell);
                int si = static_cast<int>(std::floor(v / c.unit)) + 32;
                si = si < 0 ? 0 : (si >= rows ? rows - 1 : si);
                val += (k == kind::perforated ? 4.0 : 3.0) * streak[static_cast<std::size_t>(si)];
                c.at(x, y) = val;
                if (defect_cell) c.m(x, y) = 1.0;
            }
        }
    }

    /// Lens blur: a camera integrates light over each pixel and its optics spread it slightly, so a real image has
    /// no sub-pixel aliasing. Separable [1 2 1] / 4 in both directions (edges clamped).
    void optics(canvas& c) const {
        std::vector<double> tmp(c.px.size());
        for (int y = 0; y < h; ++y)
            for (int x = 0; x < w; ++x) {
                const int xl = x > 0 ? x - 1 : x, xr = x + 1 < w ? x + 1 : x;
                tmp[static_cast<std::size_t>(y * w + x)] = 0.25 * c.at(xl, y) + 0.5 * c.at(x, y) + 0.25 * c.at(xr, y);
            }
        for (int y = 0; y < h; ++y)
            for (int x = 0; x < w; ++x) {
                const int yu = y > 0 ? y - 1 : y, yd = y + 1 < h ? y + 1 : y;
                c.at(x, y) = 0.25 * tmp[static_cast<std::size_t>(yu * w + x)] +
                             0.5 * tmp[static_cast<std::size_t>(y * w + x)] +
                             0.25 * tmp[static_cast<std::size_t>(yd * w + x)];
            }
    }

    /// Lighting drift and sensor noise, applied last.
    void light_and_noise(canvas& c, rng& r) const {
        const double gain = r.uniform(0.92, 1.08), gx = r.uniform(-0.08, 0.08), gy = r.uniform(-0.08, 0.08);
        const double offset = r.uniform(-6, 6), sigma = 2.5;
        for (int y = 0; y < h; ++y)
            for (int x = 0; x < w; ++x) {
                const double fx = (x + 0.5) / w - 0.5, fy = (y + 0.5) / h - 0.5;
                const double vignette = 1.0 - 0.10 * (fx * fx + fy * fy);
                double& p = c.at(x, y);
                p = p * gain * (1 + gx * fx + gy * fy) * vignette + offset + sigma * r.gauss();
            }
    }

    // ---- defects drawn onto the rendered texture (before lighting, so they share the lighting) ----------------
    void scratch(canvas& c, rng& r) const {
        const double u = c.unit;
        const double len = r.uniform(40, 140) * u, width = r.uniform(1.3, 2.6) * u;
        const double x0 = r.uniform(0.15, 0.85) * w, y0 = r.uniform(0.15, 0.85) * h, a = r.uniform(0, pi);
        const double bend = r.uniform(-0.15, 0.15) * len;
        const double delta = (r.uniform() < 0.5 ? -1 : 1) * r.uniform(45, 75);
        const double ax = std::cos(a), ay = std::sin(a);
        const int steps = static_cast<int>(len / (0.5 * u)) + 1;
        for (int i = 0; i <= steps; ++i) {
            const double t = static_cast<double>(i) / steps - 0.5;
            const double px = x0 + ax * t * len - ay * bend * (0.25 - t * t) * 4;
            const double py = y0 + ay * t * len + ax * bend * (0.25 - t * t) * 4;
            stamp(
                c, px, py, width * 0.5, [&](double& p, double alpha) { p += delta * alpha; }, true);
        }
    }

    template <class F>
    void stamp(canvas& c, double cx, double cy, double radius, F&& f, bool max_blend) const {
        const int x0 = static_cast<int>(std::floor(cx - radius - 2)), x1 = static_cast<int>(std::ceil(cx + radius + 2));
        const int y0 = static_cast<int>(std::floor(cy - radius - 2)), y1 = static_cast<int>(std::ceil(cy + radius + 2));
        for (int y = y0 < 0 ? 0 : y0; y <= y1 && y < h; ++y)
            for (int x = x0 < 0 ? 0 : x0; x <= x1 && x < w; ++x) {
                const double d = std::hypot(x + 0.5 - cx, y + 0.5 - cy);
                const double alpha = clamp01(radius + 0.5 - d);
                if (alpha <= 0) continue;
                double& mk = c.m(x, y);
                if (max_blend) {
                    // Only add the part of alpha not yet applied by an earlier stamp of the same stroke.
                    const double extra = alpha - mk;
                    if (extra <= 0) continue;
                    f(c.at(x, y), extra);
                    mk = alpha;
                } else {
                    f(c.at(x, y), alpha);
                    if (alpha > mk) mk = alpha;
                }
            }
    }

    /// Dark stain with an irregular soft outline.
    void spot(canvas& c, rng& r) const {
        const double u = c.unit;
        const double rad = r.uniform(6, 13) * u, cx = r.uniform(0.1, 0.9) * w, cy = r.uniform(0.1, 0.9) * h;
        const double factor = r.uniform(0.45, 0.65);
        double ph[3], am[3];
        for (int i = 0; i < 3; ++i) ph[i] = r.uniform(0, 2 * pi), am[i] = r.uniform(0.05, 0.2);
        for (int y = 0; y < h; ++y)
            for (int x = 0; x < w; ++x) {
                const double dx = x + 0.5 - cx, dy = y + 0.5 - cy, d = std::hypot(dx, dy);
                if (d > rad * 1.6) continue;
                const double a = std::atan2(dy, dx);
                const double rr = rad * (1 + am[0] * std::sin(2 * a + ph[0]) + am[1] * std::sin(3 * a + ph[1]) +
                                         am[2] * std::sin(5 * a + ph[2]));
                const double alpha = smoothstep(rr + 2 * u, rr - 2 * u, d);
                if (alpha <= 0) continue;
                c.at(x, y) *= 1 - (1 - factor) * alpha;
                if (alpha > c.m(x, y)) c.m(x, y) = alpha;
            }
    }

    /// Foreign object: a bright flat chip (irregular polygon) lying on the surface.
    void foreign(canvas& c, rng& r) const {
        const double u = c.unit;
        const double rad = r.uniform(5, 12) * u, cx = r.uniform(0.1, 0.9) * w, cy = r.uniform(0.1, 0.9) * h;
        const double value = r.uniform(195, 230);
        const int n = r.integer(5, 8);
        double radii[8], angle0 = r.uniform(0, 2 * pi);
        for (int i = 0; i < n; ++i) radii[i] = rad * r.uniform(0.6, 1.2);
        for (int y = 0; y < h; ++y)
            for (int x = 0; x < w; ++x) {
                const double dx = x + 0.5 - cx, dy = y + 0.5 - cy, d = std::hypot(dx, dy);
                if (d > rad * 1.4) continue;
                double a = std::atan2(dy, dx) - angle0;
                while (a < 0) a += 2 * pi;
                const double seg = a / (2 * pi) * n;
                const int i0 = static_cast<int>(seg) % n, i1 = (i0 + 1) % n;
                const double t = seg - std::floor(seg);
                const double rr = radii[i0] * (1 - t) + radii[i1] * t;
                const double alpha = clamp01(rr + 0.5 - d);
                if (alpha <= 0) continue;
                double& p = c.at(x, y);
                p = p * (1 - alpha) + (value - 18.0 * (dx * 0.7 + dy * 0.7) / rad) * alpha;
                if (alpha > c.m(x, y)) c.m(x, y) = alpha;
            }
    }

    /// One to three neighbouring missing holes (perforated) or a broken thread (woven), in texture coordinates.
    std::vector<hole_defect> missing(const canvas& c, rng& r) const {
        std::vector<hole_defect> out;
        double u, v;
        c.tex(r.uniform(0.15, 0.85) * w, r.uniform(0.15, 0.85) * h, u, v);
        if (k == kind::perforated) {
            const perforated pf(c.unit);
            double cu = 0, cv = 0;
            pf.nearest(u, v, cu, cv);
            const int count = r.integer(1, 3);
            for (int i = 0; i < count; ++i) out.push_back({cu + i * pf.pitch, cv, pf.radius});
        } else {
            const woven wv(c.unit);
            out.push_back({u, (std::floor(v / wv.half) + 0.5) * wv.half, r.uniform(1.5, 3.5) * wv.half});
        }
        return out;
    }

    /// Renders image number `index` of a split; `defect` < 0 for a normal image, else the defect kind 0..3.
    void make(std::uint64_t seed, int defect, std::vector<std::uint8_t>& pixels,
              std::vector<std::uint8_t>& mask) const {
        rng r(seed);
        canvas c(w, h);
        c.sx = r.uniform(-3, 3) * c.unit;
        c.sy = r.uniform(-3, 3) * c.unit;
        const double rot = r.uniform(-0.25, 0.25) * pi / 180.0;
        c.rot_c = std::cos(rot);
        c.rot_s = std::sin(rot);
        rng defect_rng(seed ^ 0xD1CEull);
        std::vector<hole_defect> miss;
        if (defect == 3) miss = missing(c, defect_rng);
        render(c, r, miss);
        if (defect == 0) scratch(c, defect_rng);
        if (defect == 1) spot(c, defect_rng);
        if (defect == 2) foreign(c, defect_rng);
        optics(c);
        light_and_noise(c, r);
        pixels.resize(c.px.size());
        mask.resize(c.px.size());
        for (std::size_t i = 0; i < c.px.size(); ++i) {
            const double p = std::floor(c.px[i] + 0.5);
            pixels[i] = static_cast<std::uint8_t>(p < 0 ? 0 : (p > 255 ? 255 : p));
            mask[i] = c.mask[i] >= 0.3 ? 255 : 0;
        }
    }
};

/// Drops the one-pixel frame of a (w + 2) x (h + 2) image.
void crop(std::vector<std::uint8_t>& img, int w, int h) {
    std::vector<std::uint8_t> out(static_cast<std::size_t>(w) * static_cast<std::size_t>(h));
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            out[static_cast<std::size_t>(y * w + x)] = img[static_cast<std::size_t>((y + 1) * (w + 2) + x + 1)];
    img.swap(out);
}

bool make_dir(const std::string& p) {
    for (std::size_t pos = p.find('/', 1); pos != std::string::npos; pos = p.find('/', pos + 1))
        ::mkdir(p.substr(0, pos).c_str(), 0755); // parents (errors surface below)
    if (::mkdir(p.c_str(), 0755) == 0 || errno == EEXIST) return true;
    std::fprintf(stderr, "edgekern_demo_data: cannot create %s: %s\n", p.c_str(), std::strerror(errno));
    return false;
}

int usage() {
    std::fprintf(stderr,
                 "usage: edgekern_demo_data --out DIR [--kind perforated|woven|all] [--size WxH] [--seed N]\n"
                 "                          [--train N] [--good N] [--bad N]\n"
                 "Writes DIR/<kind>/{train,good,bad,masks}/*.png (default 640x480, seed 1, 13/27/23 images).\n");
    return 2;
}

} // namespace

int main(int argc, char** argv) {
    std::string out, kinds = "all";
    int w = 640, h = 480, n_train = 13, n_good = 27, n_bad = 23;
    unsigned long long seed = 1;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        const char* val = i + 1 < argc ? argv[i + 1] : nullptr;
        if (a == "-h" || a == "--help") return usage(), 0;
        if (!val) return usage();
        ++i;
        if (a == "--out")
            out = val;
        else if (a == "--kind")
            kinds = val;
        else if (a == "--size") {
            if (std::sscanf(val, "%dx%d", &w, &h) != 2 || w < 32 || h < 32 || w > 8192 || h > 8192) {
                std::fprintf(stderr, "edgekern_demo_data: bad --size '%s' (WxH, 32..8192)\n", val);
                return 2;
            }
        } else if (a == "--seed")
            seed = std::strtoull(val, nullptr, 10);
        else if (a == "--train")
            n_train = std::atoi(val);
        else if (a == "--good")
            n_good = std::atoi(val);
        else if (a == "--bad")
            n_bad = std::atoi(val);
        else
            return usage();
    }
    if (out.empty() || n_train < 0 || n_good < 0 || n_bad < 0) return usage();
    std::vector<std::pair<std::string, kind>> todo;
    if (kinds == "all" || kinds == "perforated") todo.push_back({"perforated", kind::perforated});
    if (kinds == "all" || kinds == "woven") todo.push_back({"woven", kind::woven});
    if (todo.empty()) return usage();
    if (!make_dir(out)) return 1;
    std::vector<std::uint8_t> px, mask;
    for (std::size_t ki = 0; ki < todo.size(); ++ki) {
        const std::string base = out + "/" + todo[ki].first;
        // Rendered one pixel larger on every side and cropped, so the lens blur has real neighbours at the border.
        const generator g(todo[ki].second, w + 2, h + 2);
        if (!make_dir(base) || !make_dir(base + "/train") || !make_dir(base + "/good") || !make_dir(base + "/bad") ||
            !make_dir(base + "/masks"))
            return 1;
        struct split {
            const char* dir;
            int count;
            int salt;
        } splits[] = {{"train", n_train, 1}, {"good", n_good, 2}, {"bad", n_bad, 3}};
        for (const auto& s : splits) {
            for (int i = 0; i < s.count; ++i) {
                const std::uint64_t img_seed =
                    (seed * 1000003ull + ki * 7919ull + static_cast<unsigned>(s.salt)) * 0x100000001B3ull +
                    static_cast<unsigned>(i);
                const bool bad = s.salt == 3;
                g.make(img_seed, bad ? i % 4 : -1, px, mask);
                crop(px, w, h);
                crop(mask, w, h);
                char name[64];
                std::snprintf(name, sizeof name, "%s_%03d.png", bad ? "bad" : (s.salt == 1 ? "train" : "good"), i);
                const std::string path = base + "/" + s.dir + "/" + name;
                if (!edgekern_tools::write_png_gray_atomic(path, px.data(), w, h)) return 1;
                if (bad && !edgekern_tools::write_png_gray_atomic(base + "/masks/" + name, mask.data(), w, h)) return 1;
            }
        }
        std::fprintf(stderr, "edgekern_demo_data: %s: %d train, %d good, %d bad (%dx%d) in %s\n",
                     todo[ki].first.c_str(), n_train, n_good, n_bad, w, h, base.c_str());
    }
    return 0;
}
