// SPDX-License-Identifier: Apache-2.0
// edgekern_fomo.cpp: the edgekern-fomo command-line tool: train / detect / evaluate with the FOMO-AD pipeline
// (include/edgekern/pipelines/fomo_ad.hpp), with the conventions of edgekern-inspect (scores.csv, heat-map
// overlays, metrics, --json, exit codes 0 ok / 1 error / 2 usage). Every image is area-resized to 96 x 96 gray.
#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <sys/stat.h>

#include "edgekern/pipelines/fomo_ad.hpp"
#include "image_io.hpp"

namespace ek = edgekern;
using edgekern_tools::gray_image;

namespace {

constexpr std::size_t side = 96;

const char* const usage_text =
    "usage:\n"
    "  edgekern-fomo train    --images DIR --model FILE [--proj 4|8|16] [--components 1|2|4|8] [--em-passes N]\n"
    "                         [--gain F] [--reg F] [--seed N] [--scale S]\n"
    "  edgekern-fomo detect   --model FILE --images DIR --out DIR [--threshold Z] [--scale S]\n"
    "  edgekern-fomo evaluate --model FILE --good DIR --bad DIR [--masks DIR] [--threshold Z] [--scale S] [--json]\n"
    "Frames: each image is area-downscaled by S (default 2.5; use the same S for train and test) and cut into\n"
    "overlapping 96x96 gray frames; each frame gives a 12x12 grid of cell scores (calibrated z-scores of the\n"
    "cells' negative log-likelihood); the image score is the maximum cell. --threshold (default 6) flags an\n"
    "image. Exit codes: 0 ok, 1 error, 2 usage.\n";

int usage_error(const std::string& msg) {
    std::fprintf(stderr, "edgekern-fomo: %s\n%s", msg.c_str(), usage_text);
    return 2;
}
int fail(const std::string& msg) {
    std::fprintf(stderr, "edgekern-fomo: error: %s\n", msg.c_str());
    return 1;
}

double now_ms() {
    timespec ts{};
    ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) * 1e-6;
}

struct options {
    std::map<std::string, std::string> kv;
    bool parse(int argc, char** argv, int first, std::string& err) {
        for (int i = first; i < argc; ++i) {
            std::string a = argv[i];
            if (a.rfind("--", 0) != 0) {
                err = "unexpected argument '" + a + "'";
                return false;
            }
            a = a.substr(2);
            if (a == "json") {
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
        out = def;
        if (!has(k)) return true;
        const std::string v = get(k);
        char* end = nullptr;
        out = std::strtoul(v.c_str(), &end, 10);
        if (v.empty() || *end != '\0' || out < lo || out > hi) {
            err = "--" + k + " must be an integer in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]";
            return false;
        }
        return true;
    }
    bool get_float(const std::string& k, double def, double lo, double hi, double& out, std::string& err) const {
        out = def;
        if (!has(k)) return true;
        const std::string v = get(k);
        char* end = nullptr;
        out = std::strtod(v.c_str(), &end);
        if (v.empty() || *end != '\0' || !(out >= lo && out <= hi)) {
            err = "--" + k + " must be a number in [" + std::to_string(lo) + ", " + std::to_string(hi) + "]";
            return false;
        }
        return true;
    }
};

/// Area (box) resize of a gray image to ow x oh (each output pixel averages the source rectangle it covers).
gray_image resize(const gray_image& g, int ow, int oh) {
    gray_image out;
    out.width = ow;
    out.height = oh;
    out.pixels.assign(static_cast<std::size_t>(ow) * static_cast<std::size_t>(oh), 0);
    const double sx = static_cast<double>(g.width) / ow, sy = static_cast<double>(g.height) / oh;
    for (int y = 0; y < oh; ++y)
        for (int x = 0; x < ow; ++x) {
            const double x0 = x * sx, x1 = x0 + sx, y0 = y * sy, y1 = y0 + sy;
            double sum = 0.0, wsum = 0.0;
            for (int yy = static_cast<int>(y0); yy < static_cast<int>(std::ceil(y1)) && yy < g.height; ++yy) {
                const double wy = std::min(y1, yy + 1.0) - std::max(y0, static_cast<double>(yy));
                for (int xx = static_cast<int>(x0); xx < static_cast<int>(std::ceil(x1)) && xx < g.width; ++xx) {
                    const double w = (std::min(x1, xx + 1.0) - std::max(x0, static_cast<double>(xx))) * wy;
                    sum += w * g.pixels[static_cast<std::size_t>(yy) * static_cast<std::size_t>(g.width) +
                                        static_cast<std::size_t>(xx)];
                    wsum += w;
                }
            }
            out.pixels[static_cast<std::size_t>(y) * static_cast<std::size_t>(ow) + static_cast<std::size_t>(x)] =
                static_cast<std::uint8_t>(std::lround(wsum > 0 ? sum / wsum : 0.0));
        }
    return out;
}

/// The image seen by the pipeline: area-downscaled by `scale` (at least 96 x 96), then cut into 96 x 96 frames
/// (tiles) that cover it, evenly spaced with overlap. The image score is the maximum over its tiles.
struct tiled {
    gray_image small;
    std::vector<std::vector<std::uint8_t>> frames;
    std::vector<std::pair<int, int>> origin; ///< top-left (x, y) of each tile in `small`
};

std::vector<int> tile_starts(int n) {
    const int s = static_cast<int>(side);
    const int count = n <= s ? 1 : (n - s + (s * 5 / 6) - 1) / (s * 5 / 6) + 1;
    std::vector<int> v;
    for (int i = 0; i < count; ++i)
        v.push_back(count == 1 ? 0 : static_cast<int>(std::lround(1.0 * i * (n - s) / (count - 1))));
    return v;
}

tiled to_tiles(const gray_image& g, double scale) {
    tiled t;
    const int s = static_cast<int>(side);
    const int w = std::max(s, static_cast<int>(std::lround(g.width / scale)));
    const int h = std::max(s, static_cast<int>(std::lround(g.height / scale)));
    t.small = resize(g, w, h);
    for (int y0 : tile_starts(h))
        for (int x0 : tile_starts(w)) {
            std::vector<std::uint8_t> f(side * side);
            for (std::size_t y = 0; y < side; ++y)
                std::memcpy(&f[y * side],
                            &t.small.pixels[(static_cast<std::size_t>(y0) + y) * static_cast<std::size_t>(w) +
                                            static_cast<std::size_t>(x0)],
                            side);
            t.frames.push_back(std::move(f));
            t.origin.emplace_back(x0, y0);
        }
    return t;
}

using edgekern_tools::ensure_dir;
using edgekern_tools::load_folder;
using edgekern_tools::read_file;

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

std::string strip_ext(const std::string& name) {
    const std::size_t dot = name.find_last_of('.');
    return dot == std::string::npos ? name : name.substr(0, dot);
}

/// Overlay at the source resolution from a heat map of hw x hh (the downscaled image; nearest-neighbour
/// upscaling shows the 8 x 8 cell grid): h = z / threshold blends blue (0) -> yellow (1, the threshold) -> red (>= 2).
std::vector<std::uint8_t> make_overlay(const gray_image& img, const std::vector<float>& heat, int hw, int hh,
                                       float threshold) {
    const std::size_t w = static_cast<std::size_t>(img.width), h = static_cast<std::size_t>(img.height);
    const std::size_t uw = static_cast<std::size_t>(hw), uh = static_cast<std::size_t>(hh);
    std::vector<std::uint8_t> rgb(w * h * 3);
    for (std::size_t y = 0; y < h; ++y)
        for (std::size_t x = 0; x < w; ++x) {
            const std::size_t hx = std::min(uw - 1, x * uw / w), hy = std::min(uh - 1, y * uh / h);
            const float v = heat[hy * uw + hx] / threshold;
            const float t = std::min(std::max(v / 2.0f, 0.0f), 1.0f);
            const float c[3] = {255.0f * std::min(1.0f, 2.0f * t), 255.0f * (t < 0.5f ? 2.0f * t : 2.0f - 2.0f * t),
                                255.0f * std::max(0.0f, 1.0f - 3.0f * t)};
            const float a = 0.65f * std::min(std::max((v - 0.3f) / 0.7f, 0.0f), 1.0f);
            for (int k = 0; k < 3; ++k)
                rgb[(y * w + x) * 3 + static_cast<std::size_t>(k)] = static_cast<std::uint8_t>(
                    std::lround(static_cast<float>(img.pixels[y * w + x]) * (1 - a) + c[k] * a));
        }
    return rgb;
}

/// The verbs, for one instantiation of the pipeline.
template <std::size_t P, std::size_t K>
struct engine {
    using pipe_t = ek::fomo_ad<side, side, P, K>;
    using trainer_t = ek::fomo_ad_trainer<side, side, P, K, 4096>;

    static int train(const options& o, const std::vector<std::vector<std::uint8_t>>& frames) {
        std::string err;
        unsigned long passes = 0, seed = 0;
        double gain = 0.0;
        if (!o.get_uint("em-passes", 3, 0, 100, passes, err) || !o.get_uint("seed", 1, 0, 0xFFFFFFFFul, seed, err) ||
            !o.get_float("gain", 4.0, 1.0 / 64, 64.0, gain, err))
            return usage_error(err);
        auto pipe = std::make_unique<pipe_t>();
        auto trainer = std::make_unique<trainer_t>();
        ek::fomo_ad_options fo;
        fo.feature_gain = static_cast<float>(gain);
        ek::status st = pipe->init(fo);
        if (st != ek::status::ok) return fail(std::string("init: ") + ek::status_name(st));
        ek::fomo_ad_train_options to;
        to.em_passes = passes;
        double reg = 0.0;
        if (!o.get_float("reg", 1e-2, 0.0, 1e4, reg, err)) return usage_error(err);
        to.reg_covar = static_cast<float>(reg);
        to.seed = seed;
        const double t0 = now_ms();
        st = trainer->train(
            *pipe, frames.size(),
            [&](std::size_t i, ek::span<std::uint8_t> f) {
                std::memcpy(f.data(), frames[i].data(), f.size());
                return true;
            },
            to);
        const double t1 = now_ms();
        if (st == ek::status::numeric_error)
            return fail("training failed: the training images are degenerate (no variation between them)");
        if (st != ek::status::ok) return fail(std::string("training failed: ") + ek::status_name(st));
        std::vector<std::byte> blob(pipe_t::model_bytes);
        st = pipe->save(ek::span<std::byte>(blob.data(), blob.size()));
        if (st != ek::status::ok) return fail(std::string("save: ") + ek::status_name(st));
        if (!edgekern_tools::write_file_atomic(o.get("model"), blob.data(), blob.size())) return 1;
        std::printf("model written to %s (%zu bytes: proj %zu, components %zu), training took %.1f ms (%lu passes)\n",
                    o.get("model").c_str(), blob.size(), P, K, t1 - t0, static_cast<unsigned long>(2 + passes));
        return 0;
    }

    static int load(const std::vector<std::uint8_t>& bytes, pipe_t& pipe) {
        const ek::status st =
            pipe.load(ek::span<const std::byte>(reinterpret_cast<const std::byte*>(bytes.data()), bytes.size()));
        if (st == ek::status::ok) return 0;
        return fail(std::string("model file rejected: ") + ek::status_name(st) +
                    (st == ek::status::shape_mismatch ? " (model for another frame size or configuration)"
                                                      : " (corrupt or not an edgekern-fomo model)"));
    }

    /// Scores every tile of an image; heat = per-pixel max cell score over the tiles (downscaled resolution);
    /// (ax, ay) = centre of the highest cell in the downscaled image.
    static ek::status score_image(pipe_t& pipe, const gray_image& img, double scale, std::vector<float>& heat, int& hw,
                                  int& hh, float& score, std::size_t& ax, std::size_t& ay, double& ms,
                                  std::size_t& n_frames) {
        const tiled t = to_tiles(img, scale);
        hw = t.small.width;
        hh = t.small.height;
        const std::size_t uw = static_cast<std::size_t>(hw);
        heat.assign(uw * static_cast<std::size_t>(hh), -1e30f);
        score = -1e30f;
        for (std::size_t i = 0; i < t.frames.size(); ++i) {
            float cells[pipe_t::n_cells];
            float s = 0.0f;
            const double t0 = now_ms();
            const ek::status st = pipe.score(ek::span<const std::uint8_t>(t.frames[i].data(), t.frames[i].size()),
                                             ek::span<float>(cells), s);
            ms += now_ms() - t0;
            ++n_frames;
            if (st != ek::status::ok) return st;
            const std::size_t ox = static_cast<std::size_t>(t.origin[i].first);
            const std::size_t oy = static_cast<std::size_t>(t.origin[i].second);
            for (std::size_t y = 0; y < side; ++y)
                for (std::size_t x = 0; x < side; ++x) {
                    const float z = cells[(y / 8) * pipe_t::cells_w + x / 8];
                    float& hp = heat[(oy + y) * uw + ox + x];
                    hp = std::max(hp, z);
                }
            if (s > score) {
                score = s;
                const std::size_t c =
                    static_cast<std::size_t>(std::max_element(cells, cells + pipe_t::n_cells) - cells);
                ax = ox + 8 * (c % pipe_t::cells_w) + 4;
                ay = oy + 8 * (c / pipe_t::cells_w) + 4;
            }
        }
        return ek::status::ok;
    }

    static int detect(const options& o, const std::vector<std::uint8_t>& model, float threshold, double scale) {
        auto pipe = std::make_unique<pipe_t>();
        if (load(model, *pipe) != 0) return 1;
        std::string err;
        const std::string out_dir = o.get("out");
        if (!ensure_dir(out_dir, err)) return fail(err);
        std::vector<std::string> files;
        if (!edgekern_tools::list_images(o.get("images"), files, err)) return fail(err);
        if (files.empty()) return fail("no images in folder " + o.get("images"));
        std::string csv = "image,score,anomalous,max_x,max_y\n";
        double ms = 0.0;
        std::size_t n_bad = 0, done = 0;
        for (const std::string& f : files) {
            gray_image img;
            if (!edgekern_tools::read_gray(f, img, err)) {
                std::fprintf(stderr, "edgekern-fomo: error: %s: %s\n", f.c_str(), err.c_str());
                continue;
            }
            std::vector<float> heat;
            int hw = 0, hh = 0;
            float score = 0.0f;
            std::size_t ax = 0, ay = 0, nf = 0;
            const ek::status st = score_image(*pipe, img, scale, heat, hw, hh, score, ax, ay, ms, nf);
            if (st != ek::status::ok) {
                std::fprintf(stderr, "edgekern-fomo: error: %s: %s\n", f.c_str(), ek::status_name(st));
                continue;
            }
            const bool bad = score > threshold;
            n_bad += bad;
            ++done;
            const std::string name = edgekern_tools::base_name(f);
            const std::vector<std::uint8_t> rgb = make_overlay(img, heat, hw, hh, threshold);
            edgekern_tools::write_png_atomic(out_dir + "/" + strip_ext(name) + "_overlay.png", rgb.data(), img.width,
                                             img.height, 3);
            char line[512];
            std::snprintf(line, sizeof line, "%s,%.6f,%d,%zu,%zu\n", name.c_str(), static_cast<double>(score),
                          bad ? 1 : 0, static_cast<std::size_t>(std::lround(static_cast<double>(ax) * scale)),
                          static_cast<std::size_t>(std::lround(static_cast<double>(ay) * scale)));
            csv += line;
        }
        if (!edgekern_tools::write_file_atomic(out_dir + "/scores.csv", csv.data(), csv.size())) return 1;
        std::printf(
            "detect: %zu images, %zu anomalous, %.3f ms per image (scoring all tiles); overlays and scores.csv in "
            "%s\n",
            done, n_bad, done ? ms / static_cast<double>(done) : 0.0, out_dir.c_str());
        return done == files.size() ? 0 : 1;
    }

    static int evaluate(const options& o, const std::vector<std::uint8_t>& model, float threshold, double scale) {
        auto pipe = std::make_unique<pipe_t>();
        if (load(model, *pipe) != 0) return 1;
        std::string err;
        std::vector<std::pair<float, int>> image_scores, pixel_scores;
        long tp = 0, fp = 0, tn = 0, fn = 0;
        double ms = 0.0;
        std::size_t n_frames = 0;
        const bool with_masks = o.has("masks");
        for (int label = 0; label < 2; ++label) {
            std::vector<std::string> files;
            std::vector<gray_image> images;
            if (!load_folder(o.get(label ? "bad" : "good"), files, images, err)) return fail(err);
            for (std::size_t i = 0; i < files.size(); ++i) {
                std::vector<float> heat;
                int hw = 0, hh = 0;
                float score = 0.0f;
                std::size_t ax = 0, ay = 0;
                const ek::status st = score_image(*pipe, images[i], scale, heat, hw, hh, score, ax, ay, ms, n_frames);
                if (st != ek::status::ok) return fail(files[i] + ": " + ek::status_name(st));
                image_scores.emplace_back(score, label);
                const bool pred = score > threshold;
                tp += label && pred;
                fp += !label && pred;
                tn += !label && !pred;
                fn += label && !pred;
                if (with_masks) {
                    // Pixel level at the downscaled resolution: every pixel gets its cell's score; the mask is
                    // area-resized the same way (a pixel is a defect when more than a quarter of it is).
                    std::vector<std::uint8_t> mask(heat.size(), 0);
                    if (label) {
                        gray_image m;
                        const std::string mp = o.get("masks") + "/" + edgekern_tools::base_name(files[i]);
                        if (!edgekern_tools::read_gray(mp, m, err)) return fail(mp + ": " + err);
                        mask = resize(m, hw, hh).pixels;
                    }
                    for (std::size_t p = 0; p < heat.size(); ++p)
                        pixel_scores.emplace_back(heat[p], mask[p] > 63 ? 1 : 0);
                }
            }
        }
        const double n = static_cast<double>(tp + fp + tn + fn);
        const double acc = static_cast<double>(tp + tn) / n;
        const double prec = tp + fp ? static_cast<double>(tp) / static_cast<double>(tp + fp) : 0.0;
        const double rec = tp + fn ? static_cast<double>(tp) / static_cast<double>(tp + fn) : 0.0;
        const double f1 = prec + rec > 0 ? 2 * prec * rec / (prec + rec) : 0.0;
        const double img_auc = auroc(image_scores);
        const double pix_auc = with_masks ? auroc(pixel_scores) : std::nan("");
        const double per = ms / static_cast<double>(n_frames);
        if (o.has("json")) {
            std::printf("{\"images\": %.0f, \"accuracy\": %.4f, \"precision\": %.4f, \"recall\": %.4f, \"f1\": %.4f, "
                        "\"image_auroc\": %.4f, ",
                        n, acc, prec, rec, f1, img_auc);
            if (with_masks)
                std::printf("\"pixel_auroc\": %.4f, ", pix_auc);
            else
                std::printf("\"pixel_auroc\": null, ");
            std::printf("\"confusion\": {\"tp\": %ld, \"fp\": %ld, \"tn\": %ld, \"fn\": %ld}, \"ms_per_image\": %.3f, "
                        "\"frames\": %zu, \"ms_per_frame\": %.4f}\n",
                        tp, fp, tn, fn, ms / n, n_frames, per);
        } else {
            std::printf("images      %.0f (%ld good, %ld bad)\n", n, fp + tn, tp + fn);
            std::printf("accuracy    %.2f %%\nprecision   %.2f %%\nrecall      %.2f %%\nF1          %.4f\n", 100 * acc,
                        100 * prec, 100 * rec, f1);
            std::printf("image AUROC %.4f\n", img_auc);
            if (with_masks) std::printf("pixel AUROC %.4f (cell grid)\n", pix_auc);
            std::printf("confusion   predicted good  predicted bad\n");
            std::printf("  good      %14ld  %13ld\n  bad       %14ld  %13ld\n", tn, fp, fn, tp);
            std::printf("time        %.3f ms per image, %.4f ms per 96x96 frame (%zu frames; scoring, one core)\n",
                        ms / n, per, n_frames);
        }
        return 0;
    }
};

template <class F>
int with_engine(unsigned long p, unsigned long k, F&& f) {
    if (p == 8 && k == 4) return f(engine<8, 4>{});
    if (p == 8 && k == 1) return f(engine<8, 1>{});
    if (p == 8 && k == 2) return f(engine<8, 2>{});
    if (p == 8 && k == 8) return f(engine<8, 8>{});
    if (p == 4 && k == 4) return f(engine<4, 4>{});
    if (p == 16 && k == 4) return f(engine<16, 4>{});
    return -1;
}

int cmd_train(const options& o) {
    if (!o.has("images") || !o.has("model")) return usage_error("train needs --images DIR and --model FILE");
    std::string err;
    unsigned long p = 0, k = 0;
    if (!o.get_uint("proj", 8, 1, 64, p, err) || !o.get_uint("components", 4, 1, 32, k, err)) return usage_error(err);
    std::vector<std::string> files;
    std::vector<gray_image> images;
    if (!load_folder(o.get("images"), files, images, err)) return fail(err);
    std::vector<std::vector<std::uint8_t>> frames;
    double scale = 0.0;
    if (!o.get_float("scale", 2.5, 0.05, 64.0, scale, err)) return usage_error(err);
    for (const gray_image& g : images)
        for (auto& f : to_tiles(g, scale).frames) frames.push_back(std::move(f));
    const int r = with_engine(p, k, [&](auto e) { return decltype(e)::train(o, frames); });
    if (r < 0) return usage_error("supported (--proj, --components): (8, 1|2|4|8), (4, 4), (16, 4)");
    return r;
}

int cmd_score(const options& o, bool evaluate) {
    if (evaluate ? (!o.has("model") || !o.has("good") || !o.has("bad"))
                 : (!o.has("model") || !o.has("images") || !o.has("out")))
        return usage_error(evaluate ? "evaluate needs --model FILE --good DIR --bad DIR"
                                    : "detect needs --model FILE --images DIR --out DIR");
    std::string err;
    double thr = 0.0, scale = 0.0;
    if (!o.get_float("threshold", 6.0, 0.0, 1e6, thr, err) || !o.get_float("scale", 2.5, 0.05, 64.0, scale, err))
        return usage_error(err);
    std::vector<std::uint8_t> bytes;
    if (!read_file(o.get("model"), bytes, err)) return fail(err);
    if (bytes.size() < 24) return fail("model file rejected: too short (not an edgekern-fomo model)");
    const auto word = [&](std::size_t i) {
        return static_cast<unsigned long>(bytes[4 * i]) | static_cast<unsigned long>(bytes[4 * i + 1]) << 8 |
               static_cast<unsigned long>(bytes[4 * i + 2]) << 16 | static_cast<unsigned long>(bytes[4 * i + 3]) << 24;
    };
    const int r = with_engine(word(4), word(5), [&](auto e) {
        return evaluate ? decltype(e)::evaluate(o, bytes, static_cast<float>(thr), scale)
                        : decltype(e)::detect(o, bytes, static_cast<float>(thr), scale);
    });
    if (r < 0) return fail("model file rejected: unsupported or corrupt configuration");
    return r;
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
    if (!o.parse(argc, argv, 2, err)) return usage_error(err);
    if (verb == "train") return cmd_train(o);
    if (verb == "detect") return cmd_score(o, false);
    if (verb == "evaluate") return cmd_score(o, true);
    return usage_error("unknown command '" + verb + "'");
}
