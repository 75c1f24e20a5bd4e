// SPDX-License-Identifier: Apache-2.0
// image_io.cpp: stb_image / stb_image_write glue for the host tools (see image_io.hpp).
#include "image_io.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#if defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wconversion"
#pragma GCC diagnostic ignored "-Wsign-conversion"
#pragma GCC diagnostic ignored "-Wshadow"
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wimplicit-fallthrough"
#pragma GCC diagnostic ignored "-Wdouble-promotion"
#pragma GCC diagnostic ignored "-Wcast-qual"
#endif
#define STB_IMAGE_IMPLEMENTATION
#define STBI_NO_HDR
#define STBI_FAILURE_USERMSG
#include <stb/stb_image.h>
#define STB_IMAGE_WRITE_IMPLEMENTATION
#include <stb/stb_image_write.h>
#if defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

namespace edgekern_tools {

bool read_gray(const std::string& path, gray_image& out, std::string& error) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        error = std::string("cannot open: ") + std::strerror(errno);
        return false;
    }
    if (st.st_size == 0) {
        error = "empty file";
        return false;
    }
    int w = 0, h = 0, channels = 0;
    unsigned char* data = stbi_load(path.c_str(), &w, &h, &channels, 1);
    if (!data) {
        const char* why = stbi_failure_reason();
        error = std::string("not a readable image (") + (why ? why : "unknown reason") + ")";
        return false;
    }
    if (w <= 0 || h <= 0) {
        stbi_image_free(data);
        error = "zero-size image";
        return false;
    }
    out.width = w;
    out.height = h;
    out.pixels.assign(data, data + static_cast<std::size_t>(w) * static_cast<std::size_t>(h));
    stbi_image_free(data);
    return true;
}

bool write_file_atomic(const std::string& path, const void* bytes, std::size_t size) {
    const std::string tmp = path + ".tmp." + std::to_string(static_cast<long>(::getpid()));
    std::FILE* f = std::fopen(tmp.c_str(), "wb");
    if (!f) {
        std::fprintf(stderr, "error: cannot write %s: %s\n", tmp.c_str(), std::strerror(errno));
        return false;
    }
    const bool wrote = std::fwrite(bytes, 1, size, f) == size;
    const bool closed = std::fclose(f) == 0;
    if (!wrote || !closed || std::rename(tmp.c_str(), path.c_str()) != 0) {
        std::fprintf(stderr, "error: cannot write %s: %s\n", path.c_str(), std::strerror(errno));
        std::remove(tmp.c_str());
        return false;
    }
    return true;
}

namespace {
void append_bytes(void* context, void* data, int size) {
    auto* v = static_cast<std::vector<unsigned char>*>(context);
    const auto* p = static_cast<const unsigned char*>(data);
    v->insert(v->end(), p, p + size);
}
} // namespace

bool write_png_atomic(const std::string& path, const std::uint8_t* pixels, int width, int height, int channels) {
    std::vector<unsigned char> encoded;
    if (!stbi_write_png_to_func(append_bytes, &encoded, width, height, channels, pixels, width * channels)) {
        std::fprintf(stderr, "error: PNG encoding failed for %s\n", path.c_str());
        return false;
    }
    return write_file_atomic(path, encoded.data(), encoded.size());
}

bool list_images(const std::string& dir, std::vector<std::string>& files, std::string& error) {
    DIR* d = ::opendir(dir.c_str());
    if (!d) {
        error = "cannot read folder " + dir + ": " + std::strerror(errno);
        return false;
    }
    static const char* const exts[] = {".png", ".jpg", ".jpeg", ".pgm", ".ppm", ".pnm", ".bmp", ".tga"};
    while (const dirent* e = ::readdir(d)) {
        std::string name = e->d_name;
        if (name.empty() || name[0] == '.') continue;
        std::string lower = name;
        std::transform(lower.begin(), lower.end(), lower.begin(),
                       [](unsigned char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c); });
        bool is_image = false;
        for (const char* ext : exts) {
            const std::size_t n = std::strlen(ext);
            if (lower.size() > n && lower.compare(lower.size() - n, n, ext) == 0) is_image = true;
        }
        if (is_image) files.push_back(dir + "/" + name);
    }
    ::closedir(d);
    std::sort(files.begin(), files.end());
    return true;
}

std::string base_name(const std::string& path) {
    const std::size_t slash = path.find_last_of('/');
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

// All images of a folder, read as gray; errors for an unreadable folder, no images, or an unreadable image.
bool load_folder(const std::string& dir, std::vector<std::string>& files, std::vector<gray_image>& images,
                 std::string& err) {
    files.clear();
    images.clear();
    if (!edgekern_tools::list_images(dir, files, err)) return false;
    if (files.empty()) {
        err = "no images (png/jpg/pgm/ppm/bmp/tga) in folder " + dir;
        return false;
    }
    images.resize(files.size());
    for (std::size_t i = 0; i < files.size(); ++i) {
        std::string why;
        if (!edgekern_tools::read_gray(files[i], images[i], why)) {
            err = files[i] + ": " + why;
            return false;
        }
    }
    return true;
}

bool read_file(const std::string& path, std::vector<std::uint8_t>& bytes, std::string& err) {
    std::FILE* f = std::fopen(path.c_str(), "rb");
    if (!f) {
        err = "cannot open " + path + ": " + std::strerror(errno);
        return false;
    }
    bytes.clear();
    std::uint8_t buf[65536];
    std::size_t n = 0;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) bytes.insert(bytes.end(), buf, buf + n);
    const bool bad = std::ferror(f) != 0;
    std::fclose(f);
    if (bad) err = "cannot read " + path;
    return !bad;
}

bool ensure_dir(const std::string& p, std::string& err) {
    // mkdir -p: create the parents first.
    for (std::size_t pos = p.find('/', 1); pos != std::string::npos; pos = p.find('/', pos + 1))
        ::mkdir(p.substr(0, pos).c_str(), 0755);
    if (::mkdir(p.c_str(), 0755) == 0 || errno == EEXIST) {
        struct stat st {};
        if (::stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) return true;
    }
    err = "cannot create output folder " + p + ": " + std::strerror(errno);
    return false;
}

} // namespace edgekern_tools
