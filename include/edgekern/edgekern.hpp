// SPDX-License-Identifier: Apache-2.0
// edgekern/edgekern.hpp: umbrella header: the whole public API.
#pragma once

#include "edgekern/arch/cpu_features.hpp"
#include "edgekern/arch/tags.hpp"
#include "edgekern/config.hpp"
#include "edgekern/core/checked_math.hpp"
#include "edgekern/core/span.hpp"
#include "edgekern/core/status.hpp"
#include "edgekern/simd/simd.hpp"
#include "edgekern/fixed/fixed.hpp"
#include "edgekern/fixed/primitives.hpp"
#include "edgekern/fixed/quantize.hpp"
#include "edgekern/kernels/conv2d.hpp"
#include "edgekern/kernels/depthwise_conv2d.hpp"
#include "edgekern/kernels/elementwise_add.hpp"
#include "edgekern/kernels/fully_connected.hpp"
#include "edgekern/kernels/gmm.hpp"
#include "edgekern/kernels/omp.hpp"
#include "edgekern/kernels/pooling.hpp"
#include "edgekern/kernels/random_projection.hpp"
#include "edgekern/pipelines/sparse_inspection.hpp"
#include "edgekern/version.hpp"
