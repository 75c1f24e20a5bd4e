// SPDX-License-Identifier: Apache-2.0
// edgekern/kernels/gmm.hpp: Gaussian mixtures: model views, float and fixed-point scoring, on-device EM.
#pragma once

#include "edgekern/kernels/gmm/model.hpp"
#include "edgekern/kernels/gmm/em.hpp"
#include "edgekern/kernels/gmm/fixed.hpp"
#include "edgekern/kernels/gmm/score.hpp"
