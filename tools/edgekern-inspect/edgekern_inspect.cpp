// SPDX-License-Identifier: Apache-2.0
// edgekern_inspect.cpp: the edgekern-inspect command-line tool: train / detect / evaluate / export with the
// sparse-modeling inspection pipeline (include/edgekern/pipelines/sparse_inspection.hpp).
#include <algorithm>
#include <ctime>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <sys/stat.h>

#include "edgekern/pipelines/sparse_inspection.hpp"
#include "image_io.hpp"

namespace ek = edgekern;
using edgekern_tools::gray_image;

namespace {

const char* const usage_text =
    "usage:\n"
    "  edgekern-inspect train    --images DIR --model FILE [--patch 8|16] [--atoms 32|64|128] [--sparsity 2|3|4|6]\n"
    "                            [--scale auto|1..8] [--stride N] [--samples N] [--iterations N] [--sigmas F]\n"
    "                            [--seed N]\n"
    "  edgekern-inspect detect   --model FILE --images DIR --out DIR\n"
    "  edgekern-inspect evaluate --model FILE --good DIR --bad DIR [--masks DIR] [--json]\n"
    "  edgekern-inspect export   --model FILE --header FILE.hpp [--name IDENT]\n"
    "Images: PNG, JPEG, PGM/PPM, BMP, TGA; colour is converted to gray. Exit codes: 0 ok, 1 error, 2 usage.\n";

int usage_error(const std::string& msg) {
    std::fprintf(stderr, "edgekern-inspect: %s\n%s", msg.c_str(), usage_text);
    return 2;
}

int fail(const std::string& msg) {
    std::fprintf(stderr, "edgekern-inspect: error: %s\n", msg.c_str());
    return 1;
}

/// CPU time of this thread in ms: the cost on one core, unaffected by other processes sharing the machine.
double now_ms() {
    timespec ts{};
    ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) * 1e-6;
}

/// --key value options (and bare flags listed in `flags`).
struct options {
    std::map<std::string, std::string> kv;
    bool parse(int argc, char** argv, int first, const std::vector<std::string>& flags, std::string& err) {
        for (int i = first; i < argc; ++i) {
            std::string a = argv[i];
            if (a.rfind("--", 0) != 0) {
                err = "unexpected argument '" + a + "'";
                return false;
            }
            a = a.substr(2);
            if (std::find(flags.begin(), flags.end(), a) != flags.end()) {
                kv[a] = "1";
                continue;
            }
            if (i + 1 >= argc) {
                err = "option --" + a + " needs a value";
                return false;
            }
            kv[a] = argv[++i];
        }
        return true;
    }
    bool has(const std::string& k) const { return kv.count(k) != 0; }
    std::string get(const std::string& k, const std::string& def = "") const {
        const auto it = kv.find(k);
        return it == kv.end() ? def : it->second;
    }
    bool get_uint(const std::string& k, unsigned long def, unsigned long lo, unsigned long hi, unsigned long& out,
                  std::string& err) const {
        if (!has(k)) {
            out = def;
            return true;
        }
        const std::string v = get(k);
        char* end = nullptr;
        out = std::strtoul(v.c_str(), &end, 10);
        if (v.empty() || *end != '\0' || out < lo || out > hi) {
            err = "--" + k + " must be an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]";
            return false;
        }
        return true;
    }
};

using edgekern_tools::ensure_dir;
using edgekern_tools::load_folder;
using edgekern_tools::read_file;

ek::image_view<std::uint8_t> view(const gray_image& g) {
    ek::image_view<std::uint8_t> v;
    v.data = g.pixels.data();
    v.width = static_cast<std::size_t>(g.width);
    v.height = static_cast<std::size_t>(g.height);
    v.stride = v.width;
    return v;
}

/// Area under the ROC curve of (score, label) pairs (ties count one half), by sorting.
double auroc(std::vector<std::pair<float, int>> v) {
    std::sort(v.begin(), v.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    double pos = 0, neg = 0, rank_sum = 0;
    for (std::size_t i = 0; i < v.size();) {
        std::size_t j = i;
        while (j < v.size() && v[j].first == v[i].first) ++j;
        const double avg_rank = 0.5 * static_cast<double>(i + 1 + j);
        for (std::size_t k = i; k < j; ++k)
            if (v[k].second)
                rank_sum += avg_rank, pos += 1;
            else
                neg += 1;
        i = j;
    }
    if (pos == 0 || neg == 0) return std::nan("");
    return (rank_sum - pos * (pos + 1) / 2) / (pos * neg);
}

/// Pixel-level AUROC from per-pixel heat histograms (fine bins over [0, 16) + overflow; exact for ranking within a
/// bin width of 1/4096 heat).
struct pixel_auroc {
    static constexpr std::size_t bins = 65537;
    std::vector<double> pos = std::vector<double>(bins, 0.0), neg = std::vector<double>(bins, 0.0);
    void add(float heat, bool positive) {
        double b = std::floor(static_cast<double>(heat) * 4096.0);
        if (b < 0) b = 0;
        if (b > bins - 1) b = bins - 1;
        (positive ? pos : neg)[static_cast<std::size_t>(b)] += 1;
    }
    double value() const {
        double p = 0, n = 0, area = 0, neg_below = 0;
        for (std::size_t i = 0; i < bins; ++i) p += pos[i], n += neg[i];
        if (p == 0 || n == 0) return std::nan("");
        for (std::size_t i = 0; i < bins; ++i) {
            area += pos[i] * (neg_below + 0.5 * neg[i]);
            neg_below += neg[i];
        }
        return area / (p * n);
    }
};

// ---- the pipeline for one (patch, atoms, sparsity) instance ------------------------------------------------------
struct shape {
    unsigned patch, atoms, sparsity;
};

struct inspect_output {
    ek::sparse_inspection_result result;
    std::vector<float> heat;               // grid
    std::vector<ek::inspection_box> boxes; // found
    double ms = 0;
};

/// Aligned byte buffer for workspaces.
struct aligned_buffer {
    std::unique_ptr<std::uint8_t[]> raw;
    std::size_t size = 0;
    std::uint8_t* data = nullptr;
    void resize(std::size_t n) {
        if (n <= size) return;
        raw.reset(new std::uint8_t[n + 64]);
        data = raw.get() + ((64 - (reinterpret_cast<std::uintptr_t>(raw.get()) & 63u)) & 63u);
        size = n;
    }
};

class engine {
public:
    virtual ~engine() = default;
    virtual shape dims() const = 0;
    virtual unsigned scale() const = 0;
    virtual ek::status train(const std::vector<gray_image>& imgs, const ek::sparse_inspection_train_params& p) = 0;
    virtual ek::status inspect(const gray_image& img, inspect_output& out) = 0;
    virtual ek::status upsample(const inspect_output& o, int w, int h, std::vector<float>& px) = 0;
    virtual std::vector<std::uint8_t> save() const = 0;
    virtual ek::status load(const std::vector<std::uint8_t>& bytes) = 0;
    virtual void describe(std::FILE* f) const = 0;
};

template <std::size_t P, std::size_t A, std::size_t S>
class engine_impl final : public engine {
public:
    using model_t = ek::sparse_inspection_model<P, A, S>;
    engine_impl() : model_(new model_t()) {}
    unsigned scale() const override { return model_->scale; }
    shape dims() const override {
        return {static_cast<unsigned>(P), static_cast<unsigned>(A), static_cast<unsigned>(S)};
    }

    ek::status train(const std::vector<gray_image>& imgs, const ek::sparse_inspection_train_params& p) override {
        std::vector<ek::image_view<std::uint8_t>> views;
        std::size_t mw = 0, mh = 0;
        for (const auto& g : imgs) {
            views.push_back(view(g));
            mw = std::max(mw, views.back().width);
            mh = std::max(mh, views.back().height);
        }
        const std::size_t need = ek::sparse_inspection_train_scratch_size<P, A, S>(views.size(), mw, mh, p);
        if (need == 0) return ek::status::invalid_shape;
        scratch_.resize(need);
        return ek::sparse_inspection_train<P, A, S>(
            ek::span<const ek::image_view<std::uint8_t>>(views.data(), views.size()), p, *model_,
            ek::span<std::uint8_t>(scratch_.data, need));
    }

    ek::status inspect(const gray_image& img, inspect_output& out) override {
        const auto v = view(img);
        const std::size_t need =
            ek::sparse_inspection_scratch_size<P, A, S>(v.width, v.height, model_->scale, model_->stride);
        if (need == 0) return ek::status::invalid_shape;
        scratch_.resize(need);
        const std::size_t gw = ek::sparse_inspection_grid_extent(v.width, P, model_->scale, model_->stride);
        const std::size_t gh = ek::sparse_inspection_grid_extent(v.height, P, model_->scale, model_->stride);
        out.heat.resize(gw * gh);
        out.boxes.resize(32);
        const double t0 = now_ms();
        const ek::status st = ek::sparse_inspect(*model_, v, ek::span<float>(out.heat), ek::span<std::uint8_t>(),
                                                 ek::span<ek::inspection_box>(out.boxes), out.result,
                                                 ek::span<std::uint8_t>(scratch_.data, need));
        out.ms = now_ms() - t0;
        if (st == ek::status::ok) out.boxes.resize(out.result.boxes);
        return st;
    }

    ek::status upsample(const inspect_output& o, int w, int h, std::vector<float>& px) override {
        px.resize(static_cast<std::size_t>(w) * static_cast<std::size_t>(h));
        return ek::sparse_inspection_upsample(*model_, ek::span<const float>(o.heat), o.result.grid_width,
                                              o.result.grid_height, static_cast<std::size_t>(w),
                                              static_cast<std::size_t>(h), ek::span<float>(px));
    }

    std::vector<std::uint8_t> save() const override {
        std::vector<std::uint8_t> bytes(ek::sparse_inspection_model_bytes<P, A, S>());
        if (ek::sparse_inspection_save(*model_, ek::span<std::uint8_t>(bytes)) != ek::status::ok) bytes.clear();
        return bytes;
    }

    ek::status load(const std::vector<std::uint8_t>& bytes) override {
        return ek::sparse_inspection_load(ek::span<const std::uint8_t>(bytes.data(), bytes.size()), *model_);
    }

    void describe(std::FILE* f) const override {
        std::fprintf(f,
                     "model: patch %zu, atoms %zu, sparsity %zu, scale %u, stride %u, residual mean %.3g, per-image "
                     "max %.3g +- %.3g, train max %.3g, threshold %.3g\n",
                     P, A, S, model_->scale, model_->stride, static_cast<double>(model_->residual_mean),
                     static_cast<double>(model_->image_max_mean), static_cast<double>(model_->image_max_std),
                     static_cast<double>(model_->train_max), static_cast<double>(model_->threshold));
    }

private:
    std::unique_ptr<model_t> model_;
    aligned_buffer scratch_;
};

template <std::size_t P, std::size_t A>
std::unique_ptr<engine> make_engine_s(unsigned s) {
    switch (s) {
    case 2:
        return std::unique_ptr<engine>(new engine_impl<P, A, 2>());
    case 3:
        return std::unique_ptr<engine>(new engine_impl<P, A, 3>());
    case 4:
        return std::unique_ptr<engine>(new engine_impl<P, A, 4>());
    case 6:
        return std::unique_ptr<engine>(new engine_impl<P, A, 6>());
    default:
        return nullptr;
    }
}

template <std::size_t P>
std::unique_ptr<engine> make_engine_a(unsigned a, unsigned s) {
    switch (a) {
    case 32:
        return make_engine_s<P, 32>(s);
    case 64:
        return make_engine_s<P, 64>(s);
    case 128:
        return make_engine_s<P, 128>(s);
    default:
        return nullptr;
    }
}

/// The instances this tool is built with: patch {8, 16} x atoms {32, 64, 128} x sparsity {2, 3, 4, 6}.
std::unique_ptr<engine> make_engine(unsigned p, unsigned a, unsigned s) {
    switch (p) {
    case 8:
        return make_engine_a<8>(a, s);
    case 16:
        return make_engine_a<16>(a, s);
    default:
        return nullptr;
    }
}

bool load_model(const std::string& path, std::unique_ptr<engine>& eng, std::string& err) {
    std::vector<std::uint8_t> bytes;
    if (!read_file(path, bytes, err)) return false;
    std::uint32_t p = 0, a = 0, s = 0;
    const ek::status st = ek::sparse_inspection_peek(ek::span<const std::uint8_t>(bytes.data(), bytes.size()), p, a, s);
    if (st != ek::status::ok) {
        err = path + ": not an edgekern inspection model of format version " +
              std::to_string(ek::sparse_inspection_format_version) + " (" + ek::status_name(st) + ")";
        return false;
    }
    eng = make_engine(p, a, s);
    if (!eng) {
        err = path + ": model shape patch " + std::to_string(p) + " atoms " + std::to_string(a) + " sparsity " +
              std::to_string(s) + " is not built into this tool";
        return false;
    }
    const ek::status ls = eng->load(bytes);
    if (ls != ek::status::ok) {
        err = path + ": corrupt or truncated model (" + std::string(ek::status_name(ls)) + ")";
        return false;
    }
    return true;
}

// ---- overlays -----------------------------------------------------------------------------------------------------
void heat_colour(float h, std::uint8_t rgb[3]) {
    // Black-body-like ramp: blue (0) -> yellow (1, the threshold) -> red (>= 2).
    const float t = std::min(std::max(h / 2.0f, 0.0f), 1.0f);
    const float r = std::min(1.0f, 2.0f * t), g = t < 0.5f ? 2.0f * t : 2.0f - 2.0f * t,
                b = std::max(0.0f, 1.0f - 3.0f * t);
    rgb[0] = static_cast<std::uint8_t>(255.0f * r);
    rgb[1] = static_cast<std::uint8_t>(255.0f * g);
    rgb[2] = static_cast<std::uint8_t>(255.0f * b);
}

std::vector<std::uint8_t> make_overlay(const gray_image& img, const std::vector<float>& heat,
                                       const std::vector<ek::inspection_box>& boxes) {
    const std::size_t w = static_cast<std::size_t>(img.width), h = static_cast<std::size_t>(img.height);
    std::vector<std::uint8_t> rgb(w * h * 3);
    for (std::size_t i = 0; i < w * h; ++i) {
        std::uint8_t c[3];
        heat_colour(heat[i], c);
        // Heat is shown where it matters: the blend grows from 0 at heat 0.3 to 0.65 at heat >= 1.
        const float a = 0.65f * std::min(std::max((heat[i] - 0.3f) / 0.7f, 0.0f), 1.0f);
        for (int k = 0; k < 3; ++k)
            rgb[i * 3 + static_cast<std::size_t>(k)] = static_cast<std::uint8_t>(
                std::lround(static_cast<float>(img.pixels[i]) * (1 - a) + static_cast<float>(c[k]) * a));
    }
    const std::size_t th = std::max<std::size_t>(2, w / 400);
    for (const auto& b : boxes) {
        const std::size_t x0 = std::min<std::size_t>(b.x0, w - 1), x1 = std::min<std::size_t>(b.x1, w) - 1;
        const std::size_t y0 = std::min<std::size_t>(b.y0, h - 1), y1 = std::min<std::size_t>(b.y1, h) - 1;
        for (std::size_t y = y0; y <= y1; ++y)
            for (std::size_t x = x0; x <= x1; ++x) {
                const bool edge = x < x0 + th || x + th > x1 || y < y0 + th || y + th > y1;
                if (!edge) continue;
                std::uint8_t* p = &rgb[(y * w + x) * 3];
                p[0] = 255, p[1] = 0, p[2] = 0;
            }
    }
    return rgb;
}

std::string strip_ext(const std::string& name) {
    const std::size_t dot = name.find_last_of('.');
    return dot == std::string::npos ? name : name.substr(0, dot);
}

// ---- verbs ---------------------------------------------------------------------------------------------------------
int cmd_train(const options& o) {
    std::string err;
    if (!o.has("images") || !o.has("model")) return usage_error("train needs --images DIR and --model FILE");
    unsigned long patch = 0, atoms = 0, sparsity = 0, stride = 0, samples = 0, iters = 0, seed = 0, scale = 0;
    if (!o.get_uint("patch", 8, 2, 64, patch, err) || !o.get_uint("atoms", 128, 2, 4096, atoms, err) ||
        !o.get_uint("sparsity", 6, 1, 64, sparsity, err) || !o.get_uint("samples", 1024, 1, 1u << 20, samples, err) ||
        !o.get_uint("iterations", 15, 1, 100, iters, err) || !o.get_uint("seed", 1, 0, ~0ul, seed, err))
        return usage_error(err);
    const std::string scale_s = o.get("scale", "auto");
    if (scale_s != "auto" && !o.get_uint("scale", 1, 1, 8, scale, err)) return usage_error(err);
    if (!o.get_uint("stride", patch / 2 ? patch / 2 : 1, 1, patch, stride, err)) return usage_error(err);
    const double sigmas = std::atof(o.get("sigmas", "3.5").c_str());
    if (!(sigmas >= 0.0 && sigmas <= 100.0)) return usage_error("--sigmas must be in [0, 100]");
    std::unique_ptr<engine> eng =
        make_engine(static_cast<unsigned>(patch), static_cast<unsigned>(atoms), static_cast<unsigned>(sparsity));
    if (!eng) return usage_error("this tool is built for --patch 8|16, --atoms 32|64|128, --sparsity 2|3|4|6");

    std::vector<std::string> files;
    std::vector<gray_image> imgs;
    const double t_load = now_ms();
    if (!load_folder(o.get("images"), files, imgs, err)) return fail(err);
    for (std::size_t i = 1; i < imgs.size(); ++i)
        if (imgs[i].width != imgs[0].width || imgs[i].height != imgs[0].height)
            return fail("mismatched image sizes in the training set: " + files[0] + " is " +
                        std::to_string(imgs[0].width) + "x" + std::to_string(imgs[0].height) + ", " + files[i] +
                        " is " + std::to_string(imgs[i].width) + "x" + std::to_string(imgs[i].height));
    if (scale_s == "auto") {
        // Median over the training images of the scale that makes one texture period span ~3/4 of a patch.
        std::vector<std::uint32_t> votes;
        for (const auto& g : imgs)
            votes.push_back(patch == 16 ? ek::sparse_inspection_suggest_scale<16>(view(g))
                                        : ek::sparse_inspection_suggest_scale<8>(view(g)));
        std::sort(votes.begin(), votes.end());
        scale = votes[votes.size() / 2];
    }
    const unsigned long min_side = patch * scale;
    for (std::size_t i = 0; i < imgs.size(); ++i)
        if (static_cast<unsigned long>(imgs[i].width) < min_side ||
            static_cast<unsigned long>(imgs[i].height) < min_side)
            return fail(files[i] + ": image " + std::to_string(imgs[i].width) + "x" + std::to_string(imgs[i].height) +
                        " is smaller than one patch (" + std::to_string(min_side) + " pixels at scale " +
                        std::to_string(scale) + ")");
    std::fprintf(stderr, "train: %zu images %dx%d loaded in %.0f ms; scale %lu, patch %lu, atoms %lu, sparsity %lu\n",
                 imgs.size(), imgs[0].width, imgs[0].height, now_ms() - t_load, scale, patch, atoms, sparsity);
    ek::sparse_inspection_train_params p;
    p.scale = static_cast<std::uint32_t>(scale);
    p.stride = static_cast<std::uint32_t>(stride);
    p.samples_per_image = static_cast<std::uint32_t>(samples);
    p.iterations = static_cast<std::uint32_t>(iters);
    p.threshold_sigmas = static_cast<float>(sigmas);
    p.seed = seed;
    const double t0 = now_ms();
    const ek::status st = eng->train(imgs, p);
    const double t_train = now_ms() - t0;
    if (st == ek::status::numeric_error)
        return fail("the training images have no usable texture (flat or all black?): nothing to learn");
    if (st != ek::status::ok) return fail(std::string("training failed: ") + ek::status_name(st));
    const std::vector<std::uint8_t> bytes = eng->save();
    if (bytes.empty() || !edgekern_tools::write_file_atomic(o.get("model"), bytes.data(), bytes.size())) return 1;
    std::fprintf(stderr, "train: done in %.1f ms (one core); ", t_train);
    eng->describe(stderr);
    std::printf("model written to %s (%zu bytes), training took %.1f ms\n", o.get("model").c_str(), bytes.size(),
                t_train);
    return 0;
}

int cmd_detect(const options& o) {
    std::string err;
    if (!o.has("model") || !o.has("images") || !o.has("out"))
        return usage_error("detect needs --model FILE --images DIR --out DIR");
    std::unique_ptr<engine> eng;
    if (!load_model(o.get("model"), eng, err)) return fail(err);
    std::vector<std::string> files;
    if (!edgekern_tools::list_images(o.get("images"), files, err)) return fail(err);
    if (files.empty()) return fail("no images in folder " + o.get("images"));
    // Pass 1: every image must decode and be large enough before anything is written (no partial results).
    {
        const shape s = eng->dims();
        int bad = 0;
        for (const auto& f : files) {
            gray_image img;
            std::string why;
            if (!edgekern_tools::read_gray(f, img, why)) {
                std::fprintf(stderr, "edgekern-inspect: error: %s: %s\n", f.c_str(), why.c_str());
                ++bad;
                continue;
            }
            const int min_side = static_cast<int>(s.patch * eng->scale());
            if (img.width < min_side || img.height < min_side) {
                std::fprintf(stderr,
                             "edgekern-inspect: error: %s: %dx%d is smaller than one patch of this model "
                             "(%d pixels)\n",
                             f.c_str(), img.width, img.height, min_side);
                ++bad;
            }
        }
        if (bad) return fail(std::to_string(bad) + " unusable image(s); nothing written");
    }
    const std::string out_dir = o.get("out");
    if (!ensure_dir(out_dir, err)) return fail(err);
    std::string csv = "file,score,anomalous,boxes\n";
    int failures = 0;
    double total_ms = 0;
    std::size_t flagged = 0;
    for (std::size_t i = 0; i < files.size(); ++i) {
        gray_image img;
        std::string why;
        if (!edgekern_tools::read_gray(files[i], img, why)) {
            std::fprintf(stderr, "edgekern-inspect: error: %s: %s\n", files[i].c_str(), why.c_str());
            ++failures;
            continue;
        }
        inspect_output r;
        const ek::status st = eng->inspect(img, r);
        if (st != ek::status::ok) {
            std::fprintf(stderr, "edgekern-inspect: error: %s: cannot inspect a %dx%d image (%s)\n", files[i].c_str(),
                         img.width, img.height,
                         st == ek::status::invalid_shape ? "smaller than one patch" : ek::status_name(st));
            ++failures;
            continue;
        }
        total_ms += r.ms;
        std::vector<float> px;
        if (eng->upsample(r, img.width, img.height, px) != ek::status::ok) return fail("upsampling failed");
        const std::vector<std::uint8_t> rgb = make_overlay(img, px, r.boxes);
        const std::string name = edgekern_tools::base_name(files[i]);
        if (!edgekern_tools::write_png_atomic(out_dir + "/" + strip_ext(name) + ".png", rgb.data(), img.width,
                                              img.height, 3))
            return 1;
        char line[256];
        std::snprintf(line, sizeof line, "%s,%.6f,%d,", name.c_str(), static_cast<double>(r.result.score),
                      r.result.anomalous ? 1 : 0);
        csv += line;
        for (std::size_t b = 0; b < r.boxes.size(); ++b) {
            std::snprintf(line, sizeof line, "%s%u %u %u %u", b ? ";" : "", r.boxes[b].x0, r.boxes[b].y0,
                          r.boxes[b].x1 - r.boxes[b].x0, r.boxes[b].y1 - r.boxes[b].y0);
            csv += line;
        }
        csv += "\n";
        flagged += r.result.anomalous ? 1u : 0u;
        if (files.size() >= 20 && (i + 1) % 10 == 0)
            std::fprintf(stderr, "detect: %zu/%zu images\n", i + 1, files.size());
    }
    if (!edgekern_tools::write_file_atomic(out_dir + "/scores.csv", csv.data(), csv.size())) return 1;
    const std::size_t done = files.size() - static_cast<std::size_t>(failures);
    std::printf(
        "detect: %zu images, %zu anomalous, %.2f ms per image (inspection only); overlays and scores.csv in %s\n", done,
        flagged, done ? total_ms / static_cast<double>(done) : 0.0, out_dir.c_str());
    return failures ? 1 : 0;
}

int cmd_evaluate(const options& o) {
    std::string err;
    if (!o.has("model") || !o.has("good") || !o.has("bad"))
        return usage_error("evaluate needs --model FILE --good DIR --bad DIR");
    std::unique_ptr<engine> eng;
    if (!load_model(o.get("model"), eng, err)) return fail(err);
    const bool json = o.has("json");
    const bool with_masks = o.has("masks");
    std::vector<std::pair<float, int>> image_scores;
    pixel_auroc pix;
    long tp = 0, fp = 0, tn = 0, fn = 0;
    double total_ms = 0;
    std::size_t n_done = 0;
    const std::string sets[2] = {o.get("good"), o.get("bad")};
    for (int label = 0; label < 2; ++label) {
        std::vector<std::string> files;
        if (!edgekern_tools::list_images(sets[label], files, err)) return fail(err);
        if (files.empty()) return fail("no images in folder " + sets[label]);
        for (const auto& f : files) {
            gray_image img;
            std::string why;
            if (!edgekern_tools::read_gray(f, img, why)) return fail(f + ": " + why);
            inspect_output r;
            const ek::status st = eng->inspect(img, r);
            if (st != ek::status::ok) return fail(f + ": cannot inspect (" + ek::status_name(st) + ")");
            total_ms += r.ms;
            ++n_done;
            image_scores.push_back({r.result.score, label});
            const bool flag = r.result.anomalous;
            if (label)
                flag ? ++tp : ++fn;
            else
                flag ? ++fp : ++tn;
            if (with_masks) {
                gray_image mask;
                bool have_mask = false;
                if (label == 1) {
                    const std::string mp = o.get("masks") + "/" + edgekern_tools::base_name(f);
                    if (!edgekern_tools::read_gray(mp, mask, why)) return fail(mp + ": " + why);
                    if (mask.width != img.width || mask.height != img.height)
                        return fail(mp + ": mask size differs from its image");
                    have_mask = true;
                }
                std::vector<float> px;
                if (eng->upsample(r, img.width, img.height, px) != ek::status::ok) return fail("upsampling failed");
                for (std::size_t i = 0; i < px.size(); ++i) pix.add(px[i], have_mask && mask.pixels[i] >= 128);
            }
            if (!json && n_done % 10 == 0) std::fprintf(stderr, "evaluate: %zu images\n", n_done);
        }
    }
    const double n = static_cast<double>(tp + fp + tn + fn);
    const double acc = static_cast<double>(tp + tn) / n;
    const double prec = tp + fp ? static_cast<double>(tp) / static_cast<double>(tp + fp) : 1.0;
    const double rec = tp + fn ? static_cast<double>(tp) / static_cast<double>(tp + fn) : 1.0;
    const double f1 = prec + rec > 0 ? 2 * prec * rec / (prec + rec) : 0.0;
    const double img_auc = auroc(image_scores);
    const double pix_auc = with_masks ? pix.value() : std::nan("");
    const double ms = total_ms / static_cast<double>(n_done);
    if (json) {
        std::printf("{\"images\": %.0f, \"accuracy\": %.4f, \"precision\": %.4f, \"recall\": %.4f, \"f1\": %.4f, "
                    "\"image_auroc\": %.4f, ",
                    n, acc, prec, rec, f1, img_auc);
        if (with_masks)
            std::printf("\"pixel_auroc\": %.4f, ", pix_auc);
        else
            std::printf("\"pixel_auroc\": null, ");
        std::printf("\"confusion\": {\"tp\": %ld, \"fp\": %ld, \"tn\": %ld, \"fn\": %ld}, \"ms_per_image\": %.3f}\n",
                    tp, fp, tn, fn, ms);
    } else {
        std::printf("images      %.0f (%ld good, %ld bad)\n", n, fp + tn, tp + fn);
        std::printf("accuracy    %.2f %%\nprecision   %.2f %%\nrecall      %.2f %%\nF1          %.4f\n", 100 * acc,
                    100 * prec, 100 * rec, f1);
        std::printf("image AUROC %.4f\n", img_auc);
        if (with_masks) std::printf("pixel AUROC %.4f\n", pix_auc);
        std::printf("confusion   predicted good  predicted bad\n");
        std::printf("  good      %14ld  %13ld\n  bad       %14ld  %13ld\n", tn, fp, fn, tp);
        std::printf("time        %.2f ms per image (inspection, one core)\n", ms);
    }
    return 0;
}

int cmd_export(const options& o) {
    std::string err;
    if (!o.has("model") || !o.has("header")) return usage_error("export needs --model FILE --header FILE.hpp");
    std::unique_ptr<engine> eng;
    if (!load_model(o.get("model"), eng, err)) return fail(err); // validates the file completely
    std::vector<std::uint8_t> bytes;
    if (!read_file(o.get("model"), bytes, err)) return fail(err);
    const std::string name = o.get("name", "inspection_model");
    if (name.empty() || !(std::isalpha(static_cast<unsigned char>(name[0])) || name[0] == '_') ||
        name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") != std::string::npos)
        return usage_error("--name must be a C identifier");
    const shape s = eng->dims();
    std::string h = "// Generated by edgekern-inspect export from " + edgekern_tools::base_name(o.get("model")) +
                    ": a serialized sparse_inspection_model (format version " +
                    std::to_string(ek::sparse_inspection_format_version) +
                    ").\n// Load it with\n//   static edgekern::"
                    "sparse_inspection_model<" +
                    std::to_string(s.patch) + ", " + std::to_string(s.atoms) + ", " + std::to_string(s.sparsity) +
                    "> m;\n//   edgekern::sparse_inspection_load(edgekern::span<const "
                    "std::uint8_t>(" +
                    name + ", sizeof " + name + "), m);\n#pragma once\n#include <cstdint>\n\n";
    h += "constexpr unsigned " + name + "_patch = " + std::to_string(s.patch) + ", " + name +
         "_atoms = " + std::to_string(s.atoms) + ", " + name + "_sparsity = " + std::to_string(s.sparsity) + ";\n";
    h += "alignas(4) const std::uint8_t " + name + "[" + std::to_string(bytes.size()) + "] = {\n";
    char buf[8];
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        std::snprintf(buf, sizeof buf, "%u,", bytes[i]);
        h += (i % 24 == 0 ? "    " : "") + std::string(buf) + (i % 24 == 23 ? "\n" : "");
    }
    h += "\n};\n";
    if (!edgekern_tools::write_file_atomic(o.get("header"), h.data(), h.size())) return 1;
    std::printf("header written to %s\n", o.get("header").c_str());
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 2) return usage_error("missing command");
    const std::string verb = argv[1];
    if (verb == "-h" || verb == "--help" || verb == "help") {
        std::printf("%s", usage_text);
        return 0;
    }
    options o;
    std::string err;
    if (!o.parse(argc, argv, 2, {"json"}, err)) return usage_error(err);
    if (verb == "train") return cmd_train(o);
    if (verb == "detect") return cmd_detect(o);
    if (verb == "evaluate") return cmd_evaluate(o);
    if (verb == "export") return cmd_export(o);
    return usage_error("unknown command '" + verb + "'");
}
