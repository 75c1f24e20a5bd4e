// SPDX-License-Identifier: Apache-2.0
// image_io.hpp: host-only image reading (PNG, JPEG, PGM, ... via stb_image, converted to 8-bit gray) and atomic
// PNG writing (temporary file + rename, so a failed run never leaves a half-written output) for the tools.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace edgekern_tools {

/// An 8-bit grayscale image owned by the host tool (never used inside include/).
struct gray_image {
    int width = 0;
    int height = 0;
    std::vector<std::uint8_t> pixels; ///< row-major, width * height
};

/// Reads any format stb_image understands and converts colour to gray (ITU-R BT.601 luma, as stb does).
/// On failure returns false and puts a human-readable reason into `error` (unreadable, corrupt, truncated,
/// zero-size).
bool read_gray(const std::string& path, gray_image& out, std::string& error);

/// Writes `bytes` to `path` through `path.tmp.<pid>` + rename(); false (with a message on stderr) on failure.
bool write_file_atomic(const std::string& path, const void* bytes, std::size_t size);

/// Encodes a gray (channels = 1) or RGB (channels = 3) image as PNG and writes it atomically.
bool write_png_atomic(const std::string& path, const std::uint8_t* pixels, int width, int height, int channels);

inline bool write_png_gray_atomic(const std::string& path, const std::uint8_t* pixels, int width, int height) {
    return write_png_atomic(path, pixels, width, height, 1);
}

/// Sorted list of the image files (png, jpg, jpeg, pgm, ppm, bmp, tga) directly inside `dir`; false with a
/// message in `error` when the folder cannot be read.
bool list_images(const std::string& dir, std::vector<std::string>& files, std::string& error);

/// Last path component.
std::string base_name(const std::string& path);

/// All images of a folder (sorted), read as gray; false with a message for an unreadable folder, a folder without
/// images, or an unreadable image.
bool load_folder(const std::string& dir, std::vector<std::string>& files, std::vector<gray_image>& images,
                 std::string& err);

/// The whole file into bytes; false with a message when it cannot be opened or read.
bool read_file(const std::string& path, std::vector<std::uint8_t>& bytes, std::string& err);

/// mkdir -p; false with a message when the folder cannot be created or is not a folder.
bool ensure_dir(const std::string& path, std::string& err);

} // namespace edgekern_tools
